"""The agency pickers in a browser: a combobox with the keyboard, and the search step without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from requests_app.campaigns.models import Campaign
from requests_app.records.models import RecordsRequest
from tests.browser.conftest import DESKTOP, TIMEOUT_MS
from tests.browser.steps import create_campaign, log_in_from_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_type_an_agency_choose_it_with_the_keyboard_and_create_a_request(page, editor, agencies, shot):
    page.goto("/requests/new/")
    box = page.get_by_role("combobox", name="Agency")
    listbox = page.get_by_role("listbox", name="Matching agencies")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="Find agencies")).to_have_count(0)  # the search step is for no script

    box.press_sequentially("police", delay=20)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".picker-status")).to_have_text("5 agencies found.")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(5)
    expect(options.first).to_contain_text("Austin Police Department (TX)")

    for _ in range(4):
        box.press("ArrowDown")
    seattle = listbox.get_by_role("option", name=re.compile(r"^Seattle Police Department \(WA\)"))
    expect(seattle).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", seattle.get_attribute("id"))
    expect(seattle).to_contain_text("Police department · records email")
    shot("open", phone=True)

    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(page.locator(".picker-choice")).to_contain_text("Seattle Police Department (WA)")
    expect(page.get_by_role("button", name="Change agency")).to_be_focused()
    shot("chosen", phone=True)

    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("status")).to_contain_text("created. Review the letter below.")
    assert RecordsRequest.objects.get().agency == agencies["Seattle"]


def test_change_the_agency_then_keep_it_with_escape(page, editor, agencies):
    page.goto(f"/requests/new/?agency={agencies['Tacoma'].pk}")
    expect(page.locator(".picker-choice")).to_contain_text("Tacoma Police Department (WA)")
    page.get_by_role("button", name="Change agency").click()
    box = page.get_by_role("combobox", name="Agency")
    expect(box).to_be_focused()
    box.press_sequentially("aus", delay=20)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")  # closes the list
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Escape")  # empties the box
    expect(box).to_have_value("")
    box.press("Escape")  # keeps the agency chosen before
    expect(page.get_by_role("button", name="Change agency")).to_be_focused()
    expect(page.locator("input[type=hidden][name=agency]")).to_have_value(str(agencies["Tacoma"].pk))


def test_pick_two_agencies_for_a_campaign_and_remove_one(page, editor, agencies, shot):
    page.goto("/campaigns/new/")
    page.get_by_label("Title").fill("Two then one")
    by_hand = page.get_by_role("radio", name="Agencies picked by hand")
    expect(by_hand).not_to_be_checked()
    box = page.get_by_role("combobox", name="Pick agencies")
    for name in ("austin", "oakland"):
        box.press_sequentially(name, delay=20)
        expect(page.get_by_role("listbox")).to_be_visible()
        box.press("ArrowDown")
        box.press("Enter")
    expect(by_hand).to_be_checked()  # picking an agency picks that way
    expect(box).to_be_focused()
    chosen = page.get_by_role("list", name="Chosen agencies (2)")
    expect(chosen.get_by_role("listitem")).to_have_text([re.compile("Austin Police Department"),
                                                          re.compile("Oakland Police Department")])
    expect(page.locator(".picker-status")).to_have_text("Added Oakland Police Department (CA). 2 agencies chosen.")
    shot("picked", phone=True)

    page.get_by_role("button", name="Remove Austin Police Department (TX)").click()
    expect(page.get_by_role("list", name="Chosen agencies (1)").get_by_role("listitem")).to_have_count(1)
    expect(page.get_by_role("button", name="Remove Oakland Police Department (CA)")).to_be_focused()
    expect(page.locator(".picker-status")).to_have_text("Removed Austin Police Department (TX). 1 agency chosen.")

    create_campaign(page, title="Two then one", count=1)
    expect(page.locator("table tbody tr td[data-label=Agency]")).to_have_text(["Oakland Police Department"])


def test_without_javascript_find_agencies_keeps_the_form_and_the_chosen(browser, live_server, editor, agencies, shot):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        log_in_from_start(page, editor.user.username)
        page.goto("/campaigns/new/")
        page.get_by_label("Title").fill("Found without a script")
        page.get_by_label("Pick agencies").fill("police department")
        page.get_by_role("button", name="Find agencies").click()

        found = page.get_by_role("group", name="Agencies matching “police department”")
        expect(found.get_by_role("checkbox")).to_have_count(5)
        expect(page.get_by_label("Title")).to_have_value("Found without a script")
        expect(page.get_by_role("radio", name="Agencies picked by hand")).to_be_checked()
        found.get_by_role("checkbox", name=re.compile(r"^Seattle Police Department \(WA\)")).check()
        found.get_by_role("checkbox", name=re.compile(r"^Tacoma Police Department \(WA\)")).check()
        page.get_by_label("Pick agencies").fill("austin")
        page.get_by_role("button", name="Find agencies").click()

        chosen = page.get_by_role("group", name="Chosen agencies (2)")
        expect(chosen.get_by_role("checkbox", checked=True)).to_have_count(2)
        page.get_by_role("checkbox", name=re.compile(r"^Austin Police Department \(TX\)")).check()
        shot("found", page=page, phone=True)
        create_campaign(page, title="Found without a script", count=3)
        assert Campaign.objects.get().requests.count() == 3
    finally:
        context.close()
