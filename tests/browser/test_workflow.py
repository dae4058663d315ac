"""The main workflow, as a person does it in a browser: each test covers one part of it."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from requests_app.letters.services import letter_finalise
from requests_app.records.models import RecordsRequest
from requests_app.workflow.sending import request_mark_submitted
from tests.browser.steps import (
    add_to_letter, create_campaign, fill_campaign_form, finalise_and_record_submission, log_in,
)
from tests.factories import draft_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _long(day) -> str:
    """A date as the request page's deadline box shows it, e.g. "Mon 4 Jan 2027"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _draft(editor, agency, **terms) -> RecordsRequest:
    return draft_request(organization=editor.organization, agency=agency, user=editor.user,
                         today=timezone.localdate(), **terms)


def _sent(editor, agency, **terms) -> RecordsRequest:
    """A request whose letter is final and that was submitted by mail today."""
    request = _draft(editor, agency, **terms)
    today = timezone.localdate()
    letter_finalise(request=request, user=editor.user, today=today, acknowledge_residency=True)
    return request_mark_submitted(request=request, user=editor.user, channel="mail", sent_on=today)


def test_log_in_build_a_three_agency_campaign_and_download_its_pdfs(anonymous_page, editor, agencies, shot, tmp_path):
    page = anonymous_page
    page.goto("/campaigns/new/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/campaigns/new/$"))
    log_in(page, editor.user.username)
    expect(page.get_by_role("heading", name="New campaign")).to_be_visible()

    fill_campaign_form(page, title="ALPR audit logs 2026", agencies=[
        "Seattle Police Department (WA)", "Austin Police Department (TX)", "Oakland Police Department (CA)"])
    shot("form")
    create_campaign(page, title="ALPR audit logs 2026", count=3)

    rows = page.locator("table tbody tr")
    expect(rows.locator("td[data-label=State]")).to_have_text(["CA", "TX", "WA"])
    expect(rows.locator("td[data-label=Letter]")).to_have_text(["not yet"] * 3)

    page.get_by_role("button", name="Generate PDFs").click()
    expect(page.locator("#render-text")).to_have_text("Done: 3 rendered, 0 failed")
    expect(rows.locator("td[data-label=Letter]")).to_have_text(["PDF v1"] * 3)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download ZIP of PDFs").click()
    download = info.value
    assert download.suggested_filename == "alpr-audit-logs-2026-letters.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as packed:
        pdfs = [n for n in packed.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 3, packed.namelist()
        assert all(packed.read(n).startswith(b"%PDF-") for n in pdfs)
    shot("rendered")


def test_preview_edit_and_save_a_letter(page, editor, agencies, shot):
    request = _draft(editor, agencies["Austin"])
    page.goto(f"/requests/{request.pk}/")
    preview = page.frame_locator("iframe[title='Letter preview']")
    expect(preview.locator("body")).to_contain_text("Texas Public Information Act")
    expect(preview.locator("body")).to_contain_text("Evergreen Surveillance Watch")  # the letterhead

    added = "Please send the records as CSV files where they exist in that form."
    add_to_letter(page, added)
    request.refresh_from_db()
    assert added in request.letter_text and request.letter_edited
    preview.get_by_text(added).scroll_into_view_if_needed()
    shot("edited")


def test_mark_sent_then_log_an_extension_and_see_the_due_date_move(page, editor, agencies, shot):
    request = _draft(editor, agencies["Austin"])
    page.goto(f"/requests/{request.pk}/")
    finalise_and_record_submission(page, tracking=request.tracking, reference="PIR-2026-0042")

    deadlines = page.locator("section.card", has=page.get_by_role("heading", name="Deadlines"))
    due = deadlines.locator("dt:text-is('Response due') + dd")
    first_due = due.inner_text()
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3} \d{4}", first_due), first_due
    shot("sent")

    new_due = timezone.localdate() + timedelta(days=45)
    page.get_by_text("Log a communication").click()
    log = page.locator("form[action$='/communications/']")
    log.get_by_label("Direction").select_option(label="From the agency")
    log.get_by_label("Channel").select_option(label="Email")
    log.get_by_label("Subject").fill("Extension of time")
    log.get_by_label("What it does").select_option(label="Extended the deadline")
    log.get_by_label("New due date (extension)").fill(new_due.isoformat())
    log.get_by_role("button", name="Log it").click()

    expect(page.get_by_role("status")).to_contain_text("Communication logged.")
    expect(due).to_have_text(_long(new_due))
    assert first_due != _long(new_due)
    expect(page.locator("article.communication")).to_contain_text("Extended the deadline")
    expect(page.locator("article.communication")).to_contain_text(f"Extended to {new_due.day} {new_due:%b %Y}")
    shot("extended")


def test_upload_a_returned_spreadsheet_and_see_it_listed(page, editor, agencies, shot, tmp_path):
    request = _sent(editor, agencies["Seattle"])
    returned = tmp_path / "seattle-alpr-audit-2026.csv"
    returned.write_text(
        "Search Date,User,Case Number,Reason,Networks searched\n"
        "2026-03-02 10:14,jsmith,26-001234,stolen vehicle,3\n"
        "2026-03-02 11:40,akim,26-001240,investigation,12\n"
        "2026-03-03 09:05,jsmith,,immigration,40\n"
    )
    page.goto(f"/requests/{request.pk}/")
    documents = page.locator("section.card", has=page.get_by_role("heading", name="Documents"))
    expect(documents).to_contain_text("No documents yet.")

    documents.get_by_label(re.compile(r"^Add files")).set_input_files(returned)
    documents.get_by_label("Note").fill("Audit log export, first installment")
    documents.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("status")).to_contain_text("seattle-alpr-audit-2026.csv")
    listed = documents.locator("tbody tr")
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("link", name="seattle-alpr-audit-2026.csv")).to_be_visible()
    expect(listed).to_contain_text("Audit log export, first installment")
    expect(listed.locator("td[data-label=Type]")).to_contain_text("CSV")
    expect(listed.get_by_role("button", name="Analyse as audit log")).to_be_visible()
    shot("listed")


def test_filter_the_list_tag_a_selection_and_export_csv(page, editor, agencies, shot, tmp_path):
    seattle = _sent(editor, agencies["Seattle"])
    tacoma = _draft(editor, agencies["Tacoma"])
    austin = _sent(editor, agencies["Austin"])
    dallas = _draft(editor, agencies["Dallas"])
    _draft(editor, agencies["Oakland"])

    page.goto("/requests/")
    filters = page.get_by_role("search", name="Filter requests")
    bulk = page.get_by_role("group", name="With the selected requests")
    rows = page.locator("table.request-table tbody tr")
    trackings = rows.locator("td[data-label=Tracking]")
    expect(rows).to_have_count(5)

    filters.get_by_label("State").select_option("WA")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]state=WA(&|$)"))
    expect(rows).to_have_count(2)
    assert sorted(trackings.all_inner_texts()) == sorted([seattle.tracking, tacoma.tracking])

    page.get_by_label("Select all 2 on this page").check()
    expect(page.get_by_label(f"Select {seattle.tracking}")).to_be_checked()
    expect(page.get_by_label(f"Select {tacoma.tracking}")).to_be_checked()
    bulk.get_by_label("Action").select_option(label="Add tag")
    expect(bulk.get_by_label("New status")).to_be_hidden()  # only the chosen action's fields show
    bulk.get_by_label("Tag").fill("batch-1")
    bulk.get_by_role("button", name="Apply to selected").click()

    expect(page.get_by_role("status")).to_contain_text("2 requests tagged 'batch-1'")
    expect(page).to_have_url(re.compile(r"[?&]state=WA(&|$)"))  # back on the same filtered list
    expect(rows.locator("td[data-label=Tags]")).to_have_text(["batch-1", "batch-1"])
    shot("tagged")

    filters.get_by_role("link", name="Clear").click()
    expect(rows).to_have_count(5)
    filters.get_by_label("Status").select_option(["submitted"])
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]status=submitted(&|$)"))
    expect(rows).to_have_count(2)
    assert sorted(trackings.all_inner_texts()) == sorted([seattle.tracking, austin.tracking])
    expect(page.locator("p.exports")).to_contain_text("Export these 2 as")

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = info.value
    assert re.fullmatch(r"requests-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    header, body = table[0], table[1:]
    assert header == ["Tracking reference", "Agency", "State", "Status", "Sent", "Due", "Days overdue",
                      "Days since last reply", "Fees estimated", "Fees paid", "Items released", "Documents"]
    assert len(body) == 2
    assert {row[0] for row in body} == {seattle.tracking, austin.tracking}
    assert dallas.tracking not in {row[0] for row in body}
    shot("exported")


def test_draft_follow_ups_for_a_selection_and_follow_the_job_to_its_outcome(page, editor, agencies, shot):
    seattle = _sent(editor, agencies["Seattle"])
    austin = _sent(editor, agencies["Austin"])
    tacoma = _draft(editor, agencies["Tacoma"])

    page.goto("/requests/")
    bulk = page.get_by_role("group", name="With the selected requests")
    page.get_by_label("Select all 3 on this page").check()
    bulk.get_by_label("Action").select_option(label="Draft follow-ups")
    expect(bulk.get_by_label("Tag")).to_be_hidden()
    bulk.get_by_role("button", name="Apply to selected").click()

    expect(page).to_have_url(re.compile(r"/requests/bulk/jobs/\d+/$"))
    expect(page.get_by_role("heading", name="Draft follow-ups")).to_be_visible()
    expect(page.locator("#job-text")).to_have_text("Done: 3 of 3")
    done = page.locator("#job-done")
    expect(done).to_contain_text("Done (2)")
    expect(done.get_by_role("link", name=seattle.tracking)).to_be_visible()
    expect(done.get_by_role("link", name=austin.tracking)).to_be_visible()
    expect(page.locator("#job-skipped")).to_contain_text(f"{tacoma.tracking} is draft: follow-ups are for requests")
    shot("bulk-job-done")

    done.get_by_role("link", name=seattle.tracking).click()
    expect(page.get_by_text("Follow-up", exact=False).first).to_be_visible()
    assert seattle.follow_ups.count() == 1 and tacoma.follow_ups.count() == 0
