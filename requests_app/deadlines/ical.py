"""An iCalendar (RFC 5545) feed of a user's deadlines, written with the icalendar library."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

from requests_app.deadlines.models import CalendarFeed, RequestClock
from requests_app.records.models import AWAITING_ANSWER, Status
from requests_app.teams.models import User


@dataclass(frozen=True)
class Event:
    uid: str
    day: date
    summary: str
    description: str
    url: str


def feed_reset(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.update_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return feed


def feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def events_for(user: User) -> list[Event]:
    clocks = RequestClock.objects.filter(request__organization__memberships__user=user).select_related(
        "request__agency")
    events: list[Event] = []
    for clock in clocks:
        request = clock.request
        url = settings.SITE_URL.rstrip("/") + reverse("request-detail", args=[request.pk])
        where = f"{request.tracking} {request.agency.name}"
        if request.status in AWAITING_ANSWER and clock.paused_on is None:
            if clock.response_due:
                events.append(Event(f"due-{request.pk}", clock.response_due, f"Response due: {where}", clock.explanation, url))
            if clock.acknowledgment_due:
                events.append(Event(f"ack-{request.pk}", clock.acknowledgment_due, f"Acknowledgment due: {where}", "", url))
        if request.status == Status.DENIED and clock.appeal_due:
            events.append(Event(f"appeal-{request.pk}", clock.appeal_due, f"Appeal deadline: {where}", "", url))
    return events


def calendar_text(events: Iterable[Event], *, now: datetime) -> str:
    """The feed: all-day events with an alarm the day before, folded and escaped as RFC 5545 says."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//recordsreq//deadlines//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Records request deadlines")
    for event in events:
        calendar.add_component(_vevent(event, now=now))
    return calendar.to_ical().decode("utf-8")


def _vevent(event: Event, *, now: datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", f"{event.uid}@recordsreq")
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("dtstart", event.day)
    vevent.add("dtend", event.day + timedelta(days=1))
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    vevent.add("url", event.url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    alarm.add("description", event.summary)
    vevent.add_component(alarm)
    return vevent
