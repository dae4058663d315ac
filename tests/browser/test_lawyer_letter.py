"""A lawyer's single letter to an agency nobody has a records contact for, in a browser: drafted,
edited, finalised and downloaded without one; the contact found later goes on a new version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from requests_app.records.models import RecordsRequest
from tests.browser.steps import add_to_letter, assert_fits_a_phone, pick_agency
from tests.factories import AgencyFactory, state
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PARAGRAPH = "We ask in particular for the searches run on 14 June 2025."


@pytest.fixture
def bend(transactional_db):
    """A police department as the directory knows most of them: a name and a place, no contact."""
    return AgencyFactory(name="Bend Police Department", jurisdiction=state("OR"), city="Bend", county="Deschutes",
                         mailing_address="")


def download_pdf_text(page, link_name: str, tmp_path) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    return pdf_text(saved.read_bytes())


def test_draft_edit_finalise_and_download_a_letter_to_an_agency_with_no_contact(page, editor, bend, shot, tmp_path):
    page.goto("/requests/new/")
    pick_agency(page, "Agency", "Bend Police Department (OR)")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("status")).to_contain_text("created. Review the letter below.")
    preview = page.frame_locator("iframe[title='Letter preview']").locator("body")
    expect(preview).to_contain_text("Public Records Custodian")
    expect(preview).to_contain_text("Bend, Oregon")

    add_to_letter(page, PARAGRAPH)
    page.get_by_role("button", name="Finalise letter (make PDF)").click()
    expect(page.get_by_role("status")).to_contain_text("Letter version 1 is final")
    text = download_pdf_text(page, "Download PDF", tmp_path)
    assert "Public Records Custodian Bend Police Department Bend, Oregon" in text and PARAGRAPH in text

    send = page.locator("#send")
    for missing in ("Add its records email", "Add its portal", "Add its mailing address"):
        expect(send.get_by_role("link", name=missing)).to_be_visible()
    expect(send.get_by_role("button", name="Record submission")).to_have_count(0)
    shot("finalised", phone=True)
    assert_fits_a_phone(page)

    # The records unit's address turns up: added from the send step, it comes back to the request.
    send.get_by_role("link", name="Add its mailing address").click()
    page.get_by_label("Mailing address").fill("Bend Police Department\nRecords Unit\n555 NE 15th Street\nBend, OR 97701")
    page.get_by_label("Source", exact=True).fill("https://www.bendoregon.gov/government/departments/police/records")
    page.get_by_role("button", name="Save records contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bend Police Department")
    page.get_by_role("button", name="Update the letter's address").click()
    expect(page.get_by_role("status")).to_contain_text("finalise it to make a new version")
    page.get_by_role("button", name="Finalise letter (make PDF)").click()
    expect(page.get_by_role("status")).to_contain_text("Letter version 2 is final")
    second = download_pdf_text(page, "Download PDF", tmp_path)
    assert "555 NE 15th Street" in second and "By mail" in second and PARAGRAPH in second

    request = RecordsRequest.objects.get()
    assert [v.number for v in request.letters.order_by("number")] == [1, 2]
    assert "Public Records Custodian" in pdf_text(request.letters.get(number=1).pdf.read())
    form = page.get_by_role("form", name="Record a submission")
    expect(form.get_by_label("Channel").locator("option")).to_have_text(["Mail"])
    form.get_by_role("button", name="Record submission").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"recorded as submitted to Bend Police Department"))
    shot("sent", phone=True)
