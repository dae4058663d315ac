"""Requests exported as CSV and XLSX: the columns, safe cells, and a fixed query count."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from requests_app.correspondence.models import Communication
from requests_app.correspondence.services import fee_record, item_outcome_set
from requests_app.documents.models import Document, RequestDocument
from requests_app.records.models import RecordsRequest
from requests_app.web.exports import COLUMNS, export_rows, requests_csv, requests_xlsx
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
D = date
TODAY = D(2026, 12, 20)


def texas_request(alice, *, agency_name: str | None = None) -> RecordsRequest:
    """Received 25 November 2026 in Texas: due Friday 11 December 2026."""
    agency = AgencyFactory(jurisdiction=state("TX"), **({"name": agency_name} if agency_name else {}))
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
    return request


def rows_of(queryset) -> list[dict]:
    return [dict(zip(COLUMNS, row)) for row in export_rows(queryset, today=TODAY)]


def test_a_row_has_every_column(alice):
    request = texas_request(alice)
    fee_record(request=request, user=alice.user, kind="estimate", on=D(2026, 12, 1), amount=Decimal("40.00"))
    fee_record(request=request, user=alice.user, kind="estimate", on=D(2026, 12, 2), amount=Decimal("25.00"))
    fee_record(request=request, user=alice.user, kind="payment", on=D(2026, 12, 3), amount=Decimal("10.00"))
    fee_record(request=request, user=alice.user, kind="payment", on=D(2026, 12, 4), amount=Decimal("5.50"))
    Communication.objects.create(request=request, direction="from_agency", channel="email", occurred_on=D(2026, 12, 5))
    Communication.objects.create(request=request, direction="to_agency", channel="email", occurred_on=D(2026, 12, 9))
    first, second, _ = request.items.all()
    item_outcome_set(item=first, outcome="released", on=D(2026, 12, 5))
    item_outcome_set(item=second, outcome="withheld", on=D(2026, 12, 5), exemption="Security")
    document = Document.objects.create(organization=alice.organization, file="a.pdf", original_name="a.pdf",
                                       kind="pdf", size=1, sha256="1" * 64)
    RequestDocument.objects.create(request=request, document=document)
    RecordsRequest.objects.filter(pk=request.pk).update(sent_at=datetime(2026, 11, 25, 12, tzinfo=UTC))
    [row] = rows_of(RecordsRequest.objects.filter(pk=request.pk))
    assert row == {
        "Tracking reference": request.tracking, "Agency": request.agency.name, "State": "TX",
        "Status": "Submitted", "Sent": D(2026, 11, 25), "Due": D(2026, 12, 11),
        "Days overdue": 9, "Days since last reply": 15, "Fees estimated": Decimal("25.00"),
        "Fees paid": Decimal("15.50"), "Items released": 1, "Documents": 1,
    }


def test_a_request_without_replies_fees_or_a_deadline_has_blanks_and_zeros(alice):
    draft = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    [row] = rows_of(RecordsRequest.objects.filter(pk=draft.pk))
    assert (row["Due"], row["Days overdue"], row["Days since last reply"]) == (None, 0, None)
    assert (row["Fees estimated"], row["Fees paid"], row["Items released"], row["Documents"]) == (0, 0, 0, 0)


def test_an_answered_request_is_not_overdue(alice):
    request = texas_request(alice)
    request_transition(request=request, to_status="fulfilled", user=alice.user, on=D(2026, 12, 15))
    assert rows_of(RecordsRequest.objects.filter(pk=request.pk))[0]["Days overdue"] == 0


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1 Police", "-2 Sheriff", "@SUM(A1)"])
def test_a_cell_that_a_spreadsheet_would_run_is_quoted(alice, name):
    texas_request(alice, agency_name=name)
    text = "".join(requests_csv(RecordsRequest.objects.all(), today=TODAY))
    assert list(csv.reader(io.StringIO(text)))[1][1] == "'" + name
    sheet = load_workbook(io.BytesIO(requests_xlsx(RecordsRequest.objects.all(), today=TODAY))).active
    assert sheet.cell(row=2, column=2).value == "'" + name


def test_the_xlsx_has_a_header_and_typed_cells(alice):
    request = texas_request(alice)
    sheet = load_workbook(io.BytesIO(requests_xlsx(RecordsRequest.objects.all(), today=TODAY))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert rows[1][0] == request.tracking and rows[1][5].date() == D(2026, 12, 11) and rows[1][6] == 9


@pytest.mark.parametrize("count", [3, 30])
def test_the_export_makes_one_query_whatever_the_number_of_requests(alice, count, django_assert_num_queries):
    for _ in range(count):
        request = texas_request(alice)
        fee_record(request=request, user=alice.user, kind="payment", on=D(2026, 12, 3), amount=Decimal(1))
        Communication.objects.create(request=request, direction="from_agency", channel="email",
                                     occurred_on=D(2026, 12, 5))
    with django_assert_num_queries(1):
        rows = list(export_rows(RecordsRequest.objects.all(), today=TODAY))
    assert len(rows) == count


def test_the_export_urls_follow_the_lists_filters(alice_client, alice, bob):
    texas = texas_request(alice)
    draft = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    draft_request(organization=bob.organization, agency=AgencyFactory(), user=bob.user)
    response = alice_client.get(reverse("request-export-csv"), {"status": "draft"})
    assert response["Content-Disposition"].startswith('attachment; filename="requests-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == COLUMNS and [r[0] for r in rows[1:]] == [draft.tracking]
    response = alice_client.get(reverse("request-export-xlsx"), {"state": "TX", "sort": "nonsense"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [texas.tracking]


def test_another_organization_exports_none_of_these_requests(bob_client, alice):
    texas_request(alice)
    response = bob_client.get(reverse("request-export-csv"))
    assert b"".join(response.streaming_content).decode().count("\n") == 1  # the header only
