"""Contacts learned from replies, in a browser: an editor files an agency's reply and a portal's
notification on a request, follows the request page's note to the agency's page, rejects one
suggestion and accepts the other, which the directory then shows with its source."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from requests_app.workflow.status import request_transition
from tests.browser.steps import assert_fits_a_phone
from tests.correspondence.test_contact_suggestions import MESSAGES, message
from tests.factories import draft_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_accepts_a_contact_a_reply_suggested_and_rejects_another(page, editor, agencies, shot, tmp_path,
                                                                          time_machine):
    time_machine.move_to("2026-12-08 15:00:00+00:00")  # after the messages' dates
    tacoma = agencies["Tacoma"]
    request = draft_request(organization=editor.organization, agency=tacoma, user=editor.user)
    request_transition(request=request, to_status="submitted", user=editor.user)
    files = []
    for name in ("agency_reply.eml", "nextrequest_message.eml"):
        (tmp_path / name).write_bytes(message(name, request))
        files.append(str(tmp_path / name))
    assert all((MESSAGES / name).exists() for name in ("agency_reply.eml", "nextrequest_message.eml"))

    page.goto(f"/requests/{request.pk}/")
    page.get_by_label("Add files").set_input_files(files)
    page.get_by_role("button", name="Upload").click()
    note = page.get_by_text("2 records contacts for Tacoma Police Department suggested by replies")
    expect(note).to_be_visible()
    shot("request")
    page.get_by_role("link", name="review them on the agency's page").click()

    suggestions = page.locator("#contact-suggestions")
    expect(suggestions.get_by_role("heading", name="Suggested by replies")).to_be_visible()
    expect(suggestions).to_contain_text("publicrecords@springfield.example.gov")
    expect(suggestions).to_contain_text("https://springfieldwa.nextrequest.com/")
    expect(suggestions.get_by_role("link", name=request.tracking).first).to_be_visible()
    shot("suggested", phone=True)
    assert_fits_a_phone(page)

    suggestions.get_by_role("button", name="Reject https://springfieldwa.nextrequest.com/").click()
    expect(page.get_by_role("status")).to_contain_text("it will not be suggested again")
    page.locator("#contact-suggestions").get_by_role(
        "button", name="Accept publicrecords@springfield.example.gov").click()
    expect(page.get_by_role("status")).to_contain_text("is now the email of Tacoma Police Department")
    contact = page.locator("#records-contact")
    expect(contact.get_by_role("link", name="publicrecords@springfield.example.gov")).to_be_visible()
    expect(contact).to_contain_text("source: a reply from this address to a records request, received on 2026-12-03")
    expect(page.locator("#contact-suggestions")).to_have_count(0)
    shot("accepted", phone=True)
