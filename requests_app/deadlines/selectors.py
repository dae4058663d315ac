from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from requests_app.deadlines.models import DeadlineChange, Reminder, RequestClock
from requests_app.ops.lookups import ConstantIn
from requests_app.records.models import AWAITING_ANSWER, RecordsRequest, Status
from requests_app.teams.models import Organization


@dataclass(frozen=True)
class TimelineEntry:
    on: date  # the day it happened
    recorded_at: datetime  # when it was written down, which may be days later
    kind: str  # "status", "deadline" or "reminder"
    title: str
    detail: str = ""

    @property
    def recorded_later(self) -> bool:
        return self.on != timezone.localdate(self.recorded_at)


def clock_of(request: RecordsRequest) -> RequestClock | None:
    """The request's clock; None until the request is sent."""
    return RequestClock.objects.filter(request=request).first()


def timeline(request: RecordsRequest) -> list[TimelineEntry]:
    """Status moves, deadline changes and reminders sent, oldest first by the day they happened."""
    entries = [
        # A move recorded before its day was kept has only the time it was recorded.
        TimelineEntry(c.effective_on or timezone.localdate(c.changed_at), c.changed_at, "status",
                      f"{c.get_from_status_display()} → {c.get_to_status_display()}",
                      " · ".join(filter(None, [str(c.changed_by or ""), c.reason])))
        for c in request.status_changes.select_related("changed_by")
    ]
    entries += [
        TimelineEntry(c.effective_on, c.changed_at, "deadline", c.get_event_display(), c.explanation)
        for c in DeadlineChange.objects.filter(request=request)
    ]
    entries += [
        TimelineEntry(timezone.localdate(r.sent_at), r.sent_at, "reminder", f"Reminder sent: {r.get_kind_display()}",
                      r.note)
        for r in Reminder.objects.filter(request=request, sent_at__isnull=False)
    ]
    return sorted(entries, key=lambda e: (e.on, e.recorded_at))


def _clocks(organization: Organization) -> QuerySet[RequestClock]:
    return RequestClock.objects.filter(organization=organization).select_related(
        "request__agency__jurisdiction__parent")


def running_clocks(organization: Organization) -> QuerySet[RequestClock]:
    """The clocks of the organization's requests awaiting an answer, not paused. The clock's
    own copies of the organization and status let the clock_org_awaiting_due index answer,
    on SQLite too, as the statuses are written into the SQL (ops.lookups.ConstantIn)."""
    return RequestClock.objects.filter(
        ConstantIn(F("request_status"), AWAITING_ANSWER), organization=organization, paused_on__isnull=True)


def due_board(organization: Organization, today: date) -> dict[str, list[RequestClock]]:
    """The organization's overdue, due-this-week, follow-up and appeal lists."""
    waiting = running_clocks(organization).select_related("request__agency__jurisdiction__parent")
    return {
        "overdue": list(waiting.filter(response_due__lt=today).order_by("response_due")),
        "due_soon": list(waiting.filter(response_due__gte=today, response_due__lte=today + timedelta(days=7))
                         .order_by("response_due")),
        "follow_up": list(waiting.filter(follow_up_on__lte=today).order_by("follow_up_on")),
        "appeal": list(_clocks(organization).filter(request_status=Status.DENIED, appeal_due__gte=today)
                       .order_by("appeal_due")),
        "paused": list(_clocks(organization).filter(paused_on__isnull=False).order_by("paused_on")),
    }
