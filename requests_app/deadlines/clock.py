"""Keeps a request's statutory clock: starts it, extends, pauses, resumes, and sets the
appeal window, each change stored with the engine's explanation. A change returns what it
implies beyond the clock (ClockOutcome); acting on that is the workflow's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from requests_app.deadlines import engine
from requests_app.deadlines.models import DeadlineChange, RequestClock
from requests_app.deadlines.rules import (
    calendar_of,
    clock_notes,
    response_due,
    rule_for,
    runs_from_acknowledgment,
    statutory_dates,
)
from requests_app.deadlines.scheduling import sync_reminders
from requests_app.laws.models import StatutoryDeadline
from requests_app.records.models import WAITING_ON_US, RecordsRequest, Status
from requests_app.teams.models import User

PAUSING = WAITING_ON_US
DENIALS = {Status.DENIED}


class ClockError(ValueError):
    pass


@dataclass(frozen=True)
class ClockOutcome:
    """What a status move did to the clock that matters beyond it: ``appeal_opened_on`` is
    the day a denial opened the appeal window (an appeal letter is then due to be drafted)."""

    appeal_opened_on: date | None = None


def _law(request: RecordsRequest):
    law = request.agency.jurisdiction.governing_law()
    if law is None:
        raise ClockError(f"No law is recorded for {request.agency.jurisdiction}; its deadlines cannot be computed.")
    return law


def _record(clock: RequestClock, event: str, on: date, explanation: str, user: User | None) -> RequestClock:
    clock.explanation = explanation
    clock.save()
    sync_reminders(clock)
    DeadlineChange.objects.create(
        request=clock.request, event=event, effective_on=on, response_due=clock.response_due,
        appeal_due=clock.appeal_due, follow_up_on=clock.follow_up_on, explanation=explanation, changed_by=user,
    )
    return clock


def _follow_up(clock: RequestClock) -> engine.Result:
    return engine.follow_up_date(
        received=clock.received_on, due=clock.response_due, last_follow_up=clock.last_follow_up_on,
        calendar=calendar_of(clock),
    )


@transaction.atomic
def clock_start(*, request: RecordsRequest, received_on: date, user: User | None,
                via: str | None = None) -> RequestClock:
    """Starts (or restarts, if the receipt date is corrected) the response clock.
    ``received_on`` is the day the request was sent or delivered; the law may count it as
    received later (Michigan: an emailed request, one business day later)."""
    law = _law(request)
    clock = RequestClock.objects.filter(request=request).first() or RequestClock(request=request)
    calendar = calendar_of(clock)
    dates = statutory_dates(law, sent_on=received_on, via=request.sent_via if via is None else via, calendar=calendar)
    acknowledgment = dates.acknowledgment
    for field, value in {"organization_id": request.organization_id, "request_status": request.status,
                         "sent_on": received_on, "received_on": dates.receipt.on, "day_type": rule_for(law).day_type,
                         "response_due": dates.response.due, "acknowledged_on": None,
                         "acknowledgment_due": acknowledgment.due if acknowledgment else None,
                         "paused_on": None, "remaining_days": None, "appeal_due": None}.items():
        setattr(clock, field, value)
    follow_up = _follow_up(clock)
    clock.follow_up_on = follow_up.due
    # Where the response runs from the acknowledgment, the response's account already
    # counts the acknowledgment's days.
    shown_ack = acknowledgment.explanation if acknowledgment and not runs_from_acknowledgment(law) else ""
    parts = [dates.receipt.explanation, dates.response.explanation, shown_ack,
             clock_notes(law, calendar, around=dates.receipt.on), follow_up.explanation]
    return _record(clock, DeadlineChange.Event.RECEIVED, received_on, " ".join(filter(None, parts)), user)


@transaction.atomic
def clock_acknowledged(*, request: RecordsRequest, on: date, user: User | None) -> RequestClock | None:
    """Records the agency's acknowledgment. Where the response clock runs from it (New York),
    the due date is counted again from ``on``; otherwise only the date is kept."""
    clock = RequestClock.objects.select_for_update().select_related("request__agency__jurisdiction").filter(
        request=request).first()
    if clock is None or clock.acknowledged_on is not None:
        return clock
    clock.acknowledged_on = on
    law = _law(request)
    if not runs_from_acknowledgment(law) or clock.paused_on is not None:
        clock.save(update_fields=["acknowledged_on", "updated_at"])
        return clock
    calendar = calendar_of(clock)
    result = response_due(law, received_on=clock.received_on, acknowledged_on=on, calendar=calendar)
    clock.response_due = result.due
    clock.follow_up_on = _follow_up(clock).due
    text = " ".join(filter(None, [result.explanation, clock_notes(law, calendar, around=on)]))
    return _record(clock, DeadlineChange.Event.ACKNOWLEDGED, on, text, user)


@transaction.atomic
def clock_set_agency_closed_days(*, request: RecordsRequest, days: dict[date, str], user: User | None) -> RequestClock:
    """Enters the days the agency itself is closed (Texas: optional holidays its officer for
    public information observes, and up to 10 designated non-business days a year, Gov't
    Code § 552.0031) and counts the response deadline again from the same start."""
    clock = _clock(request)
    clock.agency_closed_days = [{"date": d.isoformat(), "reason": why} for d, why in sorted(days.items())]
    law = _law(request)
    calendar = calendar_of(clock)
    if clock.paused_on is not None or clock.response_due is None or _was_extended(clock):
        clock.save(update_fields=["agency_closed_days", "updated_at"])
        return _record(clock, DeadlineChange.Event.CALENDAR_CHANGED, clock.received_on,
                       f"The agency's own closed days were entered; they count from the next change of the clock. "
                       f"{clock_notes(law, calendar, around=clock.received_on)}", user)
    result = response_due(law, received_on=clock.received_on, acknowledged_on=clock.acknowledged_on, calendar=calendar)
    clock.response_due = result.due
    clock.follow_up_on = _follow_up(clock).due
    text = " ".join(filter(None, [result.explanation, clock_notes(law, calendar, around=clock.received_on)]))
    return _record(clock, DeadlineChange.Event.CALENDAR_CHANGED, clock.received_on, text, user)


def _was_extended(clock: RequestClock) -> bool:
    return DeadlineChange.objects.filter(request_id=clock.request_id, event=DeadlineChange.Event.EXTENDED).exists()


def _clock(request: RecordsRequest) -> RequestClock:
    try:
        return RequestClock.objects.select_for_update().select_related("request__agency__jurisdiction").get(request=request)
    except RequestClock.DoesNotExist:
        raise ClockError(f"{request.tracking} has not been sent, so its clock has not started.") from None


@transaction.atomic
def clock_extend(*, request: RecordsRequest, on: date, agency_date: date | None, user: User | None) -> RequestClock:
    clock = _clock(request)
    if clock.response_due is None and agency_date is None:
        raise ClockError("The law sets no fixed deadline; give the date the agency named.")
    law = _law(request)
    rule = rule_for(law, StatutoryDeadline.Kind.EXTENSION) or engine.Rule(None, engine.NONE, law.name, law.citation)
    original = clock.response_due or agency_date
    result = engine.extended_due(rule, original, calendar_of(clock), agency_date=agency_date)
    clock.response_due = result.due
    clock.follow_up_on = _follow_up(clock).due
    return _record(clock, DeadlineChange.Event.EXTENDED, on, result.explanation, user)


@transaction.atomic
def clock_pause(*, request: RecordsRequest, on: date, user: User | None, why: str) -> RequestClock:
    clock = _clock(request)
    if clock.paused_on is not None:
        return clock
    calendar = calendar_of(clock)
    clock.paused_on = on
    if clock.response_due is not None:
        clock.remaining_days = engine.remaining_days(clock.day_type, clock.response_due, on, calendar)
        text = (f"The clock stopped on {engine.long_date(on)} ({why}) with {clock.remaining_days} "
                f"{'business' if clock.day_type == engine.BUSINESS else 'calendar'} days left before "
                f"{engine.long_date(clock.response_due)}.")
    else:
        text = f"The clock stopped on {engine.long_date(on)} ({why}); the law sets no fixed deadline."
    clock.follow_up_on = None
    return _record(clock, DeadlineChange.Event.PAUSED, on, text, user)


@transaction.atomic
def clock_resume(*, request: RecordsRequest, on: date, user: User | None) -> RequestClock:
    clock = _clock(request)
    if clock.paused_on is None:
        return clock
    calendar = calendar_of(clock)
    if clock.remaining_days is not None:
        result = engine.resumed_due(clock.day_type, clock.remaining_days, clock.paused_on, on, calendar)
        clock.response_due, text = result.due, result.explanation
    else:
        text = f"The clock restarted on {engine.long_date(on)}."
    clock.paused_on = clock.remaining_days = None
    clock.follow_up_on = _follow_up(clock).due
    return _record(clock, DeadlineChange.Event.RESUMED, on, text, user)


@transaction.atomic
def clock_deny(*, request: RecordsRequest, on: date, user: User | None) -> RequestClock:
    clock = _clock(request)
    law = _law(request)
    result = engine.appeal_deadline(rule_for(law, StatutoryDeadline.Kind.APPEAL), on, calendar_of(clock))
    clock.appeal_due = result.due
    clock.follow_up_on = None
    return _record(clock, DeadlineChange.Event.DENIED, on, f"{result.explanation} Appeal route: {law.appeal_route}", user)


@transaction.atomic
def clock_followed_up(*, request: RecordsRequest, on: date, user: User | None) -> RequestClock:
    clock = _clock(request)
    clock.last_follow_up_on = on
    result = _follow_up(clock)
    clock.follow_up_on = result.due
    return _record(clock, DeadlineChange.Event.FOLLOWED_UP, on, result.explanation, user)


def clock_after_transition(
    *, request: RecordsRequest, from_status: str, to_status: str, on: date, user: User | None,
) -> ClockOutcome:
    """What a status move does to the clock and its reminders (called by the workflow in the
    move's transaction, with ``request`` already in its new status)."""
    if to_status == Status.SUBMITTED and from_status == Status.DRAFT:
        clock_start(request=request, received_on=on, user=user)
        return ClockOutcome()
    if to_status == Status.ACKNOWLEDGED:
        clock_acknowledged(request=request, on=on, user=user)
    RequestClock.objects.filter(request=request).update(request_status=to_status)
    clock = RequestClock.objects.filter(request=request).select_related("request__agency__jurisdiction").first()
    if clock is None:
        return ClockOutcome()
    if to_status in PAUSING and from_status not in PAUSING:
        clock_pause(request=request, on=on, user=user, why=Status(to_status).label.lower())
        return ClockOutcome()
    if from_status in PAUSING and to_status not in PAUSING:
        clock_resume(request=request, on=on, user=user)
    if to_status in DENIALS:
        clock_deny(request=request, on=on, user=user)
        return ClockOutcome(appeal_opened_on=on)
    if from_status not in PAUSING:
        clock.request.status = to_status
        sync_reminders(clock)
    return ClockOutcome()
