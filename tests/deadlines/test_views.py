from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from requests_app.deadlines.models import Notification, Reminder, RequestClock, Watch
from requests_app.workflow.reminders import scan
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def texas(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=date(2026, 11, 25))
    return request


def board_on(moment: str, user):
    from django.test import Client

    with time_machine.travel(moment, tick=False):
        client = Client()
        client.force_login(user)
        return client.get(reverse("deadlines")).context["board"]


def test_the_board_lists_what_is_due_this_week(alice, texas):
    board = board_on("2026-12-09 10:00 -05:00", alice.user)
    assert [c.request for c in board["due_soon"]] == [texas] and board["overdue"] == []


def test_the_board_lists_overdue_requests(alice, texas):
    board = board_on("2026-12-15 10:00 -05:00", alice.user)
    assert [c.request for c in board["overdue"]] == [texas]


def test_the_board_shows_only_the_organizations_requests(bob_client, texas):
    board = bob_client.get(reverse("deadlines")).context["board"]
    assert all(not entries for entries in board.values())


def test_the_request_page_shows_the_due_date_and_its_explanation(alice_client, texas):
    body = alice_client.get(reverse("request-detail", args=[texas.pk])).content.decode()
    assert "Fri 11 Dec 2026" in body and "Friday After Thanksgiving" in body


def test_logging_an_extension_moves_the_due_date(alice_client, texas):
    alice_client.post(reverse("log-extension", args=[texas.pk]), {"agency_date": "2027-01-02"})
    assert RequestClock.objects.get(request=texas).response_due == date(2027, 1, 4)


def test_a_personal_reminder_and_a_watch_can_be_set(alice_client, alice, texas):
    alice_client.post(reverse("remind-me", args=[texas.pk]), {"on": "2099-01-05", "note": "check portal"})
    assert Reminder.objects.get(kind="personal").recipient == alice.user
    alice_client.post(reverse("toggle-watch", args=[texas.pk]))
    assert Watch.objects.filter(request=texas, user=alice.user).exists()


def test_another_organization_cannot_touch_the_clock(bob_client, texas):
    for name, data in [("log-extension", {"agency_date": "2027-02-01"}), ("remind-me", {"on": "2099-01-05"}),
                       ("toggle-watch", {})]:
        assert bob_client.post(reverse(name, args=[texas.pk]), data).status_code == 404
    assert RequestClock.objects.get(request=texas).response_due == date(2026, 12, 11)
    assert not Reminder.objects.filter(kind="personal").exists() and not Watch.objects.exists()


def test_notifications_list_the_users_reminders(alice_client, texas):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    scan(now=datetime(2026, 12, 8, 9, tzinfo=ZoneInfo("America/New_York")), send_inline=True)
    page = alice_client.get(reverse("notifications"))
    assert [n.request for n in page.context["items"]] == [texas]
    alice_client.post(reverse("notifications"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_user_chooses_a_daily_digest(alice_client, alice):
    from requests_app.deadlines.models import ReminderPreference

    alice_client.post(reverse("notifications"), {"delivery": "digest"})
    assert ReminderPreference.objects.get(user=alice.user).delivery == "digest"
