"""Requests as spreadsheet rows (CSV or XLSX): one query whatever the number of requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.db.models import Count, DecimalField, F, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook

from requests_app.correspondence.models import Communication, Fee
from requests_app.documents.models import RequestDocument
from requests_app.ops.spreadsheets import csv_writer, safe_row
from requests_app.records.models import AWAITING_ANSWER, RecordsRequest, RequestItem

COLUMNS = [
    "Tracking reference", "Agency", "State", "Status", "Sent", "Due", "Days overdue", "Days since last reply",
    "Fees estimated", "Fees paid", "Items released", "Documents",
]
_ITER_CHUNK = 2000
_MONEY = DecimalField(max_digits=12, decimal_places=2)


def export_rows(requests: QuerySet[RecordsRequest], *, today: date) -> Iterator[list]:
    """One row per request, in COLUMNS order, text cells made safe for spreadsheets."""
    for r in _annotated(requests).iterator(chunk_size=_ITER_CHUNK):
        yield safe_row(_row(r, today))


def requests_csv(requests: QuerySet[RecordsRequest], *, today: date) -> Iterator[str]:
    """The CSV text, a line at a time, for a streaming response."""
    line = _Line()
    writer = csv_writer(line)
    writer.writerow(COLUMNS)
    yield line.take()
    for row in export_rows(requests, today=today):
        writer.writerow(row)
        yield line.take()


def requests_xlsx(requests: QuerySet[RecordsRequest], *, today: date) -> bytes:
    """An XLSX workbook written row by row (openpyxl's write-only mode keeps memory flat)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Requests")
    sheet.append(COLUMNS)
    for row in export_rows(requests, today=today):
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _row(r: RecordsRequest, today: date) -> list:
    overdue = (r.status in AWAITING_ANSWER and r.due is not None and r.paused_on is None and r.due < today)
    return [
        r.tracking,
        r.agency.name,
        r.agency.jurisdiction.state_code,
        r.get_status_display(),
        timezone.localdate(r.sent_at) if r.sent_at else None,
        r.due,
        (today - r.due).days if overdue else 0,
        (today - r.last_reply_on).days if r.last_reply_on else None,
        r.fees_estimated,
        r.fees_paid,
        r.items_released,
        r.document_count,
    ]


def _annotated(requests: QuerySet[RecordsRequest]) -> QuerySet[RecordsRequest]:
    """Everything a row needs as columns of the one query: subqueries, never joins that multiply rows."""
    of_request = {"request": OuterRef("pk")}
    estimates = Fee.objects.filter(**of_request, kind=Fee.Kind.ESTIMATE).order_by("-occurred_on", "-recorded_at", "-pk")
    return requests.select_related("agency__jurisdiction__parent").prefetch_related(None).annotate(
        due=F("clock__response_due"),
        paused_on=F("clock__paused_on"),
        last_reply_on=Subquery(
            Communication.objects.filter(**of_request, direction=Communication.Direction.FROM_AGENCY)
            .order_by().values("request").annotate(last=Max("occurred_on")).values("last")),
        # The latest estimate counts, as on the request page (fee_summary).
        fees_estimated=Coalesce(Subquery(estimates.values("amount")[:1]), Value(Decimal(0)), output_field=_MONEY),
        fees_paid=Coalesce(Subquery(
            Fee.objects.filter(**of_request, kind=Fee.Kind.PAYMENT).order_by().values("request")
            .annotate(total=Sum("amount")).values("total")), Value(Decimal(0)), output_field=_MONEY),
        items_released=_count(RequestItem.objects.filter(**of_request, outcome=RequestItem.Outcome.RELEASED)),
        document_count=_count(RequestDocument.objects.filter(**of_request)),
    )


def _count(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().values("request").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class _Line:
    """A file-like target for a CSV writer that hands back what was written since the last take."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def take(self) -> str:
        text, self._parts = "".join(self._parts), []
        return text
