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
from django.utils import timezone

from requests_app.deadlines import reminders
from requests_app.deadlines.models import Notification, Reminder, ReminderPreference, Watch
from requests_app.letters.models import FollowUpLetter
from requests_app.outbox.services import email_claim, email_deliver, email_sweep
from requests_app.workflow import reminders as scanning
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
        scanning.scan(now=at(day), send_inline=True)
    assert reminders.send_digests(now=at(D(2026, 12, 15), 7)) == 1
    assert len(mail.outbox) == 4 and watched_outbox == [False] * 4
    assert FollowUpLetter.objects.filter(request=request).exists()


def test_a_follow_up_that_cannot_be_drafted_never_sends_the_reminder_again(alice, monkeypatch):
    sent_texas_request(alice)

    def broken(*args, **kwargs):
        raise RuntimeError("the letter template is broken")

    monkeypatch.setattr("requests_app.workflow.reminders.draft_follow_ups", broken)
    first = scanning.scan(now=at(D(2026, 12, 14)), send_inline=True)
    assert sorted(s["kind"] for s in first.sent) == ["followup_due", "overdue"]
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(kind__in=["overdue", "followup_due"], sent_at__isnull=False,
                                   follow_up_drafted_at__isnull=True).count() == 2
    monkeypatch.undo()
    later = scanning.scan(now=at(D(2026, 12, 14), 10), send_inline=True)
    assert later.sent == [] and later.finished == 2 and len(mail.outbox) == 2
    assert FollowUpLetter.objects.filter(kind="follow_up").count() == 1  # one letter for the day, not two
    assert not Reminder.objects.filter(kind__in=["overdue", "followup_due"], follow_up_drafted_at__isnull=True).exists()


def test_an_email_a_dead_worker_never_sent_goes_with_the_outbox_sweep_once(alice):
    sent_texas_request(alice)
    token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))
    reminders.record_reminders(ids[:1], token, now=at(D(2026, 12, 8)))  # recorded; the worker died before emailing
    assert Notification.objects.get().emailed_at is None and not mail.outbox
    assert email_sweep(now=timezone.now() + timedelta(minutes=1))["requeued"] == 0
    assert not mail.outbox, "a live worker's emails are left to it for a few minutes"
    assert email_sweep(now=timezone.now() + timedelta(minutes=6))["requeued"] == 1
    email_sweep(now=timezone.now() + timedelta(minutes=12))
    assert len(mail.outbox) == 1 and Notification.objects.get().emailed_at is not None


def test_an_email_claimed_by_a_live_worker_is_not_sent_by_another(alice):
    sent_texas_request(alice)
    token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))
    reminders.record_reminders(ids[:1], token, now=at(D(2026, 12, 8)))
    email = Notification.objects.get().email
    assert email_claim(email.pk)
    email_deliver(email.pk)
    assert not mail.outbox


def test_an_email_a_killed_worker_left_claimed_is_sent_again_rather_than_lost(alice):
    sent_texas_request(alice)
    token, ids = reminders.claim_due_reminders(at(D(2026, 12, 8)))
    reminders.record_reminders(ids[:1], token, now=at(D(2026, 12, 8)))
    email = Notification.objects.get().email
    assert email_claim(email.pk)  # then killed
    assert email_sweep(now=timezone.now() + timedelta(minutes=10))["interrupted"] == 0
    assert email_sweep(now=timezone.now() + timedelta(minutes=16)) == {"requeued": 1, "interrupted": 1, "expired": 0}
    assert len(mail.outbox) == 1 and Notification.objects.get().emailed_at is not None


def test_a_refused_email_is_tried_again_by_the_sweep(alice, settings):
    sent_texas_request(alice)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    report = scanning.scan(now=at(D(2026, 12, 8)), send_inline=True)
    assert [s["emails"] for s in report.sent] == [0]
    email = Notification.objects.get().email
    email.refresh_from_db()
    assert email.state == "queued" and "SMTPServerDisconnected" in email.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_sweep(now=timezone.now() + timedelta(minutes=6))["requeued"] == 1
    assert len(mail.outbox) == 1 and Notification.objects.get().emailed_at is not None


def test_an_email_not_sent_within_two_days_is_given_up(alice, settings):
    sent_texas_request(alice)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    scanning.scan(now=at(D(2026, 12, 8)), send_inline=True)
    assert email_sweep(now=timezone.now() + timedelta(days=2, minutes=1)) == {
        "requeued": 0, "interrupted": 0, "expired": 1}
    assert Notification.objects.get().email.state == "failed"


def test_a_refused_digest_is_sent_by_the_sweep_and_its_notifications_go_in_no_other(alice, settings):
    request = sent_texas_request(alice)
    ReminderPreference.objects.create(user=alice.user, delivery="digest")
    scanning.scan(now=at(D(2026, 12, 8)), send_inline=True)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    assert reminders.send_digests(now=at(D(2026, 12, 9), 7)) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_digests(now=at(D(2026, 12, 9), 7) + timedelta(minutes=5)) == 0  # still its digest's
    email_sweep(now=timezone.now() + timedelta(minutes=6))
    assert len(mail.outbox) == 1 and request.tracking in mail.outbox[0].body
    assert reminders.send_digests(now=at(D(2026, 12, 10), 7)) == 0 and len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None
