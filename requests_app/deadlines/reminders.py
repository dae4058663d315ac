"""Reminders as data: created ahead, claimed atomically when due, recorded with their in-app
notifications and emails. The scan that runs them, and drafts the follow-up an overdue one
calls for, is the workflow's (requests_app/workflow/reminders.py).

Reminders are created ahead of time whenever a clock changes (scheduling.py). The scan is
safe to run at any time, as often as wanted, from several processes:
- it picks up every pending reminder whose target date has come, so a missed run
  catches up; when several reminders of one deadline are due at once, only the latest
  (overdue rather than due today rather than due soon) is sent;
- it claims unsent reminders with one conditional UPDATE, so two scans never claim the
  same row; a claim left by a dead worker expires after CLAIM_TIMEOUT and is taken again;
- a reminder is marked sent in the same short transaction that writes its in-app
  notifications and asks the outbox for their emails, under a row lock, so a re-delivered
  task finds it sent and does nothing; the outbox sends the emails once that commits (see
  outbox/services.py for a refused send or a killed worker: a reminder is sent again rather
  than lost); its follow-up letter is drafted after, as a step of its own. What a killed
  worker leaves half done, the next scan finishes (follow_ups_left).

Digests go the same way: one outbox email per user carrying every notification not yet in
an email, which the notifications point to.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines import engine
from requests_app.deadlines.models import Notification, Reminder, ReminderPreference, RequestClock, Watch
from requests_app.deadlines.scheduling import sync_reminders
from requests_app.outbox.kinds import Kind
from requests_app.outbox.models import Email, State
from requests_app.outbox.services import email_deliver, email_enqueue
from requests_app.records.models import CLOSED, RecordsRequest
from requests_app.teams.models import User

logger = logging.getLogger(__name__)
K = Reminder.Kind
CLAIM_TIMEOUT = timedelta(minutes=15)
# A follow-up letter a worker left undrafted is taken up by a scan after this.
LEFT_AFTER = timedelta(minutes=5)
# An email not sent by then is given up: the in-app list has told the user.
TOO_LATE = timedelta(days=2)
REMINDER, DIGEST = "reminder", "digest"  # outbox kinds
FOLLOW_UP_KINDS = (K.OVERDUE, K.FOLLOW_UP_DUE)
SEND_BATCH = 50  # reminders per worker task: a catch-up of thousands stays a few hundred messages
# A later reminder of the same deadline supersedes these when both are due.
SUPERSEDED_BY = {K.DUE_SOON: [K.DUE_TODAY, K.OVERDUE], K.DUE_TODAY: [K.OVERDUE]}


# Creating ---------------------------------------------------------------------------


def create_missing() -> int:
    """Schedules the reminders of clocks that never had them (rows written before
    reminders existed, or loaded by hand); normally there are none and this is one query."""
    created = 0
    for clock in RequestClock.objects.filter(reminders_scheduled=False).select_related(
            "request__agency__jurisdiction__parent"):
        before = Reminder.objects.filter(request_id=clock.request_id).count()
        sync_reminders(clock)
        created += Reminder.objects.filter(request_id=clock.request_id).count() - before
    return created


# Personal reminders ----------------------------------------------------------------


def personal_reminder_create(*, request: RecordsRequest, user: User, on: date, note: str = "") -> Reminder:
    reminder, _ = Reminder.objects.get_or_create(
        request=request, kind=K.PERSONAL, target_date=on, recipient=user, defaults={"note": note[:500]}
    )
    return reminder


# Claiming ---------------------------------------------------------------------------


def _claimable(today: date, now: datetime):
    # Reminders of a paused request stay unclaimed (not skipped), so the first scan after
    # resuming catches up with the latest one of each deadline. The paused requests are a
    # subquery, not a join, so the claim stays a single-table UPDATE whose WHERE is
    # re-checked under concurrent scans.
    paused = RecordsRequest.objects.filter(reminders_paused=True).values("pk")
    return Reminder.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        sent_at__isnull=True, skipped=False, target_date__lte=today,
    ).exclude(request_id__in=paused)


def claim_due_reminders(now: datetime) -> tuple[str, list[int]]:
    """Claims every due reminder for this caller alone, in one UPDATE; returns (token, ids).

    Under concurrent scans each row's WHERE is evaluated again once its lock is free, so
    a row another scan claimed in the meantime is left alone. Reminders of closed
    requests were marked skipped just before (skip_closed), so they are not claimable.
    """
    token = uuid.uuid4().hex
    _claimable(timezone.localdate(now), now).update(claimed_at=now, claim_token=token)
    return token, list(Reminder.objects.filter(claim_token=token).values_list("pk", flat=True))


def skip_closed() -> int:
    """Reminders of closed or withdrawn requests never go out."""
    return Reminder.objects.filter(sent_at__isnull=True, skipped=False, request__status__in=CLOSED).update(skipped=True)


def _superseded(reminder: Reminder, today: date) -> bool:
    """A due-soon or due-today reminder that a later, also due, one of the same deadline replaces."""
    later = SUPERSEDED_BY.get(reminder.kind)
    return bool(later) and Reminder.objects.filter(
        request_id=reminder.request_id, kind__in=later, target_date__lte=today, skipped=False).exists()


# Sending ----------------------------------------------------------------------------


def recipients_of(reminder: Reminder) -> list[User]:
    if reminder.kind == K.PERSONAL:
        return [reminder.recipient]
    request = reminder.request
    users = {request.created_by_id: request.created_by}
    for watch in Watch.objects.filter(request=request).select_related("user"):
        users.setdefault(watch.user_id, watch.user)
    return [u for u in users.values() if u.is_active]


def message_for(reminder: Reminder) -> str:
    request, clock = reminder.request, getattr(reminder.request, "clock", None)
    where = f"{request.tracking} ({request.agency.name})"
    due = engine.long_date(clock.response_due) if clock and clock.response_due else ""
    return {
        K.DUE_SOON: f"{where}: the agency's response is due {due}.",
        K.DUE_TODAY: f"{where}: the agency's response is due today, {due}.",
        K.OVERDUE: f"{where}: the response was due {due} and is overdue. A follow-up letter can be drafted.",
        K.FOLLOW_UP_DUE: f"{where}: time to follow up with the agency.",
        K.APPEAL_WINDOW_CLOSING: (f"{where}: the window to appeal the denial closes "
                                  f"{engine.long_date(clock.appeal_due) if clock and clock.appeal_due else 'soon'}."),
        K.PERSONAL: f"{where}: your reminder{': ' + reminder.note if reminder.note else '.'}",
    }[reminder.kind]


def _wants_digest(user: User) -> bool:
    preference = ReminderPreference.objects.filter(user=user).first()
    return preference is not None and preference.delivery == ReminderPreference.Delivery.DIGEST


@transaction.atomic
def record_reminder(reminder_id: int, token: str, *, now: datetime) -> tuple[Reminder, list[int]] | None:
    """Writes the reminder's notifications, asks for their emails and marks it sent, under
    its row lock; returns it with the ids of the emails asked for."""
    reminder = (Reminder.objects.select_for_update(of=("self",))
                .select_related("request__agency", "request__created_by", "request__clock", "recipient")
                .filter(pk=reminder_id).first())
    if reminder is None or reminder.sent_at is not None or reminder.claim_token != token:
        return None
    if _superseded(reminder, timezone.localdate(now)):
        reminder.skipped = True
        reminder.save(update_fields=["skipped"])
        return None
    text = message_for(reminder)
    emails = []
    for user in recipients_of(reminder):
        notification, created = Notification.objects.get_or_create(
            user=user, reminder=reminder, defaults={"request": reminder.request, "message": text})
        if created and user.email and not _wants_digest(user):
            emails.append(_email(notification))
    reminder.sent_at = now
    reminder.save(update_fields=["sent_at"])
    return reminder, emails


def _email(notification: Notification) -> int:
    """Asks the outbox for the notification's email, in the caller's transaction."""
    link = settings.SITE_URL.rstrip("/") + reverse("request-detail", args=[notification.request_id])
    # The scan's worker delivers it once this commits (deliver_emails); the sweep, should it die first.
    notification.email = email_enqueue(
        kind=REMINDER, target_id=notification.pk, organization=None, to=[notification.user.email],
        subject=f"[recordsreq] {notification.message[:150]}", body=f"{notification.message}\n\n{link}\n",
        wake=False)
    notification.save(update_fields=["email"])
    return notification.email.pk


def deliver_emails(email_ids: list[int], *, now: datetime) -> int:
    """Sends the emails, asked for without waking a delivery task, here; returns how many went."""
    for email_id in email_ids:
        email_deliver(email_id, now=now)
    return Email.objects.filter(pk__in=email_ids, state=State.SENT).count()


def send_digests(*, now: datetime) -> int:
    """One email per digest user with every notification not yet in an email: asked of the
    outbox with the notifications taken under their row locks (so two runs never put one in
    two digests), then delivered with no transaction open. Returns how many went."""
    users = User.objects.filter(reminder_preference__delivery=ReminderPreference.Delivery.DIGEST,
                                notifications__emailed_at__isnull=True, notifications__email__isnull=True
                                ).exclude(email="").distinct()
    return deliver_emails([email_id for email_id in map(_digest, users) if email_id], now=now)


@transaction.atomic
def _digest(user: User) -> int | None:
    pending = list(Notification.objects.select_for_update().filter(user=user, emailed_at__isnull=True,
                                                                  email__isnull=True).order_by("created_at"))
    if not pending:
        return None  # another run took them
    body = "\n".join(f"- {n.message}" for n in pending)
    email = email_enqueue(kind=DIGEST, target_id=user.pk, organization=None, to=[user.email],
                          subject=f"[recordsreq] {len(pending)} reminder(s)", body=body + "\n", wake=False)
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(email=email)
    return email.pk


def _mark_emailed(email: Email) -> str:
    Notification.objects.filter(email=email).update(emailed_at=email.sent_at)
    return ""


EMAILED_REMINDER = Kind(REMINDER, after_send=_mark_emailed, retry_for=TOO_LATE)
EMAILED_DIGEST = Kind(DIGEST, after_send=_mark_emailed, retry_for=TOO_LATE)
