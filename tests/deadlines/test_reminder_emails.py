"""Every reminder email goes out claimed, with no transaction open, and is recorded after;
a follow-up letter is drafted in a step of its own. A failure or a dead worker at any step
leaves data the next scan finishes, and no email is ever sent twice."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from requests_app.deadlines import reminders
from requests_app.deadlines.models import Notification, Reminder, ReminderPreference, Watch
from requests_app.letters.models import FollowUpLetter
from tests.deadlines.test_reminders import D, at, sent_texas_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class InTransaction(EmailBackend):
    """The test outbox, noting whether a database transaction was open at each send."""

    atomic: list[bool] = []

    def send_messages(self, messages):
        InTransaction.atomic.append(connection.in_atomic_block)
        return super().send_messages(messages)


class Refusing(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


@pytest.fixture
def watched_outbox(settings):
    settings.EMAIL_BACKEND = f"{__name__}.InTransaction"
    InTransaction.atomic = []
    return InTransaction.atomic


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_reminder_or_digest_email_is_sent_inside_a_transaction(alice, watched_outbox):
    request = sent_texas_request(alice)
    digest = UserFactory()
    Watch.objects.create(request=request, user=digest)
    ReminderPreference.objects.create(user=digest, delivery="digest")
    for day in (D(2026, 12, 8), D(2026, 12, 14)):  # due soon; overdue and follow-up, with its letter
        reminders.scan(now=at(day), send_inline=True)
    assert reminders.send_digests(now=at(D(2026, 12, 15), 7)) == 1
    assert len(mail.outbox) == 4 and watched_outbox == [False] * 4
    assert FollowUpLetter.objects.filter(request=request).exists()


def test_a_follow_up_that_cannot_be_drafted_never_sends_the_reminder_again(alice, monkeypatch):
    sent_texas_request(alice)

    def broken(**kwargs):
        raise RuntimeError("the letter template is broken")

    monkeypatch.setattr("requests_app.letters.follow_ups.draft_follow_up", broken)
    first = reminders.scan(now=at(D(2026, 12, 14)), send_inline=True)
    assert sorted(s["kind"] for s in first.sent) == ["followup_due", "overdue"]
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(kind__in=["overdue", "followup_due"], sent_at__isnull=False,
                                   follow_up_drafted_at__isnull=True).count() == 2
    monkeypatch.undo()
    later = reminders.scan(now=at(D(2026, 12, 14), 10), send_inline=True)
    assert later.sent == [] and later.finished == 2 and len(mail.outbox) == 2
    assert FollowUpLetter.objects.filter(kind="follow_up").count() == 1  # one letter for the day, not two
    assert not Reminder.objects.filter(kind__in=["overdue", "followup_due"], follow_up_drafted_at__isnull=True).exists()


def test_an_email_a_dead_worker_never_sent_goes_with_the_next_scan_once(alice):
    sent_texas_request(alice)
    token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))
    reminders._record(ids[0], token, now=at(D(2026, 12, 8)))  # recorded; the worker died before emailing
    assert Notification.objects.get().emailed_at is None and not mail.outbox
    assert reminders.scan(now=at(D(2026, 12, 8), 9) + timedelta(minutes=1), send_inline=True).finished == 0
    assert not mail.outbox, "a live worker's emails are left to it for a few minutes"
    assert reminders.scan(now=at(D(2026, 12, 8), 9) + timedelta(minutes=6), send_inline=True).finished == 1
    reminders.scan(now=at(D(2026, 12, 8), 11), send_inline=True)
    assert len(mail.outbox) == 1 and Notification.objects.get().emailed_at is not None


def test_an_email_claimed_by_a_live_worker_is_not_sent_by_another(alice):
    sent_texas_request(alice)
    token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))
    reminders._record(ids[0], token, now=at(D(2026, 12, 8)))
    notification = Notification.objects.get()
    assert reminders._claim_email(Notification.objects.filter(pk=notification.pk), now=at(D(2026, 12, 8)))
    assert reminders._email(notification, now=at(D(2026, 12, 8)) + timedelta(minutes=10)) == 0
    assert reminders._email(notification, now=at(D(2026, 12, 8)) + timedelta(minutes=16)) == 1  # its claim expired
    assert len(mail.outbox) == 1


def test_a_refused_email_is_tried_again_once_its_claim_expires(alice, settings):
    sent_texas_request(alice)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    report = reminders.scan(now=at(D(2026, 12, 8)), send_inline=True)
    assert [s["emails"] for s in report.sent] == [0]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.scan(now=at(D(2026, 12, 8)) + timedelta(minutes=10), send_inline=True).finished == 0
    assert reminders.scan(now=at(D(2026, 12, 8)) + timedelta(minutes=16), send_inline=True).finished == 1
    assert len(mail.outbox) == 1


def test_a_refused_digest_keeps_its_notifications_for_the_next_one(alice, settings):
    request = sent_texas_request(alice)
    ReminderPreference.objects.create(user=alice.user, delivery="digest")
    reminders.scan(now=at(D(2026, 12, 8)), send_inline=True)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    assert reminders.send_digests(now=at(D(2026, 12, 9), 7)) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_digests(now=at(D(2026, 12, 9), 7) + timedelta(minutes=5)) == 0  # still claimed
    assert reminders.send_digests(now=at(D(2026, 12, 10), 7)) == 1
    assert len(mail.outbox) == 1 and request.tracking in mail.outbox[0].body
    assert reminders.send_digests(now=at(D(2026, 12, 11), 7)) == 0 and len(mail.outbox) == 1
