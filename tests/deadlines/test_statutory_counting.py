"""Counting rules a statute adds to the arithmetic, through the real clock: New York's
response runs from the acknowledgment, Michigan's emailed request is received a business
day after it is sent, Texas agencies' own closed days, Kansas's federal holidays,
Pennsylvania's open-records officer. Dates worked out by hand on each state's calendar."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from requests_app.deadlines.clock import clock_start
from requests_app.deadlines.engine import add_business_days
from requests_app.deadlines.models import DeadlineChange, RequestClock
from requests_app.deadlines.rules import calendar_for
from requests_app.letters.services import letter_finalise
from requests_app.records.models import Status
from requests_app.workflow.sending import request_mark_submitted, request_queue_email
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_dates(time_machine):
    """The requests here were sent in late 2026; the app refuses a submission dated ahead."""
    time_machine.move_to("2027-02-01T12:00:00Z")


def _sent(alice, code: str, on: date, **agency):
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state(code), **agency), today=on)
    letter_finalise(request=request, user=alice.user, today=on, acknowledge_residency=True)
    request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=on)
    return request, RequestClock.objects.get(request=request)


def test_new_york_projects_from_the_acknowledgment_due_then_counts_from_the_real_one(alice):
    # Mailed Monday 16 November 2026: acknowledgment due Monday 23 November (5 business days).
    # Until one comes: 20 business days from 23 November, over Thanksgiving (26 November; NY
    # offices open the Friday) = Tuesday 22 December.
    request, clock = _sent(alice, "NY", date(2026, 11, 16))
    assert (clock.acknowledgment_due, clock.response_due) == (date(2026, 11, 23), date(2026, 12, 22))
    assert "runs from the acknowledgment" in clock.explanation
    # Acknowledged Thursday 19 November: 20 business days from it = Friday 18 December.
    request_transition(request=request, to_status=Status.ACKNOWLEDGED, user=alice.user, on=date(2026, 11, 19))
    clock.refresh_from_db()
    assert (clock.acknowledged_on, clock.response_due) == (date(2026, 11, 19), date(2026, 12, 18))
    change = request.deadline_changes.latest("pk")
    assert change.event == DeadlineChange.Event.ACKNOWLEDGED
    assert change.explanation.startswith("Acknowledged Thursday 19 November 2026 (day 0).")


def test_elsewhere_an_acknowledgment_moves_nothing(alice):
    request, clock = _sent(alice, "WA", date(2026, 11, 16))
    due = clock.response_due
    request_transition(request=request, to_status=Status.ACKNOWLEDGED, user=alice.user, on=date(2026, 11, 18))
    clock.refresh_from_db()
    assert clock.acknowledged_on == date(2026, 11, 18) and clock.response_due == due


def test_michigan_counts_an_emailed_request_from_the_next_business_day(alice):
    # Emailed Wednesday 25 November 2026: Thanksgiving and the Friday after are Michigan state
    # holidays, so it is received Monday 30 November; 5 business days = Monday 7 December.
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("MI")))
    clock = clock_start(request=request, received_on=date(2026, 11, 25), user=alice.user, via="email")
    assert (clock.sent_on, clock.received_on, clock.response_due) == (
        date(2026, 11, 25), date(2026, 11, 30), date(2026, 12, 7))
    assert "15.235" in clock.explanation and "received 1 business day later" in clock.explanation
    # A portal's web form is an "other electronic transmission" too.
    portal = clock_start(request=request, received_on=date(2026, 11, 25), user=alice.user, via="portal")
    assert (portal.received_on, portal.response_due) == (date(2026, 11, 30), date(2026, 12, 7))
    assert portal.explanation.startswith("Submitted through the records portal on Wednesday 25 November 2026")
    # Mailed the same day: received that day, due Friday 4 December.
    mailed = clock_start(request=request, received_on=date(2026, 11, 25), user=alice.user, via="mail")
    assert (mailed.received_on, mailed.response_due) == (date(2026, 11, 25), date(2026, 12, 4))


def test_the_app_sending_the_email_starts_michigans_clock_a_business_day_later(alice, django_capture_on_commit_callbacks):
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("MI"), records_email="foia@mi.example.gov"))
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 27))
    with django_capture_on_commit_callbacks(execute=True):
        request_queue_email(request=request, user=alice.user)
    clock = RequestClock.objects.get(request=request)
    expected, _ = add_business_days(clock.sent_on, 1, calendar_for(state("MI")))
    assert clock.received_on == expected


def test_a_texas_agencys_designated_days_are_not_counted(alice, alice_client):
    # Mailed Monday 14 December 2026: 10 business days over 24 and 25 December (state
    # holidays) = Wednesday 30 December.
    request, clock = _sent(alice, "TX", date(2026, 12, 14))
    assert clock.response_due == date(2026, 12, 30)
    response = alice_client.post(reverse("agency-closed-days", args=[request.pk]), {
        "designated_days": "2026-12-28 Offices closed\n2026-12-29",
        "optional_holidays": "",
    }, follow=True)
    assert response.status_code == 200
    clock.refresh_from_db()
    # 28 and 29 December are the agency's own: 30, 31 December, (1 January closed), 4 January.
    assert clock.response_due == date(2027, 1, 4)
    assert "Monday 28 December 2026 (designated non-business day: Offices closed)" in clock.explanation
    assert request.deadline_changes.latest("pk").event == DeadlineChange.Event.CALENDAR_CHANGED
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "2026-12-28 Offices closed\n2026-12-29</textarea>" in page, "the saved days fill the form again"


def test_more_than_ten_designated_days_a_year_are_refused_and_nothing_changes(alice, alice_client):
    request, clock = _sent(alice, "TX", date(2026, 12, 14))
    days = "\n".join(f"2026-12-{d:02d}" for d in range(15, 26))
    response = alice_client.post(reverse("agency-closed-days", args=[request.pk]), {"designated_days": days},
                                 follow=True)
    assert "At most 10 designated days a year" in response.content.decode()
    clock.refresh_from_db()
    assert clock.agency_closed_days == [] and clock.response_due == date(2026, 12, 30)


def test_a_bad_date_line_is_explained(alice, alice_client):
    request, _ = _sent(alice, "TX", date(2026, 12, 14))
    response = alice_client.post(reverse("agency-closed-days", args=[request.pk]),
                                 {"designated_days": "28/12/2026 closed"}, follow=True)
    assert "Line 1: &#x27;28/12/2026&#x27; is not a date" in response.content.decode()


def test_only_a_law_that_allows_them_takes_an_agencys_own_closed_days(alice, alice_client):
    request, clock = _sent(alice, "WA", date(2026, 12, 14))
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "The agency's own closed days" not in page
    response = alice_client.post(reverse("agency-closed-days", args=[request.pk]),
                                 {"designated_days": "2026-12-28"}, follow=True)
    assert "gives an agency no closed days of its own" in response.content.decode()


def test_kansas_skips_federal_holidays_on_which_state_offices_open(alice):
    # Mailed Friday 9 October 2026; Monday 12 October is Columbus Day, a federal holiday, and
    # K.S.A. 45-217(a) excludes days Congress designates: 13, 14, 15 October = Thursday 15 October.
    _, clock = _sent(alice, "KS", date(2026, 10, 9))
    assert clock.response_due == date(2026, 10, 15)
    assert "Columbus Day (federal)" in clock.explanation


def test_pennsylvania_says_the_clock_runs_from_the_open_records_officers_receipt(alice):
    _, clock = _sent(alice, "PA", date(2026, 12, 14))
    assert "open-records officer" in clock.explanation.lower()


def test_an_unverified_deadline_says_so_in_its_explanation(alice):
    from requests_app.laws.models import StatutoryDeadline

    StatutoryDeadline.objects.filter(law__jurisdiction__code="WA", kind="response").update(status="unverified")
    _, clock = _sent(alice, "WA", date(2026, 12, 14))
    assert "This deadline is unverified" in clock.explanation


def test_a_year_the_data_does_not_cover_is_called_projected(alice):
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("WA")))
    clock = clock_start(request=request, received_on=date(2028, 3, 6), user=alice.user, via="mail")
    assert "The closed days of 2028 have not been reviewed" in clock.explanation
