"""Every email the app sends through the outbox: enqueued, claimed, sent, recorded.

Enqueueing writes an Email row in the caller's transaction and wakes the delivery task once
that commits (a rolled-back caller leaves no email). The task asks the kind whether the email
may still go (a request that left draft: failed with the reason), claims the row with a
conditional UPDATE (queued -> sending), so two workers or a re-delivered message never both
send it, talks to the mail server outside any transaction, and records the outcome: sent
(with the kind's effect in its own domain, in the same short transaction) or not.

A row left "sending" belongs to a worker killed between claiming and recording: the email may
or may not have gone. The sweep (every five minutes) finds such rows after STALE_SENDING, and
re-enqueues rows still queued after STALE_QUEUED (the broker was down when they were asked
for). What each kind does with a killed worker's row and with a refused send:

- request letters, follow-up and appeal letters: at most once. A killed worker's row is failed,
  "check the sent mail before sending again", never sent again blindly; the page shows it and
  a person sends again if the agency did not get it. A refused send (the mail server's error)
  is failed with that error and not retried.
- reminder emails and digests (kinds with a ``retry_for`` window, two days): a killed worker's
  row is queued again, so the reminder arrives, at worst twice, rather than not at all (as the
  reminder scan did before); a refused send is queued again too, with its error kept. Past the
  window (the in-app list has told the user by then) the email is failed instead.
- invitations: at most once, and sent by the owner's own request (``wake=False``) so that the
  page can say whether it went. A refused send fails the email and removes the invitation;
  a killed worker's row is failed and the invitation kept (the link may have gone). The body
  carries the one-use link: it is forgotten once the email is sent or failed, whichever way.
- law correction notes: at most once, like letters; a note no owner can be emailed about is
  failed with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from requests_app.ops.queue import enqueue_now, enqueue_on_commit, task_named
from requests_app.outbox.kinds import forgetting, kind_of, retry_windows
from requests_app.outbox.models import IN_FLIGHT, Email, State
from requests_app.teams.models import Organization, User

DELIVER_TASK = "outbox.deliver"  # outbox/tasks.py
STALE_QUEUED = timedelta(minutes=5)
STALE_SENDING = timedelta(minutes=15)
INTERRUPTED = "Sending was interrupted; check the sent mail before sending again."
EXPIRED = "Not sent in time; the in-app list showed it instead."


def email_enqueue(
    *, kind: str, target_id: int | None, organization: Organization | None, to: Sequence[str], subject: str,
    body: str, requested_by: User | None = None, cc: Sequence[str] = (), reply_to: Sequence[str] = (),
    headers: dict[str, str] | None = None, id_hint: str | None = None, wake: bool = True,
) -> Email:
    """Stores the email to go; the delivery task runs once the caller's transaction commits,
    unless ``wake`` is False: the caller then delivers it itself once committed (the sweep
    still takes it should the caller die first)."""
    email = Email.objects.create(
        kind=kind, target_id=target_id, organization=organization, to=list(to), cc=list(cc),
        reply_to=list(reply_to), subject=subject, body=body, headers=headers or {}, requested_by=requested_by,
        message_id=make_msgid(idstring=id_hint, domain=message_domain()),
    )
    if wake:
        enqueue_on_commit(task_named(DELIVER_TASK), email.pk)
    return email


@dataclass(frozen=True)
class Outgoing:
    """One of many emails of a kind asked for at once (emails_enqueue)."""

    target_id: int | None
    to: Sequence[str]
    subject: str
    body: str


def emails_enqueue(*, kind: str, outgoing: Sequence[Outgoing]) -> list[Email]:
    """Stores many emails of one kind, in one INSERT (a few on SQLite), in the order given.
    No delivery task is woken: as with ``wake=False``, the caller delivers them once
    committed, and the sweep takes any it leaves."""
    domain = message_domain()
    return Email.objects.bulk_create(
        Email(kind=kind, target_id=o.target_id, to=list(o.to), subject=o.subject, body=o.body,
              message_id=make_msgid(domain=domain))
        for o in outgoing)


def message_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("@", 1)[-1].strip(" >") or "localhost"


def email_deliver(email_id: int, *, now: datetime | None = None) -> None:
    """The delivery task's work: claim, send, record. Never inside a transaction. ``now``
    is the time recorded for the claim and the send (the clock's, unless a caller such as
    the reminder scan runs on its own)."""
    email = Email.objects.get(pk=email_id)
    if email.state != State.QUEUED:
        return
    if reason := kind_of(email.kind).blocked(email):
        _record_failure(email, reason, was=State.QUEUED)
        return
    if email_claim(email_id, now=now):
        email_send_claimed(email, now=now)


def email_send_claimed(email: Email, *, now: datetime | None = None) -> None:
    """Sends an email this worker has claimed, and records the outcome."""
    try:
        message(email).send()
    except Exception as exc:  # any mail backend error is kept on the email, and retried only by kinds that retry
        again = State.QUEUED if kind_of(email.kind).retry_for else State.FAILED
        _record_failure(email, _described(exc), was=State.SENDING, to=again)
        return
    _record_sent(email, now=now or timezone.now())


def emails_deliver(email_ids: Sequence[int], *, now: datetime) -> set[int]:
    """Delivers many emails as email_deliver delivers one, in the same few queries however
    many there are: those still queued are claimed together under their row locks, sent over
    one connection to the mail server with no transaction open, and recorded sent together
    (a refused or blocked one is recorded on its own, as email_deliver does). Returns the
    ids of those sent."""
    sent, refused = _send_each(_claim_all(email_ids, now=now))
    for email, error in refused:
        again = State.QUEUED if kind_of(email.kind).retry_for else State.FAILED
        _record_failure(email, error, was=State.SENDING, to=again)
    _record_all_sent(sent, now=now)
    return {email.pk for email in sent}


def _claim_all(email_ids: Sequence[int], *, now: datetime) -> list[Email]:
    """queued -> sending for those of ``email_ids`` still queued and not blocked, read and
    claimed under their row locks (skipping rows another worker holds), so only one worker
    claims each."""
    with transaction.atomic():
        queued = list(Email.objects.select_for_update(skip_locked=True).filter(pk__in=email_ids, state=State.QUEUED)
                      .order_by("pk"))
        blocked = {email.pk: reason for email in queued if (reason := kind_of(email.kind).blocked(email))}
        claimed = [email for email in queued if email.pk not in blocked]
        Email.objects.filter(pk__in=[email.pk for email in claimed]).update(
            state=State.SENDING, claimed_at=now, state_changed_at=now, attempts=F("attempts") + 1)
    for email in queued:
        if email.pk in blocked:
            _record_failure(email, blocked[email.pk], was=State.QUEUED)
    return claimed


def _send_each(emails: list[Email]) -> tuple[list[Email], list[tuple[Email, str]]]:
    """Sends each email over one connection to the mail server; returns those sent, and
    those refused with the mail server's error."""
    if not emails:
        return [], []
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # any mail backend error, as in email_send_claimed
        return [], [(email, _described(exc)) for email in emails]
    sent, refused = [], []
    try:
        for email in emails:
            try:
                connection.send_messages([message(email)])
                sent.append(email)
            except Exception as exc:
                refused.append((email, _described(exc)))
    finally:
        connection.close()
    return sent, refused


def _described(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _record_all_sent(emails: list[Email], *, now: datetime) -> None:
    """Marks them sent with their kinds' effects, in one transaction: one UPDATE per kind."""
    with transaction.atomic():
        for kind_name in sorted({email.kind for email in emails}):
            of_kind = [email for email in emails if email.kind == kind_name]
            Email.objects.filter(pk__in=[email.pk for email in of_kind], state=State.SENDING).update(
                state=State.SENT, sent_at=now, state_changed_at=now, error="", **_forgotten(kind_name))
            for email in of_kind:
                email.state, email.sent_at, email.state_changed_at, email.error = State.SENT, now, now, ""
            _after_send_all(of_kind)


def _after_send_all(emails: list[Email]) -> None:
    kind = kind_of(emails[0].kind)
    if kind.after_send_all:
        kind.after_send_all(emails)
        return
    for email in emails:
        if note := kind.after_send(email):
            Email.objects.filter(pk=email.pk).update(error=note)


def email_claim(email_id: int, *, now: datetime | None = None) -> bool:
    """queued -> sending in one conditional UPDATE: only one worker can win it."""
    now = now or timezone.now()
    return bool(Email.objects.filter(pk=email_id, state=State.QUEUED).update(
        state=State.SENDING, claimed_at=now, state_changed_at=now, attempts=F("attempts") + 1))


def message(email: Email) -> EmailMessage:
    built = EmailMessage(
        subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL, to=email.to,
        cc=email.cc or None, reply_to=email.reply_to or None,
        headers={"Message-ID": email.message_id, **email.headers},
    )
    for attachment in kind_of(email.kind).attachments(email):
        built.attach(*attachment)
    return built


def _record_failure(email: Email, error: str, *, was: State, to: State = State.FAILED) -> None:
    """Records a send that did not go: failed, with the kind's effect, or queued again."""
    done = _forgotten(email.kind) if to == State.FAILED else {}
    effect = kind_of(email.kind).after_fail if to == State.FAILED else None
    with transaction.atomic() if effect else nullcontext():
        recorded = Email.objects.filter(pk=email.pk, state=was).update(
            state=to, error=error[:2000], state_changed_at=timezone.now(), **done)
        if recorded and effect:
            email.state, email.error = to, error[:2000]
            effect(email)


def _forgotten(kind: str) -> dict[str, str]:
    """The body to store once an email of ``kind`` is done with, for a kind that forgets it."""
    text = forgetting().get(kind)
    return {} if text is None else {"body": text}


def _record_sent(email: Email, *, now: datetime) -> None:
    """Marks it sent with the kind's effect, in one transaction: should the effect fail, the
    row stays "sending" and the sweep treats it as a killed worker's."""
    email.state, email.sent_at, email.state_changed_at, email.error = State.SENT, now, now, ""
    email.body = _forgotten(email.kind).get("body", email.body)
    kind = kind_of(email.kind)
    with transaction.atomic():
        email.save(update_fields=["state", "sent_at", "state_changed_at", "error", "body"])
        if kind.after_send_all:
            kind.after_send_all([email])
        elif note := kind.after_send(email):
            email.error = note
            email.save(update_fields=["error"])


def email_sweep(*, now: datetime) -> dict[str, int]:
    """Fails or retakes what killed workers left "sending", and re-enqueues emails stuck in
    "queued"; see the module docstring for which kind gets which."""
    left = Email.objects.filter(state=State.SENDING, state_changed_at__lt=now - STALE_SENDING)
    expired = retaken = 0
    for kind, window in retry_windows().items():
        expired += Email.objects.filter(kind=kind, state__in=IN_FLIGHT, created_at__lt=now - window).update(
            state=State.FAILED, error=EXPIRED, state_changed_at=now, **_forgotten(kind))
        # Left as changed long ago, so that the requeueing below takes it in this same sweep.
        retaken += left.filter(kind=kind).update(state=State.QUEUED)
    interrupted = 0
    for kind, text in forgetting().items():
        interrupted += left.filter(kind=kind).update(state=State.FAILED, error=INTERRUPTED, state_changed_at=now,
                                                     body=text)
    interrupted += left.update(state=State.FAILED, error=INTERRUPTED, state_changed_at=now)
    stale = Email.objects.filter(state=State.QUEUED, state_changed_at__lt=now - STALE_QUEUED)
    requeued = sum(enqueue_now(task_named(DELIVER_TASK), pk) for pk in stale.values_list("pk", flat=True))
    return {"requeued": requeued, "interrupted": interrupted + retaken, "expired": expired}
