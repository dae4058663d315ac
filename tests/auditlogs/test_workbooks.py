"""Released workbooks: every sheet examined, each recognised one read by its kind (searches,
users, sharing, hot list), and said which sheet is what; --sheet and column maps on any sheet."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from requests_app.auditlogs.importer import run
from requests_app.auditlogs.models import AuditImport, HotlistEvent, RosterUser, SearchEvent, SharingRelation
from requests_app.documents.upload import upload_file
from tests.auditlogs.test_analyze import NETWORK_14, network_rows
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db

USERS = [["Name", "Email", "Role", "Permissions", "Last Login"],
         ["Ann Lee", "ann@bend.example", "Admin", "All", "01/05/2025, 09:00:00 AM UTC"],
         ["Bo Diaz", "bo@bend.example", "Officer", "Search", "Never"],
         ["Cy Park", "cy@bend.example", "Officer", "Search", datetime(2025, 1, 7, 8, 0)],
         ["Ann Lee", "ANN@bend.example", "Admin", "All", ""],  # listed twice
         ["", "", "Officer", "", ""]]  # names nobody
SHARED = [["Organization Name", "Networks Shared With Me", "Networks I'm Sharing"],
          ["Eugene OR PD", "Eugene OR PD", ""],
          ["Lane County OR SO", "", "Lane County OR SO"]]
HOTLIST = [["Timestamp", "User", "Event Type", "Entity Type", "Entity Details"],
           ["01/10/2025, 10:00:00 AM UTC", "jdoe", "Added", "Plate", "Plate: ABC123\nReason: Stolen vehicle"],
           ["01/11/2025, 10:00:00 AM UTC", "jdoe", "Removed", "Plate", "Plate: ABC123\nReason: Recovered"]]
RENAMED = [["When", "Agency", "Officer", "Why"],
           ["01/31/2022 11:26:24 PM", "Okaloosa County FL SO", "***", "ICE detainer"],
           ["02/01/2022 10:00:00 AM", "Bend OR PD", "J. Smith", "Stolen vehicle"]]
SHEETS = ["Cover", "Notes", "Users", "Shared Networks", "Hot List Events", "Empty", "Lookup", "Network Audit"]


def write_rows(sheet, rows: list[list[object]], *, first: int = 1) -> None:
    for number, row in enumerate(rows, start=first):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)


def titled(sheet, title: str, rows: list[list[object]]) -> None:
    """A title and a date above the header row, and a blank line: the header is on row 4."""
    write_rows(sheet, [[title], ["Exported 02/01/2025"]])
    write_rows(sheet, rows, first=4)


def release(path: Path, *, audit: list[list[object]] | None = None) -> Path:
    """A release as agencies send them: cover and notes sheets, a roster, shared networks, a hot
    list, an empty sheet, a hidden lookup sheet, and the network audit eighth, under a title."""
    book = Workbook()
    book.active.title = "Cover"
    write_rows(book.active, [["Flock Safety records release"], ["Request RR-2026-0001"]])
    write_rows(book.create_sheet("Notes"), [["Note"], ["Plates and officer names are redacted (***)."]])
    write_rows(book.create_sheet("Users"), USERS)
    write_rows(book.create_sheet("Shared Networks"), SHARED)
    write_rows(book.create_sheet("Hot List Events"), HOTLIST)
    book.create_sheet("Empty")
    lookup = book.create_sheet("Lookup")
    lookup.sheet_state = "hidden"
    write_rows(lookup, [["Code", "Meaning"], [1, "Search"]])
    titled(book.create_sheet("Network Audit"), "Network Audit: Bend Police Department",
           [NETWORK_14, *network_rows(NETWORK_14)] if audit is None else audit)
    book.save(path)
    return path


def renamed_book(path: Path) -> Path:
    """A cover sheet, then searches under other column names on a second sheet, header on row 4."""
    book = Workbook()
    book.active.title = "Cover"
    write_rows(book.active, [["Flock Safety records release"]])
    titled(book.create_sheet("Searches"), "Searches", RENAMED)
    book.save(path)
    return path


def analyse(*paths, **options) -> dict:
    out = io.StringIO()
    call_command("analyze_audit_log", *map(str, paths), "--json", stdout=out, stderr=io.StringIO(), **options)
    return json.loads(out.getvalue())


def run_import(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_audit_log", *map(str, args), stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def oregon(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(name="Bend Police Department",
                                                                                 jurisdiction=state("OR")), user=alice.user)


def entry(sheet: str, fmt: str, kind: str, read: int, rows: int, repeated: int, rejected: int) -> dict:
    return {"file": "release.xlsx", "sheet": sheet, "format": fmt, "kind": kind, "read": read, "rows": rows,
            "repeated": repeated, "rejected": rejected}


# The analysis


def test_the_analysis_reads_every_recognised_sheet_and_counts_each(tmp_path):
    summary = analyse(release(tmp_path / "release.xlsx"))
    assert summary["files"] == [
        entry("Users", "users", "users", 4, 3, 1, 1),
        entry("Shared Networks", "shared_networks", "sharing", 2, 2, 0, 0),
        entry("Hot List Events", "hotlist_events", "hotlist", 2, 2, 0, 0),
        entry("Network Audit", "network_audit_14", "search", 8, 7, 1, 1),
    ]
    assert (summary["users"], summary["roles"]) == (3, {"Officer": 2, "Admin": 1})
    assert summary["categories"]["immigration"] == 1 and summary["federal_searches"] == 1


def test_the_analysis_lists_the_sheets_that_are_not_exports_and_why(tmp_path):
    skipped = analyse(release(tmp_path / "release.xlsx"))["skipped_sheets"]
    assert [(s["sheet"], s["why"]) for s in skipped] == [
        ("Cover", "not an audit export: row 1 holds 'Flock Safety records release'"),
        ("Notes", "not an audit export: row 1 holds 'Note'"),
        ("Empty", "not an audit export: empty"),
        ("Lookup", "not an audit export: row 1 holds 'Code', 'Meaning'"),
    ]


def test_a_rejected_row_is_named_by_its_sheet_and_row(tmp_path):
    err = io.StringIO()
    call_command("analyze_audit_log", str(release(tmp_path / "release.xlsx")), stdout=io.StringIO(), stderr=err)
    assert "release.xlsx, sheet 'Network Audit' line 13: rejected: unreadable time 'not a date'" in err.getvalue()
    assert "release.xlsx, sheet 'Users' line 6: rejected: no name or email" in err.getvalue()


def test_the_text_output_says_what_each_sheet_is(tmp_path):
    out = io.StringIO()
    call_command("analyze_audit_log", str(release(tmp_path / "release.xlsx")), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert ("release.xlsx, sheet 'Network Audit': network_audit_14: 8 rows read (1 repeated, counted once), "
            "1 rejected") in text
    assert "release.xlsx, sheet 'Notes': not an audit export" in text
    assert "users: 3 (Officer: 2, Admin: 1)" in text


def test_sheet_picks_one_sheet_by_name_in_any_case(tmp_path):
    summary = analyse(release(tmp_path / "release.xlsx"), sheet="network AUDIT")
    assert summary["files"] == [entry("Network Audit", "network_audit_14", "search", 8, 7, 1, 1)]
    assert summary["skipped_sheets"] == [] and summary["users"] == 0


def test_an_unknown_sheet_is_an_error_listing_the_sheets(tmp_path):
    with pytest.raises(CommandError) as error:
        analyse(release(tmp_path / "release.xlsx"), sheet="Audit")
    assert str(error.value) == ("the workbook has no sheet named 'Audit'; its sheets: "
                                + ", ".join(repr(s) for s in SHEETS))


def test_sheet_on_a_csv_is_an_error(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text("Name,Email,Role\nAnn Lee,ann@bend.example,Admin\n")
    with pytest.raises(CommandError, match="picks a sheet of a workbook .XLSX.; this file is a CSV"):
        analyse(path, sheet="Users")


def test_a_column_map_reads_the_sheet_that_has_its_columns(tmp_path):
    columns = ["When=searched_at", "Agency=organization", "Why=reason"]
    summary = analyse(renamed_book(tmp_path / "renamed.xlsx"), column=columns)
    assert [(f["sheet"], f["format"], f["rows"]) for f in summary["files"]] == [("Searches", "mapped", 2)]
    assert summary["categories"]["immigration"] == 1
    assert analyse(tmp_path / "renamed.xlsx", column=columns, sheet="searches")["rows"] == 2


def test_a_column_map_no_sheet_has_names_each_sheet_and_its_headers(tmp_path):
    with pytest.raises(CommandError) as error:
        analyse(renamed_book(tmp_path / "renamed.xlsx"), column=["Date=searched_at"])
    assert str(error.value).startswith(
        "the column map names columns no sheet of the workbook has (Date). sheet 'Cover': row 1 holds 'Flock Safety "
        "records release'; sheet 'Searches': row 4 holds 'When', 'Agency', 'Officer', 'Why'.")


def test_a_workbook_with_no_recognised_sheet_is_an_error_listing_every_sheet(tmp_path):
    with pytest.raises(CommandError) as error:
        analyse(renamed_book(tmp_path / "renamed.xlsx"))
    message = str(error.value)
    assert message.startswith("the columns are not a known Flock export in any sheet of the workbook. sheet 'Cover': "
                              "row 1 holds 'Flock Safety records release'; sheet 'Searches': row 4 holds 'When', "
                              "'Agency', 'Officer', 'Why'. Expected one of: Network Audit (14 columns)")
    assert "--sheet NAME" in message and "--column HEADER=FIELD" in message


def test_a_recognised_sheet_with_no_rows_is_an_error_though_other_sheets_were_read(tmp_path):
    path = release(tmp_path / "release.xlsx", audit=[NETWORK_14])
    with pytest.raises(CommandError, match="release.xlsx, sheet 'Network Audit': no row was read: the sheet has its "
                                           "column headers but no rows under them"):
        analyse(path)


def test_a_roster_is_read_from_a_csv_too(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text("First Name,Last Name,Email Address,User Role,Last Active\n"
                    "Ann,Lee,ann@bend.example,Admin,3 days ago\nBo,Diaz,bo@bend.example,Officer,\n")
    summary = analyse(path)
    assert [(f["sheet"], f["format"], f["rows"]) for f in summary["files"]] == [(None, "users_split_name", 2)]
    assert summary["roles"] == {"Admin": 1, "Officer": 1}


# The import


def test_the_import_stores_each_sheet_by_its_kind(oregon, tmp_path):
    output = run_import(oregon.tracking, release(tmp_path / "release.xlsx"))
    assert SearchEvent.objects.filter(request=oregon).count() == 7
    assert SharingRelation.objects.filter(request=oregon).count() == 2
    assert HotlistEvent.objects.filter(request=oregon).count() == 2
    assert sorted(RosterUser.objects.values_list("email", "role")) == [
        ("ann@bend.example", "Admin"), ("bo@bend.example", "Officer"), ("cy@bend.example", "Officer")]
    assert RosterUser.objects.get(email="bo@bend.example").last_login is None
    audit_import = AuditImport.objects.get()
    assert (audit_import.format, audit_import.rows, audit_import.duplicates, audit_import.rejected) == ("workbook", 14, 2, 2)
    assert "Sheet 'Network Audit': Network Audit (14 columns), 8 searches read, 1 repeated, 1 rejected" in output
    assert "Sheet 'Users': User roster, 4 users read, 1 repeated, 1 rejected" in output
    assert "Sheet 'Empty': not an audit export: empty" in output
    assert "line 13: sheet 'Network Audit': unreadable time 'not a date'" in output


def test_the_import_keeps_each_sheets_counts_in_workbook_order(oregon, tmp_path):
    run_import(oregon.tracking, release(tmp_path / "release.xlsx"))
    sheets = AuditImport.objects.get().sheets
    assert [s["name"] for s in sheets] == SHEETS
    assert sheets[7] == {"name": "Network Audit", "format": "network_audit_14", "kind": "search", "read": 8, "rows": 7,
                         "repeated": 1, "rejected": 1}
    assert sheets[1] == {"name": "Notes", "format": None, "why": "not an audit export: row 1 holds 'Note'"}


def test_the_import_page_says_which_sheet_is_what(oregon, tmp_path, alice_client):
    run_import(oregon.tracking, release(tmp_path / "release.xlsx"))
    audit_import = AuditImport.objects.get()
    body = alice_client.get(reverse("audit-import", args=[oregon.pk, audit_import.pk])).content.decode()
    assert "Format: Workbook (see its sheets)" in body
    assert ("<li>Sheet &#x27;Network Audit&#x27;: Network Audit (14 columns), 8 searches read, 1 repeated, "
            "1 rejected</li>") in body
    assert "<li>Sheet &#x27;Notes&#x27;: not an audit export: row 1 holds &#x27;Note&#x27;</li>" in body
    assert "line 13: sheet &#x27;Network Audit&#x27;: unreadable time &#x27;not a date&#x27;" in body


def test_the_report_shows_the_user_roster_by_role(oregon, tmp_path, alice_client):
    run_import(oregon.tracking, release(tmp_path / "release.xlsx"))
    response = alice_client.get(reverse("audit-report", args=[oregon.pk]))
    assert response.context["report"].roster.roles == [("Officer", 2), ("Admin", 1)]
    body = response.content.decode()
    assert "User roster: 3 users" in body and '<th scope="row">Officer</th><td class="num">2</td>' in body


def test_importing_with_sheet_reads_only_that_sheet(oregon, tmp_path):
    output = run_import(oregon.tracking, release(tmp_path / "release.xlsx"), sheet="users")
    assert RosterUser.objects.count() == 3 and not SearchEvent.objects.exists()
    assert AuditImport.objects.get().sheet == "users"
    assert "Sheet 'Users': User roster, 4 users read, 1 repeated, 1 rejected" in output
    assert [s["name"] for s in AuditImport.objects.get().sheets] == ["Users"]


def test_importing_an_unknown_sheet_fails_listing_the_sheets(oregon, tmp_path):
    output = run_import_failing(oregon, release(tmp_path / "release.xlsx"), sheet="Audit")
    assert "not imported: the workbook has no sheet named 'Audit'; its sheets: 'Cover', 'Notes'" in output


def run_import_failing(oregon, path: Path, **options) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_audit_log", oregon.tracking, str(path), stdout=out, **options)
    return out.getvalue()


def test_a_sheet_that_gave_nothing_is_an_error_while_the_others_stand(oregon, tmp_path, alice_client):
    output = run_import_failing(oregon, release(tmp_path / "release.xlsx", audit=[NETWORK_14]))
    assert ("Sheet 'Network Audit': Network Audit (14 columns): no row was read: the sheet has its column headers "
            "but no rows under them") in output
    audit_import = AuditImport.objects.get()
    assert audit_import.state == "done" and RosterUser.objects.count() == 3
    body = alice_client.get(reverse("audit-import", args=[oregon.pk, audit_import.pk])).content.decode()
    assert ('<li class="error" role="alert">Sheet &#x27;Network Audit&#x27;: Network Audit (14 columns): '
            "no row was read") in body


def test_a_workbook_whose_sheets_all_gave_nothing_is_not_imported(oregon, tmp_path):
    book = Workbook()
    book.active.title = "Network Audit"
    write_rows(book.active, [NETWORK_14])
    write_rows(book.create_sheet("Users"), [USERS[0], USERS[5]])
    book.save(tmp_path / "empty.xlsx")
    output = run_import_failing(oregon, tmp_path / "empty.xlsx")
    assert ("not imported: no row was read from any sheet of the workbook: sheet 'Network Audit': no row was read: "
            "the sheet has its column headers but no rows under them; sheet 'Users': no row was read: the only row "
            "was rejected (line 2: sheet 'Users': no name or email)") in output
    assert not RosterUser.objects.exists() and AuditImport.objects.get().state == "failed"


def test_a_column_map_on_the_command_line_reads_a_later_sheet(oregon, tmp_path):
    output = run_import(oregon.tracking, renamed_book(tmp_path / "renamed.xlsx"),
                        column=["When=searched_at", "Agency=organization", "Why=reason"])
    assert sorted(SearchEvent.objects.values_list("reason", flat=True)) == ["ICE detainer", "Stolen vehicle"]
    assert "Sheet 'Searches': Columns mapped by hand, 2 searches read" in output


# The column map of the import page, on a workbook


@pytest.fixture
def refused(oregon, tmp_path) -> AuditImport:
    data = renamed_book(tmp_path / "renamed.xlsx").read_bytes()
    document = upload_file(request=oregon, user=oregon.created_by, name="renamed.xlsx", stream=io.BytesIO(data)).document
    return run(AuditImport.objects.create(request=oregon, document=document))


def test_the_page_offers_the_columns_of_the_sheet_with_most_rows_and_a_choice_of_sheet(refused, alice_client):
    assert refused.state == "failed" and refused.error.startswith("the columns are not a known Flock export in any")
    body = alice_client.get(reverse("audit-import", args=[refused.request_id, refused.pk])).content.decode()
    assert '<option value="Cover">Cover</option><option value="Searches" selected>Searches</option>' in body
    assert '<input type="hidden" name="sheet" value="Searches">' in body
    assert '<label for="column-0">Column “When”</label>' in body


def test_the_page_shows_the_columns_of_the_sheet_picked(refused, alice_client):
    url = reverse("audit-import", args=[refused.request_id, refused.pk])
    body = alice_client.get(url, {"sheet": "cover"}).content.decode()
    assert '<label for="column-0">Column “Flock Safety records release”</label>' in body
    assert "column-1" not in body


def test_a_map_posted_for_a_sheet_imports_that_sheet(refused, alice_client, django_capture_on_commit_callbacks):
    url = reverse("audit-import-columns", args=[refused.request_id, refused.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(url, {"sheet": "Searches", "column-0": "searched_at", "column-1": "organization",
                                           "column-3": "reason"})
    new = AuditImport.objects.exclude(pk=refused.pk).get()
    assert response.url == reverse("audit-import", args=[refused.request_id, new.pk])
    assert (new.state, new.sheet, new.rows) == ("done", "Searches", 2)
    assert new.column_map == {"When": "searched_at", "Agency": "organization", "Why": "reason"}
    assert SearchEvent.objects.filter(audit_import=new).count() == 2


# Loading a workbook parses its whole shared-strings table: seconds for a large release.


@pytest.fixture
def loads(monkeypatch) -> list[Path]:
    from requests_app.auditlogs import parse

    seen: list[Path] = []
    load = parse._load
    monkeypatch.setattr(parse, "_load", lambda path: seen.append(path) or load(path))
    return seen


def test_an_import_loads_the_workbook_once_for_all_its_sheets(oregon, tmp_path, loads):
    run_import(oregon.tracking, release(tmp_path / "release.xlsx"))
    assert AuditImport.objects.get().rows == 14 and len(loads) == 1


def test_an_analysis_loads_the_workbook_once_more_for_its_searches(tmp_path, loads):
    # The searches are counted after every CSV of the run is scanned, to count a row met in both once.
    assert analyse(release(tmp_path / "release.xlsx"))["rows"] == 11 and len(loads) == 2


def test_a_roster_csv_is_imported_as_users(oregon, tmp_path):
    path = tmp_path / "users.csv"
    path.write_text("Name,Email,Role,Last Login\nAnn Lee,ann@bend.example,Admin,01/05/2025 09:00:00 AM\n"
                    "Bo Diaz,bo@bend.example,Officer,Never\n")
    output = run_import(oregon.tracking, path)
    assert "users: 2 users stored, 0 repeated, 0 rejected" in output
    ann = RosterUser.objects.get(email="ann@bend.example")
    # A last login without a zone is Bend's local time (PST in January), stored in UTC.
    assert (ann.name, ann.role, ann.last_login.isoformat()) == ("Ann Lee", "Admin", "2025-01-05T17:00:00+00:00")
    assert AuditImport.objects.get().sheets == []
