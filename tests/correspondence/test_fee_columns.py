"""with_fee_summary adds up in SQL what fee_summary adds up in Python: the dashboard's
campaign fees rely on the two agreeing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from requests_app.correspondence.models import Fee
from requests_app.correspondence.selectors import with_fee_summary
from requests_app.correspondence.services import fee_summary
from requests_app.records.models import RecordsRequest
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 1)

# (kind, amount, days after DAY), in the order they are recorded.
HISTORIES = {
    "no fees": [],
    "an estimate": [("estimate", "40.00", 0)],
    "a later estimate replaces the first": [("estimate", "40.00", 0), ("estimate", "25.50", 1)],
    "the estimate dated later counts, whenever recorded": [("estimate", "25.50", 3), ("estimate", "40.00", 1)],
    "same day: the one recorded last": [("estimate", "40.00", 0), ("estimate", "12.00", 0)],
    "invoices replace the estimate": [("estimate", "500.00", 0), ("invoice", "80.00", 1), ("invoice", "20.10", 2)],
    "payments are taken off": [("estimate", "100.00", 0), ("payment", "30.10", 1), ("payment", "0.20", 2)],
    "paying more owes nothing": [("invoice", "10.00", 0), ("payment", "15.00", 1)],
    "a waiver granted": [("estimate", "500.00", 0), ("waiver_requested", None, 1), ("waiver_granted", None, 2)],
    "a waiver granted, then denied": [("estimate", "70.00", 0), ("waiver_granted", None, 1),
                                      ("waiver_denied", None, 2)],
    "a waiver denied, then granted": [("invoice", "70.00", 0), ("waiver_denied", None, 1),
                                      ("waiver_granted", None, 2)],
    "a waiver requested only": [("estimate", "9.99", 0), ("waiver_requested", None, 1)],
}


@pytest.fixture
def request_(alice) -> RecordsRequest:
    return draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")),
                         user=alice.user)


@pytest.mark.parametrize("history", HISTORIES)
def test_the_columns_add_up_as_fee_summary_does(request_, history):
    for kind, amount, days in HISTORIES[history]:
        Fee.objects.create(request=request_, kind=kind, amount=amount and Decimal(amount),
                           occurred_on=DAY + timedelta(days=days))
    expected = fee_summary(list(request_.fees.all()))
    row = with_fee_summary(RecordsRequest.objects.filter(pk=request_.pk)).get()
    assert (row.fees_estimated, row.fees_invoiced, row.fees_paid, row.fees_owed) == (
        expected.estimated, expected.invoiced, expected.paid, expected.owed)


def test_cents_add_up_to_cents(request_):
    for amount in ("0.10", "0.20", "0.10", "0.20", "0.10", "0.20"):
        Fee.objects.create(request=request_, kind="payment", amount=Decimal(amount), occurred_on=DAY)
    row = with_fee_summary(RecordsRequest.objects.filter(pk=request_.pk)).get()
    assert row.fees_paid == Decimal("0.90")  # not 0.9000000000000001, as floats would


def test_another_requests_fees_do_not_count(alice, request_):
    other = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("WA")),
                          user=alice.user)
    Fee.objects.create(request=other, kind="invoice", amount=Decimal("80"), occurred_on=DAY)
    Fee.objects.create(request=request_, kind="estimate", amount=Decimal("5"), occurred_on=DAY)
    row = with_fee_summary(RecordsRequest.objects.filter(pk=request_.pk)).get()
    assert (row.fees_invoiced, row.fees_owed) == (0, Decimal("5"))
