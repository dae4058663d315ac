"""The clock of a real request as it moves through the lifecycle."""

from __future__ import annotations

from datetime import date

import pytest

from requests_app.deadlines.clock import ClockError, clock_extend
from requests_app.deadlines.models import DeadlineChange, RequestClock
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def texas_request(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
    return request


def clock(request) -> RequestClock:
    return RequestClock.objects.get(request=request)


def test_sending_starts_the_clock_with_its_explanation(texas_request):
    c = clock(texas_request)
    assert (c.received_on, c.response_due, c.follow_up_on) == (D(2026, 11, 25), D(2026, 12, 11), D(2026, 12, 14))
    change = DeadlineChange.objects.get(request=texas_request)
    assert change.event == "received" and "Friday After Thanksgiving" in change.explanation


def test_asking_for_clarification_pauses_and_answering_resumes_with_the_days_left(texas_request, alice):
    request_transition(request=texas_request, to_status="needs_clarification", user=alice.user, on=D(2026, 12, 2))
    paused = clock(texas_request)
    assert (paused.paused_on, paused.remaining_days, paused.follow_up_on) == (D(2026, 12, 2), 7, None)
    request_transition(request=texas_request, to_status="processing", user=alice.user, on=D(2026, 12, 21))
    resumed = clock(texas_request)
    assert (resumed.paused_on, resumed.response_due) == (None, D(2027, 1, 4))
    events = list(DeadlineChange.objects.filter(request=texas_request).values_list("event", flat=True))
    assert events == ["received", "paused", "resumed"]


def test_a_fee_request_also_pauses_the_clock(texas_request, alice):
    request_transition(request=texas_request, to_status="fee_requested", user=alice.user, on=D(2026, 12, 2))
    assert clock(texas_request).paused_on == D(2026, 12, 2)


def test_an_extension_to_a_named_date_moves_the_due_date(texas_request, alice):
    clock_extend(request=texas_request, on=D(2026, 12, 10), agency_date=D(2027, 1, 2), user=alice.user)
    c = clock(texas_request)
    assert c.response_due == D(2027, 1, 4) and "extended the deadline" in c.explanation


def test_a_statutory_extension_counts_from_the_original_due_date(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("PA")), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
    clock_extend(request=request, on=D(2026, 12, 3), agency_date=None, user=alice.user)
    assert clock(request).response_due == D(2027, 1, 4)


def test_a_denial_opens_the_appeal_window_where_the_law_sets_one(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("US"), kind="federal"), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 2))
    request_transition(request=request, to_status="denied", user=alice.user, on=D(2026, 12, 1))
    c = clock(request)
    assert c.appeal_due == D(2027, 3, 1) and "Appeal route:" in c.explanation


def test_an_extension_before_sending_is_refused(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    with pytest.raises(ClockError, match="has not been sent"):
        clock_extend(request=request, on=D(2026, 12, 1), agency_date=D(2026, 12, 20), user=alice.user)


def test_the_clock_keeps_the_requests_organization_and_status_through_every_move(texas_request, alice):
    """The dashboard reads these copies instead of joining to the request: each move updates them."""
    path = ["acknowledged", "needs_clarification", "processing", "fee_requested", "partially_fulfilled", "denied",
            "appealed", "processing", "fulfilled"]
    for n, status in enumerate(path):
        request_transition(request=texas_request, to_status=status, user=alice.user, on=D(2026, 12, 1 + n))
        c = clock(texas_request)
        assert (c.organization_id, c.request_status) == (alice.organization.pk, status)
    texas_request.refresh_from_db()
    assert texas_request.status == clock(texas_request).request_status
