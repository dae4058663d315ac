"""Audit-log analysis from files built to the documented layouts, and the real Eugene sample."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from requests_app.agencies.states import state_of
from requests_app.auditlogs.analyze import analyze
from requests_app.auditlogs.formats import UnknownFormat
from requests_app.auditlogs.parse import parse_time
from requests_app.auditlogs.rules import reason_flags

# The Eugene (OR) portal audit as published (CC0), copied into fixtures/ so no run skips it.
EUGENE = Path(__file__).resolve().parent / "fixtures" / "eugene-or-portal-search-audit.csv"
NETWORK_14 = ["ID", "Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
              "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]
NETWORK_13 = [c for c in NETWORK_14 if c != "Total Devices Searched"]


def network_rows(columns: list[str]) -> list[list[str]]:
    def row(n, org, reason, when):
        values = {"ID": f"s-{n}", "Name": "***", "Org Name": org, "Total Networks Searched": "1,204",
                  "Total Devices Searched": "88,021", "Time Frame": "01/01/2025, 12:00:00 AM UTC\n01/31/2025, 11:59:59 PM UTC",
                  "License Plate": "***", "Reason": reason, "Case #": "25-001", "Filters": "", "Search Time": when,
                  "Search Type": "search", "Text Prompt": "", "Moderation": ""}
        return [values[c] for c in columns]
    return [
        row(1, "Okaloosa County FL SO", "ICE warrant", "01/31/2022, 11:26:24 PM UTC"),
        row(2, "[Federal] Homeland Security Investigations", "Drugs/Narcotics - HSI", "02/01/2022, 01:00:00 AM UTC"),
        row(3, "Bend OR PD", "possession of ice", "02/02/2022, 10:00:00 AM UTC"),
        row(4, "Bend OR PD", "No Kings protest", "02/03/2022, 10:00:00 AM UTC"),
        row(5, "Austin TX PD", "abortion", "02/04/2022, 10:00:00 AM UTC"),
        row(6, "Eugene OR PD", "trans", "02/05/2022, 10:00:00 AM UTC"),
        row(7, "Eugene OR PD", "press", "02/06/2022, 10:00:00 AM UTC"),
        row(7, "Eugene OR PD", "press", "02/06/2022, 10:00:00 AM UTC"),  # a repeated row
        row(8, "Eugene OR PD", "Property Crime", "not a date"),
    ]


def write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.upper() if i % 2 else c.replace(" ", "_") for i, c in enumerate(columns)])
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("columns, key", [(NETWORK_14, "network_audit_14"), (NETWORK_13, "network_audit_13")])
def test_a_network_audit_is_read_with_its_quirks(tmp_path, columns, key):
    result = analyze([write_csv(tmp_path / "audit.csv", columns, network_rows(columns))], home_state="OR")
    summary = result.summary()
    assert summary["format"] == key
    assert (summary["rows"], summary["duplicates"], summary["rejected"]) == (7, 1, 1)
    # Each row spans two lines (the Time Frame cell), so the ninth row starts on line 18.
    assert result.rejected == [("audit.csv", 18, "unreadable time 'not a date'")]
    assert summary["first_search"] == "2022-01-31T23:26:24+00:00"
    assert summary["categories"]["immigration"] == 1  # ICE warrant; not "possession of ice", not HSI narcotics
    assert summary["categories"]["protest"] == 1 and summary["categories"]["reproductive_health"] == 1
    assert summary["categories"]["review"] == 0  # neither "trans" alone nor "press"
    assert summary["federal_searches"] == 1
    assert summary["out_of_state_searches"] == 2  # Florida and Texas; the federal org has no state
    assert sorted(summary["top_orgs"][:2]) == [["Bend OR PD", 2], ["Eugene OR PD", 2]]


def test_monthly_files_of_one_release_are_read_together_without_double_counting(tmp_path):
    rows = network_rows(NETWORK_14)
    first = write_csv(tmp_path / "1_1_2022-1_31_2022-Bend-Network-Audit.csv", NETWORK_14, rows[:4])
    second = write_csv(tmp_path / "2_1_2022-2_28_2022-Bend-Network-Audit.csv", NETWORK_14, rows[3:7])
    result = analyze([first, second])
    assert (result.rows, result.duplicates) == (7, 1)


def test_an_xlsx_with_excel_serial_dates(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ID", "Name", "Org Name", "Total Networks Searched", "License Plate", "Reason", "Case #",
                  "Search Time", "Search Type"])
    sheet.append(["f-1", "agent", "[Federal] ICE ERO", 3, "***", "immigration", "", 45000.5, "lookup"])
    path = tmp_path / "federal.xlsx"
    workbook.save(path)
    summary = analyze([path]).summary()
    assert summary["format"] == "federal_searches"
    assert summary["first_search"] == "2023-03-15T12:00:00+00:00"
    assert summary["federal_searches"] == 1 and summary["categories"]["immigration"] == 1


def test_the_eugene_portal_audit_holds_4294_searches():
    summary = analyze([EUGENE]).summary()
    assert summary["format"] == "portal_search_audit"
    assert (summary["rows"], summary["duplicates"], summary["rejected"]) == (4294, 0, 0)
    assert summary["first_search"].startswith("2025-06-18") and summary["last_search"].startswith("2025-12-02")
    assert summary["top_reasons"][0] == ["Person Crime", 832]  # "Person+Crime" counted with it


@pytest.mark.parametrize("reason, expected", [
    ("ICE warrant", [("immigration", "ICE")]),
    ("assist ICE ERO", [("immigration", "ICE"), ("immigration", "ERO / enforcement and removal")]),
    ("Immigration (Federal Request)", [("immigration", "immigration")]),
    ("deportation", [("immigration", "deportation / removal order")]),
    ("Planned Parenthood parking lot", [("reproductive_health", "Planned Parenthood")]),
    ("Hands Off rally", [("protest", "rally / picket"), ("protest", "No Kings / 50501 / Hands Off")]),
    ("Drugs/Narcotics - HSI", []),
    ("possession of ice", []),
    ("trans", []),
    ("press", []),
    ("Property Crime", []),
])
def test_each_flag_names_its_rule_and_the_traps_are_not_flagged(reason, expected):
    assert sorted(reason_flags(reason)) == sorted(expected)


def test_states_are_read_from_organization_names():
    assert state_of("Okaloosa County FL SO") == "FL"
    assert state_of("Plymouth PD IN") == "IN"
    assert state_of("[Federal] Homeland Security Investigations") is None


def test_timestamps_in_the_shapes_exports_use():
    assert parse_time("01/31/2022, 11:26:24 PM UTC").isoformat() == "2022-01-31T23:26:24+00:00"
    assert parse_time("2025-06-18 00:02:04.789").isoformat() == "2025-06-18T00:02:04.789000+00:00"
    assert parse_time(45000.5).isoformat() == "2023-03-15T12:00:00+00:00"


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary content"),
    (b"ID,Name,Reason\n1,a,b\n", "not a known Flock export. Found: 'ID', 'Name', 'Reason'"),
])
def test_garbage_input_fails_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises((UnknownFormat, ValueError), match=message.replace("(", r"\(")):
        analyze([path])


def test_a_spreadsheet_of_something_else_lists_the_columns_expected(tmp_path):
    workbook = Workbook()
    workbook.active.append([f"Column {n}" for n in range(20)])
    path = tmp_path / "budget.xlsx"
    workbook.save(path)
    with pytest.raises(UnknownFormat, match="Expected one of: Network Audit"):
        analyze([path])


def test_the_command_prints_json_and_writes_flagged_searches(tmp_path):
    path = write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14))
    out = io.StringIO()
    call_command("analyze_audit_log", str(path), "--json", "--state", "or", "--flagged", str(tmp_path / "f.csv"),
                 stdout=out, stderr=io.StringIO())
    summary = json.loads(out.getvalue())
    assert list(summary)[:13] == ["format", "rows", "duplicates", "rejected", "first_search", "last_search",
                                  "time_zone", "time_zone_source", "categories", "federal_searches",
                                  "out_of_state_searches", "top_orgs", "top_reasons"]
    flagged = list(csv.DictReader(open(tmp_path / "f.csv")))
    assert {(r["reason"], r["rule"]) for r in flagged} >= {("ICE warrant", "ICE"), ("abortion", "abortion")}


def test_the_command_explains_bad_input(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="not a known Flock export"):
        call_command("analyze_audit_log", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("analyze_audit_log", str(tmp_path / "missing.csv"))
