"""The main workflow, through the API only, with a token: the same steps as the browser
tests (tests/browser/test_workflow.py), one after the other on the same campaign."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import Workbook

from tests.factories import AgencyFactory, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 12, tzinfo=ZoneInfo("America/New_York"))
ADDED = "Please send the records as CSV files where they exist in that form."


@pytest.fixture
def today():
    with time_machine.travel(NOW, tick=False):
        yield NOW.date()


@pytest.fixture
def agencies() -> list:
    return [
        AgencyFactory(name="Seattle Police Department", jurisdiction=state("WA"), records_email="prr@seattle.example.gov"),
        AgencyFactory(name="Austin Police Department", jurisdiction=state("TX"),
                      portal_url="https://austintx.govqa.example.com/WEBAPP/_rs/"),
        AgencyFactory(name="Oakland Police Department", jurisdiction=state("CA"), portal_url="https://oakland.example.gov/prr"),
    ]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _returned_spreadsheet() -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["Search Date", "User", "Case Number", "Reason", "Networks searched"])
    sheet.append(["2026-03-02 10:14", "jsmith", "26-001234", "stolen vehicle", 3])
    sheet.append(["2026-03-03 09:05", "jsmith", "", "immigration", 40])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "austin-alpr-audit-2026.xlsx"
    return data


def test_the_whole_workflow_runs_through_the_api(alice_api, agencies, today, django_capture_on_commit_callbacks):
    # A three-agency campaign: one draft request per agency.
    made = alice_api.post("/api/campaigns/", {
        "title": "ALPR audit logs 2026", "item_keys": ["org-audit", "network-audit"], "date_from": "2025-01-01",
        "agencies": [a.pk for a in agencies],
    }, format="json")
    assert made.status_code == 201, made.json()
    campaign = made.json()
    assert [r["agency"]["state"] for r in campaign["request_list"]] == ["CA", "TX", "WA"]
    assert {r["status"] for r in campaign["request_list"]} == {"draft"} and campaign["render"]["state"] == "idle"
    ids = {r["agency"]["state"]: r["id"] for r in campaign["request_list"]}
    trackings = {r["id"]: r["tracking"] for r in campaign["request_list"]}
    austin = ids["TX"]

    # Read the Austin letter and add a paragraph before the closing.
    letter_url = f"/api/requests/{austin}/letter/"
    letter = alice_api.get(letter_url).json()
    assert "Texas Public Information Act" in letter["text"] and letter["versions"] == [] and not letter["current"]
    assert "\nSincerely," in letter["text"]
    text = letter["text"].replace("\nSincerely,", f"\n{ADDED}\n\nSincerely,", 1)
    edited = alice_api.patch(letter_url, {"text": text}, format="json")
    assert edited.status_code == 200 and ADDED in edited.json()["text"] and edited.json()["edited"]

    # Generate the PDFs: rendering runs in the background, the campaign shows its progress.
    with django_capture_on_commit_callbacks(execute=True):
        started = alice_api.post(f"/api/campaigns/{campaign['id']}/render/", {}, format="json")
    assert started.status_code == 202 and started.json()["render"]["state"] == "queued"
    progress = alice_api.get(f"/api/campaigns/{campaign['id']}/").json()["render"]
    assert progress == {"state": "done", "done": 3, "failed": 0, "total": 3, "percent": 100,
                        "summary": "Done: 3 rendered, 0 failed", "errors": []}

    # Download each PDF from the URL its letter gives.
    pdfs = {}
    for pk in ids.values():
        letter = alice_api.get(f"/api/requests/{pk}/letter/").json()
        assert letter["current"] and [v["number"] for v in letter["versions"]] == [1]
        download = alice_api.get(letter["versions"][0]["download"])
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        pdfs[pk] = _body(download)
        assert pdfs[pk].startswith(b"%PDF-")
    assert ADDED in pdf_text(pdfs[austin]) and ADDED not in pdf_text(pdfs[ids["WA"]])
    latest = alice_api.get(f"{letter_url}pdf/")
    assert _body(latest) == pdfs[austin]

    # Mark the Austin request sent through the portal: its statutory clock starts.
    sent = alice_api.post(f"/api/requests/{austin}/send/", {
        "channel": "portal", "sent_on": today.isoformat(), "reference": "PIR-2026-0042"}, format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    first_due = alice_api.get(f"/api/requests/{austin}/deadlines/").json()["response_due"]
    assert first_due

    # The agency extends its deadline: logged as a communication, the due date moves.
    new_due = today + timedelta(days=45)
    logged = alice_api.post(f"/api/requests/{austin}/communications/", {
        "direction": "from_agency", "channel": "email", "occurred_on": today.isoformat(),
        "subject": "Extension of time", "action": "extension", "extended_to": new_due.isoformat()}, format="json")
    assert logged.status_code == 201
    assert alice_api.get(f"/api/requests/{austin}/deadlines/").json()["response_due"] == new_due.isoformat() != first_due

    # The agency's returned spreadsheet is uploaded and listed.
    documents_url = f"/api/requests/{austin}/documents/"
    stored = alice_api.post(documents_url, {"file": _returned_spreadsheet(), "note": "returned"}, format="multipart")
    assert stored.status_code == 201 and stored.json()["kind"] == "xlsx"
    assert [d["name"] for d in alice_api.get(documents_url).json()] == ["austin-alpr-audit-2026.xlsx"]

    # The list, filtered by status.
    submitted = alice_api.get("/api/requests/", {"status": "submitted"}).json()
    assert [r["id"] for r in submitted["results"]] == [austin]
    drafts = alice_api.get("/api/requests/", {"status": "draft", "campaign": campaign["id"]}).json()
    assert sorted(r["id"] for r in drafts["results"]) == sorted([ids["CA"], ids["WA"]])

    # A bulk action tags the three requests.
    tagged = alice_api.post("/api/requests/bulk/", {"action": "add_tag", "ids": list(ids.values()),
                                                    "tag": "batch 1"}, format="json")
    assert tagged.status_code == 200 and tagged.json()["skipped"] == []
    assert sorted(d["id"] for d in tagged.json()["done"]) == sorted(ids.values())
    assert alice_api.get("/api/requests/", {"tag": "batch 1"}).json()["count"] == 3

    # The CSV export of the tagged requests has their rows.
    export = alice_api.get("/api/requests/export.csv", {"tag": "batch 1"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = {row["Tracking reference"]: row for row in csv.DictReader(io.StringIO(_body(export).decode()))}
    assert set(rows) == set(trackings.values())
    row = rows[trackings[austin]]
    assert (row["Agency"], row["Status"], row["Due"], row["Documents"]) == (
        "Austin Police Department", "Submitted", new_due.isoformat(), "1")
