"""An iCalendar (RFC 5545) feed of a user's deadlines, written by hand: all-day events
with an alarm the day before."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse

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
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//recordsreq//deadlines//EN", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:Records request deadlines"]
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    for event in events:
        lines += [
            "BEGIN:VEVENT", f"UID:{event.uid}@recordsreq", f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}", f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(event.summary)}", f"DESCRIPTION:{_escape(event.description)}", f"URL:{event.url}",
            "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P1D", f"DESCRIPTION:{_escape(event.summary)}", "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    data, parts = line.encode("utf-8"), []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while cut and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return "\r\n ".join(p.decode("utf-8") for p in parts)
