"""Hot-list event logs: the Entity Details cell read label by label, flagged and stored once."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.auditlogs.analyze import analyze
from requests_app.auditlogs.hotlist import parse_details, store_hotlist, to_hotlist
from requests_app.auditlogs.models import AuditImport, CustomTerm, HotlistEvent
from requests_app.auditlogs.parse import Rejected
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


def fields(details: str = "Plate: ABC123\nState: OR\nReason: Stolen vehicle", *,
           when: object = "01/31/2022, 11:26:24 PM UTC", user: str = "jdoe") -> dict[str, object]:
    return {"searched_at": when, "user": user, "event_type": "Entry Added", "entity_type": "Custom Hot List Entry",
            "details": details}


@pytest.fixture
def audit_import(alice) -> AuditImport:
    from requests_app.documents.upload import upload_file

    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("OR")),
                            user=alice.user)
    document = upload_file(request=request, user=alice.user, name="hotlist.csv",
                           stream=io.BytesIO(b"Timestamp,User,Event Type,Entity Type,Entity Details\n")).document
    return AuditImport.objects.create(request=request, document=document, format="hotlist_events")


def test_it_reads_the_details_cell_label_by_label():
    row = to_hotlist(2, fields("Plate: ABC123\nState: OR\nReason: Stolen vehicle"))
    assert row.details == {"Plate": "ABC123", "State": "OR", "Reason": "Stolen vehicle"}
    assert (row.line, row.occurred_at, row.user) == (2, datetime(2022, 1, 31, 23, 26, 24, tzinfo=UTC), "jdoe")
    assert (row.event_type, row.entity_type) == ("Entry Added", "Custom Hot List Entry")


def test_it_reads_pairs_on_one_line_and_labels_in_odd_case_and_spacing():
    details = parse_details("LICENSE  plate :  XYZ 987; reason: theft; suspect fled at 12:00\n  notes :seen twice")
    assert details == {"LICENSE plate": "XYZ 987", "reason": "theft; suspect fled at 12:00", "notes": "seen twice"}


def test_a_line_without_a_label_continues_the_value_before_it():
    assert parse_details("Notes: seen near the\nmall entrance") == {"Notes": "seen near the mall entrance"}


def test_a_label_given_twice_keeps_both_values():
    assert parse_details("Notes: first\nNOTES: second") == {"Notes": "first; second"}


def test_redacted_values_become_blank():
    row = to_hotlist(2, fields("Plate: ***\nReason: ***\nCase #: 22-104", user="***"))
    assert row.details == {"Plate": "", "Reason": "", "Case #": "22-104"}
    assert (row.user, row.plate, row.reason) == ("", "", "")


@pytest.mark.parametrize("details, plate, reason", [
    ("License Plate: 7ABC123\nDescription: Amber alert", "7ABC123", "Amber alert"),
    ("LP: 7ABC123\nComment: person of interest", "7ABC123", "person of interest"),
    ("plate number: 7ABC123\nNotes: warrant", "7ABC123", "warrant"),
    ("Notes: parked\nReason: Stolen vehicle", "", "Stolen vehicle"),  # a Reason label comes first
    ("License: 8XYZ456\nReason: Stolen vehicle", "8XYZ456", "Stolen vehicle"),
    ("LICENSE #: 8XYZ456\nReason: Stolen vehicle", "8XYZ456", "Stolen vehicle"),
    ("Tag No.: 8XYZ456\nNotes: warrant", "8XYZ456", "warrant"),
    ("Licence Plate Number: 8XYZ456", "8XYZ456", ""),
    ("Driver License: D1234567\nReason: warrant", "", "warrant"),  # a person's licence is not a plate
])
def test_the_plate_and_reason_are_found_under_their_usual_labels(details, plate, reason):
    row = to_hotlist(2, fields(details))
    assert (row.plate, row.reason) == (plate, reason)


@pytest.mark.parametrize("when, reason", [(None, "no timestamp"), ("  ", "no timestamp"),
                                          ("next Tuesday", "unreadable time 'next Tuesday'")])
def test_a_row_without_a_readable_timestamp_is_refused(when, reason):
    with pytest.raises(ValueError, match=reason):
        to_hotlist(2, fields(when=when))


def test_an_entry_is_flagged_with_the_rule_that_matched(audit_import):
    store_hotlist(audit_import, [(2, fields("Plate: ABC123\nReason: Other\nNotes: ICE detainer"))])
    event = HotlistEvent.objects.get()
    # The purpose sits under Notes, not Reason: the whole details text is read.
    assert (event.categories, event.flags) == (",immigration,", [["immigration", "ICE"]])
    assert (event.plate, event.reason, event.details["Notes"]) == ("ABC123", "Other", "ICE detainer")


def test_a_plate_labelled_license_is_not_read_by_the_rules(audit_import):
    store_hotlist(audit_import, [(2, fields("License: NO ICE\nReason: Stolen vehicle"))])
    event = HotlistEvent.objects.get()
    assert (event.plate, event.categories) == ("NO ICE", "")


def test_a_vanity_plate_flags_nothing(audit_import):
    store_hotlist(audit_import, [(2, fields("Plate: NO ICE\nReason: Stolen vehicle"))])
    assert HotlistEvent.objects.get().flags == []


def test_ice_in_a_drug_context_is_not_flagged(audit_import):
    store_hotlist(audit_import, [(2, fields("Plate: ABC123\nReason: possession of ice"))])
    assert HotlistEvent.objects.get().flags == []


def test_an_organizations_own_terms_flag_entries(audit_import):
    CustomTerm.objects.create(organization=audit_import.request.organization, category="protest", term="Free Palestine")
    store_hotlist(audit_import, [(2, fields("Plate: ABC123\nNotes: free  palestine march"))])
    assert HotlistEvent.objects.get().flags == [["protest", "custom term “Free Palestine”"]]


def test_rejected_rows_are_counted_with_their_lines(audit_import):
    store_hotlist(audit_import, [(2, fields()), (3, fields(when="")), Rejected(5, "unreadable CSV: bad quote"),
                                 (6, fields(when="soon"))])
    assert (audit_import.rows, audit_import.duplicates, audit_import.rejected) == (1, 0, 3)
    assert audit_import.rejected_sample == [[3, "no timestamp"], [5, "unreadable CSV: bad quote"],
                                            [6, "unreadable time 'soon'"]]


def test_repeated_rows_are_stored_once(audit_import):
    repeated = fields("Plate: ABC123\nReason: Stolen vehicle")
    store_hotlist(audit_import, [(2, repeated), (3, fields("Plate: XYZ9")), (4, dict(repeated))])
    assert (audit_import.rows, audit_import.duplicates) == (2, 1)
    assert list(HotlistEvent.objects.values_list("line", flat=True)) == [2, 3]


def test_a_row_released_again_in_a_later_file_is_not_stored_twice(audit_import):
    store_hotlist(audit_import, [(2, fields())])
    later = AuditImport.objects.create(request=audit_import.request, document=audit_import.document)
    store_hotlist(later, [(7, fields()), (8, fields("Plate: XYZ9"))])
    assert (later.rows, later.duplicates) == (1, 1)
    assert HotlistEvent.objects.filter(request=audit_import.request).count() == 2


def test_storing_makes_no_query_per_row(audit_import):
    rows = [(n, fields(f"Plate: P{n}\nReason: Stolen vehicle")) for n in range(2, 502)]
    with CaptureQueriesContext(connection) as queries:
        store_hotlist(audit_import, rows)
    # The organization's terms and a count before and after; the rest are bulk inserts (how
    # many rows fit one INSERT depends on the database).
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("INSERT")]
    assert len(reads) == 3 and len(queries.captured_queries) < 50
    assert audit_import.rows == 500


def hotlist_csv(path, details: list[str]):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Timestamp", "User", "Event Type", "Entity Type", "Entity Details"])
        out.writerows([f"01/{day + 1:02d}/2025, 10:00:00 AM UTC", "jdoe", "Entry Added", "Custom Hot List Entry", text]
                      for day, text in enumerate(details))
    return path


def test_the_analysis_counts_a_hotlist_as_the_import_stores_it(tmp_path):
    path = hotlist_csv(tmp_path / "hot.csv", [
        "License: NO ICE\nReason: Stolen vehicle\nEntered by: records unit",
        "Plate: ABC123\nReason: Stolen vehicle\nEntered by: patrol",
        "Plate: XYZ9\nReason: Other\nNotes: ICE detainer",
    ])
    flagged = []
    result = analyze([path], on_flag=lambda source, row, found: flagged.append((row["line"], row["reason"], found)))
    summary = result.summary()
    assert summary["top_reasons"] == [["Stolen vehicle", 2], ["Other", 1]]  # the reason, not the whole details
    assert (summary["rows"], summary["categories"]["immigration"]) == (3, 1)  # not the plate "NO ICE"
    assert flagged == [(8, "Other", [["immigration", "ICE"]])]  # each details cell spans three lines


def test_the_analysis_counts_a_hotlist_event_released_twice_once(tmp_path):
    path = hotlist_csv(tmp_path / "hot.csv", ["Plate: ABC123\nReason: Stolen vehicle"])
    again = hotlist_csv(tmp_path / "again.csv", ["Plate: ABC123\nReason: Stolen vehicle"])
    summary = analyze([path, again]).summary()
    assert (summary["rows"], summary["duplicates"]) == (1, 1)
    assert summary["files"][1]["repeated"] == 1
