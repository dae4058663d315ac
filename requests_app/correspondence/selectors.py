"""Reads of fees that add up in the database what services.fee_summary adds up in Python."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.db.models.lookups import Exact

from requests_app.correspondence.models import Fee
from requests_app.records.models import RecordsRequest

MONEY = DecimalField(max_digits=12, decimal_places=2)
_ZERO = Value(Decimal(0), output_field=MONEY)
_LATEST_FIRST = ("-occurred_on", "-recorded_at", "-pk")  # fee_summary's order, reversed; the id breaks ties


def with_fee_summary(requests: QuerySet[RecordsRequest]) -> QuerySet[RecordsRequest]:
    """``requests`` with fee_summary's figures as columns: fees_estimated (the latest
    estimate), fees_invoiced, fees_paid, and fees_owed (nothing once the latest waiver
    decision grants one, else the invoices or, without any, the estimate, less payments)."""
    fees = Fee.objects.filter(request=OuterRef("pk"))
    estimated = Coalesce(Subquery(fees.filter(kind=Fee.Kind.ESTIMATE).order_by(*_LATEST_FIRST).values("amount")[:1]),
                         _ZERO, output_field=MONEY)
    invoiced, paid = _total(fees, Fee.Kind.INVOICE), _total(fees, Fee.Kind.PAYMENT)
    decision = Subquery(fees.filter(kind__in=[Fee.Kind.WAIVER_GRANTED, Fee.Kind.WAIVER_DENIED])
                        .order_by(*_LATEST_FIRST).values("kind")[:1])
    billed = Coalesce(NullIf(invoiced, _ZERO), estimated, output_field=MONEY)
    owed = Case(When(Exact(decision, Fee.Kind.WAIVER_GRANTED), then=_ZERO),
                default=Greatest(billed - paid, _ZERO, output_field=MONEY), output_field=MONEY)
    return requests.annotate(fees_estimated=estimated, fees_invoiced=invoiced, fees_paid=paid, fees_owed=owed)


def _total(fees: QuerySet[Fee], kind: str) -> Coalesce:
    summed = fees.filter(kind=kind).order_by().values("request").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(summed, output_field=MONEY), _ZERO, output_field=MONEY)
