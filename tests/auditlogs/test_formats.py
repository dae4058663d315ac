"""Every Flock export format, released as CSV, XLSX or PDF, read and imported alike."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from requests_app.auditlogs.analyze import analyze
from requests_app.auditlogs.models import AuditImport, HotlistEvent, SearchEvent, SharingRelation
from tests.auditlogs.pdf_fixtures import audit_pdf
from tests.auditlogs.test_analyze import NETWORK_13, NETWORK_14
from tests.factories import AgencyFactory, draft_request, state

WHEN = ["01/31/2022, 11:26:24 PM UTC", "02/01/2022, 01:00:00 AM UTC", "02/02/2022, 10:00:00 AM UTC", "not a date"]
FRAME = "01/01/2022, 12:00:00 AM UTC\n01/31/2022, 11:59:59 PM UTC"


def _searches(columns: list[str]) -> list[list[str]]:
    """Four searches in the documented layout: an ICE search, a federal one, a trap, a bad time."""
    rows = []
    for n, (org, reason, when) in enumerate([("Okaloosa County FL SO", "ICE detainer", WHEN[0]),
                                             ("[Federal] Homeland Security Investigations", "Fraud", WHEN[1]),
                                             ("Bend OR PD", "possession of ice", WHEN[2]),
                                             ("Bend OR PD", "Property Crime", WHEN[3])], start=1):
        values = {"ID": f"s-{n}", "Name": "***", "Org Name": org, "Total Networks Searched": "1,204",
                  "Total Devices Searched": "88,021", "Time Frame": FRAME, "License Plate": "***", "Reason": reason,
                  "Case #": "25-001", "Filters": "", "Search Time": when, "Search Type": "search", "Text Prompt": "",
                  "Moderation": "", "id": f"p-{n}", "userId": f"u-{n}", "searchDate": when, "cameraCount": "2510",
                  "reason": reason}
        rows.append([values[c] for c in columns])
    return rows


FEDERAL = ["ID", "Name", "Org Name", "Total Networks Searched", "License Plate", "Reason", "Case #", "Filters",
           "Search Time", "Search Type"]
ORGANIZATION = [c for c in NETWORK_13 if c != "Org Name"]
PORTAL = ["id", "userId", "searchDate", "cameraCount", "reason"]
SEARCH_FORMATS = [("network_audit_14", NETWORK_14), ("network_audit_13", NETWORK_13), ("federal_searches", FEDERAL),
                  ("organization_audit", ORGANIZATION), ("portal_search_audit", PORTAL)]
SHARED = (["Organization Name", "Networks Shared With Me", "Networks I'm Sharing"],
          [["Eugene OR PD", "Eugene OR PD, Eugene OR PD (LPR)", "Bend OR PD"],
           ["Okaloosa County FL SO", "Okaloosa County FL SO", ""],
           ["[Federal] Homeland Security Investigations", "", "Bend OR PD"]])
HOTLIST = (["Timestamp", "User", "Event Type", "Entity Type", "Entity Details"],
           [["01/31/2022, 11:26:24 PM UTC", "officer1", "Created", "Hot List Entry",
             "Plate: ABC123\nReason: ICE detainer"],
            ["02/01/2022, 01:00:00 AM UTC", "officer2", "Deleted", "Hot List Entry", "Plate: XYZ9\nReason: stolen"]])


def _write(tmp_path: Path, kind: str, headers: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / f"export.{kind}"
    if kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([headers, *rows])
        path.write_text(buffer.getvalue(), encoding="utf-8")
    elif kind == "xlsx":
        workbook = Workbook()
        for row in [headers, *rows]:
            workbook.active.append(row)
        workbook.save(path)
    else:
        audit_pdf(path, headers, rows)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("key, columns", SEARCH_FORMATS)
def test_each_search_format_is_read_from_each_kind_of_file(tmp_path, kind, key, columns):
    result = analyze([_write(tmp_path, kind, columns, _searches(columns))], home_state="OR")
    summary = result.summary()
    assert (summary["format"], summary["rows"], summary["rejected"]) == (key, 3, 1)
    assert summary["categories"]["immigration"] == 1  # "possession of ice" is the trap, not a second
    assert summary["first_search"] == "2022-01-31T23:26:24+00:00"
    # The row with the bad time is the table's fifth: line 5 of a spreadsheet or a PDF table.
    if kind != "csv":
        assert [line for _, line, _ in result.rejected] == [5]


@pytest.fixture
def oregon(alice):
    agency = AgencyFactory(name="Bend Police Department", jurisdiction=state("OR"))
    return draft_request(organization=alice.organization, agency=agency, user=alice.user)


def _import(request, path: Path) -> AuditImport:
    call_command("import_audit_log", request.tracking, str(path), stdout=io.StringIO())
    return AuditImport.objects.latest("pk")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_a_network_audit_in_each_kind_of_file_is_imported(oregon, tmp_path, kind):
    done = _import(oregon, _write(tmp_path, kind, NETWORK_14, _searches(NETWORK_14)))
    assert (done.state, done.format, done.rows, done.rejected) == ("done", "network_audit_14", 3, 1)
    ice = SearchEvent.objects.get(reason="ICE detainer")
    assert (ice.time_frame_start, ice.time_frame_end) == ("01/01/2022, 12:00:00 AM UTC", "01/31/2022, 11:59:59 PM UTC")
    assert (ice.networks, ice.devices, ice.plate, ice.user) == (1204, 88021, "", "")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_shared_networks_are_imported_as_partners(oregon, tmp_path, kind):
    done = _import(oregon, _write(tmp_path, kind, *SHARED))
    assert (done.state, done.format, done.rows) == ("done", "shared_networks", 3)
    stored = SharingRelation.objects.values_list("organization", "kind", "direction", "networks_shared_with_me")
    assert {(*row[:3], tuple(row[3])) for row in stored} == {
        ("Eugene OR PD", "police", "both", ("Eugene OR PD", "Eugene OR PD (LPR)")),
        ("Okaloosa County FL SO", "sheriff", "shared_with_me", ("Okaloosa County FL SO",)),
        ("[Federal] Homeland Security Investigations", "federal", "sharing", ())}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_a_hotlist_log_is_imported_with_its_flags(oregon, tmp_path, kind):
    done = _import(oregon, _write(tmp_path, kind, *HOTLIST))
    assert (done.state, done.format, done.rows) == ("done", "hotlist_events", 2)
    flagged = HotlistEvent.objects.get(plate="ABC123")
    assert (flagged.reason, flagged.categories) == ("ICE detainer", ",immigration,")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_hotlist_log_is_analysed_on_its_details(tmp_path, kind):
    summary = analyze([_write(tmp_path, kind, *HOTLIST)]).summary()
    assert (summary["format"], summary["rows"], summary["categories"]["immigration"]) == ("hotlist_events", 2, 1)
