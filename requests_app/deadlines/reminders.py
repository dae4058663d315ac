"""Reminders as data: the scan claims the due ones atomically and sends them.

Reminders are created ahead of time whenever a clock changes (scheduling.py). The scan is
safe to run at any time, as often as wanted, from several processes:
- it picks up every pending reminder whose target date has come, so a missed run
  catches up; when several reminders of one deadline are due at once, only the latest
  (overdue rather than due today rather than due soon) is sent;
- it claims unsent reminders with one conditional UPDATE, so two scans never claim the
  same row; a claim left by a dead worker expires after CLAIM_TIMEOUT and is taken again;
- a reminder is marked sent in the same transaction that notifies, under a row lock,
  so a re-delivered task finds it sent and does nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines import engine
from requests_app.deadlines.models import Notification, Reminder, ReminderPreference, RequestClock, Watch
from requests_app.deadlines.scheduling import sync_reminders
from requests_app.records.models import CLOSED, RecordsRequest
from requests_app.teams.models import User

K = Reminder.Kind
CLAIM_TIMEOUT = timedelta(minutes=15)
SEND_BATCH = 50  # reminders per worker task: a catch-up of thousands stays a few hundred messages
# A later reminder of the same deadline supersedes these when both are due.
SUPERSEDED_BY = {K.DUE_SOON: [K.DUE_TODAY, K.OVERDUE], K.DUE_TODAY: [K.OVERDUE]}


@dataclass
class ScanReport:
    now: datetime
    created: int = 0
    skipped: int = 0
    claimed: list[int] = field(default_factory=list)
    sent: list[dict[str, object]] = field(default_factory=list)
    enqueued: int = 0


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
def send_reminder(reminder_id: int, token: str, *, now: datetime) -> dict[str, object] | None:
    """Notifies the recipients of a reminder this caller claimed; None if it was not ours
    to send (already sent, or claimed again by another scan)."""
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
    link = settings.SITE_URL.rstrip("/") + reverse("request-detail", args=[reminder.request_id])
    emails = []
    for user in recipients_of(reminder):
        notification, _ = Notification.objects.get_or_create(
            user=user, reminder=reminder, defaults={"request": reminder.request, "message": text})
        if user.email and not _wants_digest(user):
            emails.append(EmailMessage(subject=f"[recordsreq] {text[:150]}", body=f"{text}\n\n{link}\n",
                                       to=[user.email]))
            notification.emailed_at = now
            notification.save(update_fields=["emailed_at"])
    if emails:
        get_connection().send_messages(emails)
    if reminder.kind in (K.OVERDUE, K.FOLLOW_UP_DUE):
        from requests_app.letters.follow_ups import draft_follow_up

        draft_follow_up(request=reminder.request, on=reminder.target_date, reason=reminder.get_kind_display())
    reminder.sent_at = now
    reminder.save(update_fields=["sent_at"])
    return {"id": reminder.pk, "tracking": reminder.request.tracking, "kind": reminder.kind,
            "target_date": reminder.target_date.isoformat(), "emails": len(emails)}


def send_digests(*, now: datetime) -> int:
    """One email per digest user with every notification not yet emailed."""
    sent = 0
    users = User.objects.filter(reminder_preference__delivery=ReminderPreference.Delivery.DIGEST,
                                notifications__emailed_at__isnull=True).distinct()
    for user in users:
        with transaction.atomic():
            pending = list(Notification.objects.select_for_update().filter(user=user, emailed_at__isnull=True))
            if not pending or not user.email:
                continue
            body = "\n".join(f"- {n.message}" for n in reversed(pending))
            EmailMessage(subject=f"[recordsreq] {len(pending)} reminder(s)", body=body + "\n", to=[user.email]).send()
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            sent += 1
    return sent


# The scan ---------------------------------------------------------------------------


def scan(*, now: datetime, send_inline: bool) -> ScanReport:
    """Claims every due reminder and sends it here (inline) or enqueues it for workers."""
    from requests_app.deadlines.tasks import send_reminders_task
    from requests_app.ops.queue import enqueue_now

    report = ScanReport(now=now)
    report.created = create_missing()
    report.skipped = skip_closed()
    token, report.claimed = claim_due_reminders(now)
    if send_inline:
        report.sent = [r for r in (send_reminder(pk, token, now=now) for pk in report.claimed) if r]
        return report
    for start in range(0, len(report.claimed), SEND_BATCH):
        batch = report.claimed[start:start + SEND_BATCH]
        report.enqueued += len(batch) if enqueue_now(send_reminders_task, batch, token) else 0
    return report
