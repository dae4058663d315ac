"""A campaign on a directory with no contacts, as a person runs it in a browser: every letter
is made, contacts are filled in as they are found, and what cannot be emailed is listed with
its PDF."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.core import mail
from playwright.sync_api import expect

from requests_app.agencies import directory
from requests_app.agencies.directory_load import load_directory
from requests_app.agencies.models import Agency
from tests.browser.steps import assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RENDERING_MS = 180_000  # 29 PDFs are made while the page waits (the tests' Celery runs tasks at once)


def _subset(source, target, keep) -> None:
    with open(source, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows, columns = [row for row in reader if keep(row)], reader.fieldnames
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def oregon(transactional_db, tmp_path) -> list[Agency]:
    """The bundled directory's Oregon part, loaded by load_agency_directory's own code: the
    FBI roster's Oregon agencies and the Flock network rows placed in Oregon (or in no state,
    which the loader places by name). It holds no records contact at all."""
    data = tmp_path / "directory"
    data.mkdir()
    _subset(directory.FBI_FILE, data / directory.FBI_FILE.name, lambda row: row["state_abbr"] == "OR")
    _subset(directory.FLOCK_FILE, data / directory.FLOCK_FILE.name, lambda row: row["state"] in ("OR", ""))
    _subset(directory.NC_SURVEY_FILE, data / directory.NC_SURVEY_FILE.name, lambda row: False)
    load_directory(data_dir=data)
    network = list(Agency.objects.filter(jurisdiction__code="OR", in_flock_network=True).order_by("name"))
    assert len(network) == 29
    assert not Agency.objects.filter(jurisdiction__code="OR").exclude(records_email="", portal_url="", mailing_address="").exists()
    return network


def test_a_campaign_to_every_flock_agency_in_oregon_makes_every_letter_and_gathers_contacts(
        page, editor, oregon, shot, tmp_path):
    page.goto("/campaigns/new/")
    page.get_by_label("Title").fill("Oregon Flock audit logs")
    page.get_by_label("Records from").fill("2025-01-01")
    page.get_by_role("radio", name="Every agency matching filters").check()
    page.get_by_label("State").select_option(label="Oregon")
    page.get_by_label("ALPR vendor").select_option(label="Flock Safety")
    page.get_by_role("button", name="Create campaign and drafts").click()
    expect(page.get_by_role("status")).to_contain_text("Campaign created with 29 draft request(s).")

    # Before rendering: how the letters can go, and which agencies need a contact.
    coverage = page.locator("#coverage")
    for count in ("0 by email", "0 through a records portal", "0 by mail only", "29 no contact known"):
        expect(coverage).to_contain_text(count)
    rows = page.locator("#campaign-requests tbody tr")
    expect(rows).to_have_count(29)
    expect(rows.locator("td[data-label=Contact]")).to_have_text(
        [re.compile(rf"^\s*unknown: add the records contact of {re.escape(a.name)}\s*$") for a in oregon])
    needing = page.locator("#needs-contact .needs-row")
    expect(needing).to_have_count(25)  # the list's first page
    expect(page.locator("#needs-contact-title")).to_have_text("Needs a contact (29)")

    page.set_default_timeout(RENDERING_MS)
    page.get_by_role("button", name="Generate PDFs").click()
    expect(page.locator("#render-text")).to_have_text("Done: 29 rendered, 0 failed")
    page.set_default_timeout(15_000)
    expect(page.locator("#render-errors")).to_have_count(0)
    expect(rows.locator("td[data-label=Letter]")).to_have_text(["PDF v1"] * 29)
    shot("rendered", phone=True)
    assert_fits_a_phone(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download ZIP of PDFs").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as packed:
        pdfs = sorted(n for n in packed.namelist() if n.endswith(".pdf"))
        manifest = list(csv.DictReader(io.StringIO(packed.read("manifest.csv").decode())))
        assert all(packed.read(n).startswith(b"%PDF-") for n in pdfs)
    assert len(pdfs) == 29 and sorted(packed.namelist()) == sorted([*pdfs, "manifest.csv"])
    assert sorted(row["agency"] for row in manifest) == [a.name for a in oregon]

    # One contact found: filled in on its row, without leaving the campaign.
    eugene = page.locator("#needs-contact .needs-row", has_text="Eugene Police Department")
    eugene.get_by_text("Add its records contact").click()
    eugene.get_by_label("Records email").fill("records@eugene-or.example.gov")
    eugene.get_by_label("Source").fill("https://www.eugene-or.example.gov/police/records")
    eugene.scroll_into_view_if_needed()
    shot("fill", phone=True)
    eugene.get_by_role("button", name="Save the contact").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Saved the records contact of Eugene Police Department (email)")
    expect(page).to_have_url(re.compile(r"#needs-contact$"))
    expect(page.locator("#needs-contact-title")).to_have_text("Needs a contact (28)")
    expect(coverage).to_contain_text("1 by email")
    expect(rows.filter(has_text="Eugene Police Department").locator("td[data-label=Contact]")).to_have_text(
        "records@eugene-or.example.gov")

    page.get_by_role("button", name="Email all finalised letters").click()
    expect(page.get_by_role("status")).to_contain_text("Queued 1 letter for email.")
    expect(page.get_by_role("status")).to_contain_text("28 finalised letters cannot be emailed")
    assert [m.to for m in mail.outbox] == [["records@eugene-or.example.gov"]]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    expect(rows.filter(has_text="Eugene Police Department").locator("td[data-label=Status]")).to_contain_text("Submitted")

    left = page.locator("#left-to-send")
    expect(left.get_by_role("heading", name="Left to send (28)")).to_be_visible()
    expect(left.locator("#left-unknown summary")).to_have_text("No contact known yet (28)")
    lines = left.locator("#left-unknown li")
    expect(lines).to_have_count(28)
    expect(lines.first).to_contain_text("Albany Police Department. PDF v1")
    expect(left).not_to_contain_text("Eugene Police Department")
    pdf = lines.first.get_by_role("link", name=re.compile(r"^PDF v1"))
    response = page.request.get(pdf.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF-")
    shot("sent", phone=True)
    assert_fits_a_phone(page)
