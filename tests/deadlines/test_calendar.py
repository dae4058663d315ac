from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from requests_app.deadlines.ical import _escape, feed_reset
from requests_app.deadlines.models import CalendarFeed, RequestClock
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


def sent(alice, code, on=date(2026, 11, 25)):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state(code)), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=on)
    return request


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_the_feed_lists_due_acknowledgment_and_appeal_dates_with_alarms(client, alice):
    texas = sent(alice, "TX")
    new_mexico = sent(alice, "NM")
    federal = sent(alice, "US", on=date(2026, 11, 2))
    request_transition(request=federal, to_status="denied", user=alice.user, on=date(2026, 12, 1))
    feed = feed_reset(user=alice.user)
    response = client.get(reverse("calendar-feed", args=[feed.token]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = unfold(response.content.decode())
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"SUMMARY:Response due: {texas.tracking}" in body and "DTSTART;VALUE=DATE:20261211" in body
    assert f"SUMMARY:Acknowledgment due: {new_mexico.tracking}" in body
    # New Mexico: 3 business days; it closes 26 and 27 November, so 30 Nov, 1 and 2 December.
    assert RequestClock.objects.get(request=new_mexico).acknowledgment_due == date(2026, 12, 2)
    assert f"SUMMARY:Appeal deadline: {federal.tracking}" in body and "DTSTART;VALUE=DATE:20270301" in body
    assert body.count("TRIGGER:-P1D") == body.count("BEGIN:VEVENT") == 4
    assert all(len(line.encode()) <= 75 for line in response.content.decode().split("\r\n"))


def test_the_feed_shows_only_the_users_organizations(client, alice, bob):
    sent(alice, "TX")
    feed = feed_reset(user=bob.user)
    assert "BEGIN:VEVENT" not in client.get(reverse("calendar-feed", args=[feed.token])).content.decode()


def test_resetting_revokes_the_old_address(client, alice_client, alice):
    old = feed_reset(user=alice.user).token
    alice_client.post(reverse("calendar-settings"), {"action": "reset"})
    new = CalendarFeed.objects.get(user=alice.user).token
    assert new != old
    assert client.get(reverse("calendar-feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[new])).status_code == 200
    alice_client.post(reverse("calendar-settings"), {"action": "revoke"})
    assert client.get(reverse("calendar-feed", args=[new])).status_code == 404


def test_the_settings_page_shows_the_address(alice_client, alice):
    alice_client.post(reverse("calendar-settings"), {"action": "reset"})
    body = alice_client.get(reverse("calendar-settings")).content.decode()
    assert CalendarFeed.objects.get(user=alice.user).token in body


def test_text_is_escaped(client, alice):
    request = sent(alice, "TX")
    request.agency.name = "Agency, with; commas\\and"
    request.agency.save()
    feed = feed_reset(user=alice.user)
    body = unfold(client.get(reverse("calendar-feed", args=[feed.token])).content.decode())
    assert "Agency\\, with\\; commas\\\\and" in body
    assert _escape("two\nlines") == "two\\nlines"
