"""Many drafts at once (a campaign's agencies): the same requests as one at a time, in a
number of queries that does not grow with the agencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.agencies.models import Agency
from requests_app.laws.models import Jurisdiction
from requests_app.letters.drafts import request_create, requests_create
from requests_app.letters.inputs import draft_text_for
from requests_app.records.models import RecordsRequest, RequestEvent
from requests_app.records.services import items_for, tracking_allocate, tracking_allocate_many
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)
KEYS = ["org-audit", "network-audit", "sharing"]


@pytest.fixture
def mixed_agencies():
    """A state's, a local one under its state's law, one with no mailing address, Colorado
    police (a second act cited), residents-only Virginia and a federal agency."""
    tacoma = Jurisdiction.objects.create(code="WA-TACOMA-TEST", name="Tacoma", kind="local", parent=state("WA"))
    return [
        AgencyFactory(name="Washington State Patrol", jurisdiction=state("WA"), kind=Agency.Kind.STATE_PATROL),
        AgencyFactory(name="Tacoma Police Department", jurisdiction=tacoma, city="Tacoma"),
        AgencyFactory(name="Austin Police Department", jurisdiction=state("TX"), mailing_address="", city="Austin"),
        AgencyFactory(name="Denver Police Department", jurisdiction=state("CO"), records_email="cora@denver.example.gov"),
        AgencyFactory(name="Richmond Police Department", jurisdiction=state("VA")),
        AgencyFactory(name="Federal Bureau of Investigation", jurisdiction=state("US"), kind=Agency.Kind.OTHER,
                      portal_url="https://efoia.example.gov/"),
    ]


def make_many(alice, agencies, **terms):
    return requests_create(
        organization=alice.organization, agencies=agencies, user=alice.user, title="ALPR records",
        items=items_for(organization=alice.organization, keys=KEYS), today=TODAY, **terms)


def test_each_draft_is_the_one_request_create_would_make(alice, mixed_agencies):
    made = make_many(alice, mixed_agencies, date_from=date(2025, 1, 1), fee_cap=Decimal("25.50"))
    one = request_create(organization=alice.organization, agency=mixed_agencies[0], user=alice.user,
                         title="ALPR records", items=items_for(organization=alice.organization, keys=KEYS),
                         date_from=date(2025, 1, 1), fee_cap=Decimal("25.50"), today=TODAY)

    assert [r.agency for r in made] == mixed_agencies
    assert [r.tracking for r in made] == [f"RR-2026-{n:04d}" for n in range(1, 7)]
    assert one.tracking == "RR-2026-0007"
    for request in RecordsRequest.objects.filter(pk__in=[r.pk for r in made]).select_related("agency"):
        assert request.letter_text == draft_text_for(request)  # composed afresh from the stored rows
        assert request.letter_text.count("\n") > 10 and request.agency.name in request.letter_text
        assert [i.key for i in request.items.order_by("position")] == KEYS
        assert (request.status, request.fee_cap, request.date_from, request.letter_edited) == (
            "draft", Decimal("25.50"), date(2025, 1, 1), False)
        event, = RequestEvent.objects.filter(request=request)
        assert (event.kind, event.actor, event.summary) == (
            "created", alice.user, f"created: 'ALPR records' to {request.agency.name}")
    texts = {r.agency.name: r.letter_text for r in made}
    assert "Colorado Criminal Justice Records Act" in texts["Denver Police Department"]
    assert "Virginia" in texts["Richmond Police Department"] and "Alex Rivera" in texts["Richmond Police Department"]
    assert "Public Records Act, chapter 42.56 RCW" in texts["Tacoma Police Department"]
    assert texts["Washington State Patrol"].replace("Washington State Patrol", "X").replace("RR-2026-0001", "T") == \
        one.letter_text.replace("Washington State Patrol", "X").replace(one.tracking, "T")


def test_the_queries_do_not_grow_with_the_agencies(alice):
    items = items_for(organization=alice.organization, keys=KEYS)
    few = [AgencyFactory(jurisdiction=state(code)) for code in ("WA", "TX", "CO")]
    many = [AgencyFactory(jurisdiction=state(code)) for code in ("WA", "TX", "CO") * 10]
    tracking_allocate(year=TODAY.year)  # the year's counter exists, as it does after the first request
    counts = []
    for agencies in (few, many):
        with CaptureQueriesContext(connection) as queries:
            requests_create(organization=alice.organization, agencies=agencies, user=alice.user, title="t",
                            items=items, today=TODAY)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15, counts


def test_nothing_is_written_when_the_dates_are_reversed(alice, mixed_agencies):
    with pytest.raises(Exception, match="ends before it starts"):
        make_many(alice, mixed_agencies, date_from=date(2025, 6, 1), date_to=date(2025, 1, 1))
    assert not RecordsRequest.objects.exists() and not RequestEvent.objects.exists()
    assert tracking_allocate(year=2026) == "RR-2026-0001"  # no reference was used up


def test_no_agencies_make_no_requests(alice):
    assert make_many(alice, []) == []
    assert tracking_allocate_many(year=2026, count=0) == []
    assert tracking_allocate(year=2026) == "RR-2026-0001"


def test_a_block_of_references_follows_single_ones_and_never_overlaps():
    assert tracking_allocate(year=2026) == "RR-2026-0001"
    assert tracking_allocate_many(year=2026, count=3) == ["RR-2026-0002", "RR-2026-0003", "RR-2026-0004"]
    assert tracking_allocate(year=2026) == "RR-2026-0005"
    assert tracking_allocate_many(year=2027, count=2) == ["RR-2027-0001", "RR-2027-0002"]
