"""The outbox on its own: an email is sent once, after its caller commits, outside any
transaction, and what its kind does after the send runs with the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from requests_app.outbox import kinds
from requests_app.outbox.models import Email, State
from requests_app.outbox.services import (
    INTERRUPTED,
    email_claim,
    email_deliver,
    email_enqueue,
    email_sweep,
    emails_deliver,
)
from requests_app.outbox.tasks import deliver_email
from tests.threads import at_once

pytestmark = pytest.mark.django_db
NOTE = "note"
effects: list[tuple[str, int | None]] = []


@pytest.fixture(autouse=True)
def note_kind(monkeypatch):
    """A kind that attaches a text file, is blocked for target 0 and notes each send."""
    effects.clear()

    def after_send(email: Email) -> str:
        effects.append((email.state, email.target_id))
        return "recorded with a remark" if email.target_id == 2 else ""

    monkeypatch.setitem(kinds._KINDS, NOTE, kinds.Kind(
        NOTE, attachments=lambda email: [("note.txt", b"hello", "text/plain")],
        blocked=lambda email: "not any more" if email.target_id == 0 else "", after_send=after_send))


def enqueue(target_id: int = 1, to: str = "a@example.org") -> Email:
    return email_enqueue(kind=NOTE, target_id=target_id, organization=None, to=[to], subject="Hello",
                         body="Body.", cc=["copy@example.org"], headers={"In-Reply-To": "<x@example.org>"})


def state_of(email: Email) -> tuple[str, str, int]:
    email.refresh_from_db()
    return email.state, email.error, email.attempts


def test_it_is_delivered_only_once_the_caller_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue()
        assert not mail.outbox
    assert len(callbacks) == 1 and len(mail.outbox) == 1


def test_a_rolled_back_caller_leaves_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            enqueue()
            raise RuntimeError("the caller failed")
    assert not Email.objects.exists() and not mail.outbox


def test_the_message_is_sent_as_stored_with_the_kinds_attachments():
    email = enqueue()
    email_deliver(email.pk)
    message = mail.outbox[0]
    assert (message.to, message.cc, message.subject, message.body) == (["a@example.org"], ["copy@example.org"],
                                                                       "Hello", "Body.")
    assert message.extra_headers == {"Message-ID": email.message_id, "In-Reply-To": "<x@example.org>"}
    assert [tuple(a) for a in message.attachments] == [("note.txt", "hello", "text/plain")]
    email.refresh_from_db()
    assert (email.state, email.attempts, email.error) == (State.SENT, 1, "") and email.sent_at and email.claimed_at


def test_the_kinds_effect_runs_with_the_record_of_the_send():
    email = enqueue()
    email_deliver(email.pk)
    assert effects == [(State.SENT, 1)]


def test_a_note_from_the_effect_is_kept_on_the_sent_email():
    email = enqueue(target_id=2)
    email_deliver(email.pk)
    assert state_of(email) == (State.SENT, "recorded with a remark", 1)


def test_it_sends_once_however_often_the_task_runs():
    email = enqueue()
    email_deliver(email.pk)
    email_deliver(email.pk)
    assert len(mail.outbox) == 1 and effects == [(State.SENT, 1)]


def test_a_claimed_email_is_not_sent_by_another_worker():
    email = enqueue()
    assert email_claim(email.pk) is True
    assert email_claim(email.pk) is False
    email_deliver(email.pk)
    assert not mail.outbox and state_of(email) == (State.SENDING, "", 1)


def test_many_delivered_at_once_go_each_as_one_delivered_alone(settings):
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    sent, blocked, noted, refused, held = enqueue(1), enqueue(0), enqueue(2), enqueue(3, to="refuse@example.org"), enqueue(4)
    assert email_claim(held.pk)  # another worker's
    went = emails_deliver([e.pk for e in (sent, blocked, noted, refused, held)], now=timezone.now())
    assert went == {sent.pk, noted.pk} and len(mail.outbox) == 2
    assert state_of(sent) == (State.SENT, "", 1) and state_of(noted) == (State.SENT, "recorded with a remark", 1)
    assert state_of(blocked) == (State.FAILED, "not any more", 0)
    assert state_of(refused)[0] == State.FAILED and state_of(held) == (State.SENDING, "", 1)
    assert sorted(effects) == [(State.SENT, 1), (State.SENT, 2)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_workers_racing_for_one_email_only_one_sends_it():
    email = enqueue()
    at_once(lambda: email_deliver(email.pk))
    assert len(mail.outbox) == 1 and state_of(email) == (State.SENT, "", 1)


def test_a_refused_send_is_failed_with_the_error_and_not_sent_again(settings):
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    email = enqueue(to="refuse@example.org")
    email_deliver(email.pk)
    state, error, attempts = state_of(email)
    assert (state, attempts) == (State.FAILED, 1) and error.startswith("SMTPRecipientsRefused")
    assert email_sweep(now=timezone.now() + timedelta(hours=1)) == {"requeued": 0, "interrupted": 0,
                                                                    "expired": 0}
    assert not mail.outbox and effects == []


def test_an_email_its_kind_no_longer_wants_is_failed_with_the_reason():
    email = enqueue(target_id=0)
    email_deliver(email.pk)
    assert state_of(email) == (State.FAILED, "not any more", 0) and not mail.outbox


def test_the_sweep_wakes_a_worker_for_an_email_the_broker_lost(monkeypatch):
    email = enqueue()
    woken = []
    monkeypatch.setattr(deliver_email, "apply_async", lambda args, **kw: woken.append(args))
    assert email_sweep(now=timezone.now())["requeued"] == 0  # not stale yet
    assert email_sweep(now=timezone.now() + timedelta(minutes=6)) == {"requeued": 1, "interrupted": 0, "expired": 0}
    assert woken == [(email.pk,)]


def test_the_sweep_fails_what_a_killed_worker_left_and_never_sends_it():
    email = enqueue()
    email_claim(email.pk)  # the worker claimed it, then was killed
    assert email_sweep(now=timezone.now() + timedelta(minutes=14))["interrupted"] == 0
    assert email_sweep(now=timezone.now() + timedelta(minutes=16)) == {"requeued": 0, "interrupted": 1, "expired": 0}
    assert state_of(email) == (State.FAILED, INTERRUPTED, 1)
    email_deliver(email.pk)
    assert not mail.outbox and effects == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_mail_server_is_never_talked_to_inside_a_transaction(settings):
    from tests.deadlines.test_reminder_emails import InTransaction

    settings.EMAIL_BACKEND = "tests.deadlines.test_reminder_emails.InTransaction"
    InTransaction.atomic = []
    email_deliver(enqueue().pk)
    assert InTransaction.atomic == [False]


KINDS = ("request_letter", "follow_up", "appeal", "reminder", "digest")


def test_every_kind_is_registered_by_its_app():
    assert [kinds.kind_of(name).name for name in KINDS] == list(KINDS)


def test_only_reminders_and_digests_are_sent_again_after_a_failure():
    assert sorted(kinds.retry_windows()) == ["digest", "reminder"]
