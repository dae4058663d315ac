"""Which reminders a request's clock calls for, kept in the database ahead of time.

Whenever a clock changes (sent, extended, paused, resumed, denied, followed up, or the
request moves in its lifecycle) its reminders are brought in line: the ones the new dates
call for exist and are pending, the others are marked skipped. The scan then only has to
pick up what is due, whatever the number of requests.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from requests_app.deadlines import engine
from requests_app.deadlines.calendars import BusinessCalendar
from requests_app.deadlines.models import Reminder, RequestClock
from requests_app.deadlines.rules import calendar_of
from requests_app.records.models import AWAITING_ANSWER, Status

K = Reminder.Kind
CLOCK_KINDS = (K.DUE_SOON, K.DUE_TODAY, K.OVERDUE, K.FOLLOW_UP_DUE, K.APPEAL_WINDOW_CLOSING)


def subtract_business_days(day: date, days: int, calendar: BusinessCalendar) -> date:
    while days > 0:
        day -= timedelta(days=1)
        days -= calendar.is_business_day(day)
    return day


def wanted(clock: RequestClock, status: str, calendar: BusinessCalendar) -> set[tuple[str, date]]:
    """(kind, target date) of every reminder the clock calls for. Pure."""
    targets: set[tuple[str, date]] = set()
    awaiting = status in AWAITING_ANSWER and clock.paused_on is None
    if awaiting and clock.response_due:
        due = clock.response_due
        targets |= {
            (K.DUE_SOON, subtract_business_days(due, settings.REMINDER_DUE_SOON_LEAD, calendar)),
            (K.DUE_TODAY, due),
            (K.OVERDUE, engine.add_business_days(due, 1, calendar)[0]),
        }
    if awaiting and clock.follow_up_on:
        targets.add((K.FOLLOW_UP_DUE, clock.follow_up_on))
    if status == Status.DENIED and clock.appeal_due:
        targets.add((K.APPEAL_WINDOW_CLOSING,
                     subtract_business_days(clock.appeal_due, settings.REMINDER_APPEAL_LEAD, calendar)))
    return targets


def reminders_for(clock: RequestClock, status: str) -> list[Reminder]:
    calendar = calendar_of(clock)
    return [Reminder(request_id=clock.request_id, kind=kind, target_date=target)
            for kind, target in sorted(wanted(clock, status, calendar))]


def sync_reminders(clock: RequestClock) -> None:
    """Brings the request's pending clock reminders in line with the clock."""
    targets = {(r.kind, r.target_date) for r in reminders_for(clock, clock.request.status)}
    pending = Reminder.objects.filter(request_id=clock.request_id, kind__in=CLOCK_KINDS, sent_at__isnull=True)
    for reminder in pending:
        keep = (reminder.kind, reminder.target_date) in targets
        if reminder.skipped == keep:
            Reminder.objects.filter(pk=reminder.pk).update(skipped=not keep)
    Reminder.objects.bulk_create(
        [Reminder(request_id=clock.request_id, kind=k, target_date=t) for k, t in targets], ignore_conflicts=True)
    if not clock.reminders_scheduled:
        RequestClock.objects.filter(pk=clock.pk).update(reminders_scheduled=True)
        clock.reminders_scheduled = True
