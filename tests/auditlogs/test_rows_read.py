"""Never a silent zero: each file's rows read, repeated and rejected are given, and a file
from which no row is read is an error saying why, on the command line and on import."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from requests_app.auditlogs.analyze import analyze
from requests_app.auditlogs.models import AuditImport
from tests.auditlogs.test_analyze import NETWORK_14, network_rows, write_csv
from tests.auditlogs.test_import import run
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db

HOTLIST = ["Timestamp", "User", "Event Type", "Entity Type", "Entity Details"]


def analyse(*paths, **options) -> dict:
    out = io.StringIO()
    call_command("analyze_audit_log", *map(str, paths), "--json", stdout=out, stderr=io.StringIO(), **options)
    return json.loads(out.getvalue())


def header_only_xlsx(path):
    workbook = Workbook()
    workbook.active.append(NETWORK_14)
    workbook.save(path)
    return path


def test_each_file_gives_its_rows_read_repeated_and_rejected(tmp_path):
    rows = network_rows(NETWORK_14)
    first = write_csv(tmp_path / "1.csv", NETWORK_14, rows[:4])
    second = write_csv(tmp_path / "2.csv", NETWORK_14, rows[3:])
    files = analyse(first, second)["files"]
    assert files == [
        {"file": "1.csv", "sheet": None, "format": "network_audit_14", "kind": "search", "read": 4, "rows": 4, "repeated": 0, "rejected": 0},
        {"file": "2.csv", "sheet": None, "format": "network_audit_14", "kind": "search", "read": 5, "rows": 3, "repeated": 2, "rejected": 1},
    ]


def test_files_read_in_batches_are_counted_each_on_its_own(tmp_path):
    rows = network_rows(NETWORK_14)
    first = write_csv(tmp_path / "1.csv", NETWORK_14, rows[:4])
    latin = tmp_path / "2.csv"
    latin.write_bytes(write_csv(tmp_path / "utf8.csv", NETWORK_14, rows[3:]).read_text().replace(
        "press", "presse à scandale").encode("cp1252"))
    files = analyze([first, latin]).summary()["files"]
    assert [(f["rows"], f["repeated"], f["rejected"]) for f in files] == [(4, 0, 0), (3, 2, 1)]


def test_the_text_output_lists_each_file(tmp_path):
    out = io.StringIO()
    call_command("analyze_audit_log", str(write_csv(tmp_path / "a.csv", NETWORK_14, network_rows(NETWORK_14))),
                 stdout=out, stderr=io.StringIO())
    assert "a.csv: network_audit_14: 8 rows read (1 repeated, counted once), 1 rejected" in out.getvalue()


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx"])
def test_a_file_with_headers_but_no_rows_is_an_error(tmp_path, name):
    path = tmp_path / name
    header_only_xlsx(path) if name.endswith("xlsx") else write_csv(path, NETWORK_14, [])
    with pytest.raises(CommandError, match=f"{name}: no row was read: the file has its column headers but no rows"):
        analyse(path)


def test_a_file_whose_every_row_is_rejected_is_an_error_naming_the_first(tmp_path):
    rows = [r[:10] + ["yesterday"] + r[11:] for r in network_rows(NETWORK_14)[:2]]
    path = write_csv(tmp_path / "bad.csv", NETWORK_14, rows)
    with pytest.raises(CommandError, match=r"bad.csv: no row was read: all 2 rows were rejected "
                                           r"\(line 2: unreadable time 'yesterday'\)"):
        analyse(path)


def test_a_file_of_rows_all_met_in_an_earlier_file_is_not_an_error(tmp_path):
    rows = network_rows(NETWORK_14)[:3]
    files = analyse(write_csv(tmp_path / "1.csv", NETWORK_14, rows), write_csv(tmp_path / "2.csv", NETWORK_14, rows))
    assert files["files"][1]["repeated"] == 3


def test_an_empty_file_among_others_fails_the_run_after_counting_the_others(tmp_path):
    good = write_csv(tmp_path / "good.csv", NETWORK_14, network_rows(NETWORK_14))
    out = io.StringIO()
    with pytest.raises(CommandError, match="empty.csv: no row was read"):
        call_command("analyze_audit_log", str(good), str(write_csv(tmp_path / "empty.csv", NETWORK_14, [])),
                     stdout=out, stderr=io.StringIO())
    assert "good.csv: network_audit_14: 8 rows read" in out.getvalue()


def test_an_empty_hotlist_log_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="hot.csv: no row was read"):
        analyse(write_csv(tmp_path / "hot.csv", HOTLIST, []))


@pytest.fixture
def oregon(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(name="Bend Police Department",
                                                                                 jurisdiction=state("OR")), user=alice.user)


def test_importing_a_file_with_no_rows_fails_saying_why(oregon, tmp_path):
    with pytest.raises(CommandError):
        run(oregon.tracking, str(write_csv(tmp_path / "empty.csv", NETWORK_14, [])))
    failed = AuditImport.objects.get()
    assert failed.state == AuditImport.State.FAILED
    assert failed.error == "no row was read: the file has its column headers but no rows under them"


def test_importing_a_workbook_whose_rows_are_all_rejected_fails_and_lists_them(oregon, tmp_path, alice_client):
    workbook = Workbook()
    workbook.active.append(NETWORK_14)
    workbook.active.append(["s-1", "***", "Bend OR PD", "1", "2", "", "***", "theft", "", "", "soon", "search", "", ""])
    workbook.save(tmp_path / "bad.xlsx")
    with pytest.raises(CommandError):
        run(oregon.tracking, str(tmp_path / "bad.xlsx"))
    failed = AuditImport.objects.get()
    assert failed.error == "no row was read: the only row was rejected (line 2: unreadable time 'soon')"
    body = alice_client.get(reverse("audit-import", args=[oregon.pk, failed.pk])).content.decode()
    assert "line 2: unreadable time" in body and "Nothing from this file was stored" in body


def test_the_import_page_gives_rows_read_stored_repeated_and_rejected(oregon, tmp_path, alice_client):
    rows = network_rows(NETWORK_14)
    run(oregon.tracking, str(write_csv(tmp_path / "1.csv", NETWORK_14, rows[:4])))
    run(oregon.tracking, str(write_csv(tmp_path / "2.csv", NETWORK_14, rows[3:])))
    second = AuditImport.objects.order_by("pk").last()
    body = alice_client.get(reverse("audit-import", args=[oregon.pk, second.pk])).content.decode()
    assert (second.rows_read, second.rows, second.duplicates, second.rejected) == (5, 3, 2, 1)
    assert "<th scope=\"row\">Rows read</th><td>5</td>" in body


def test_a_sharing_list_with_no_organizations_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="sharing.csv: no row was read"):
        analyse(write_csv(tmp_path / "sharing.csv", ["Name", "State", "Type"], []))
