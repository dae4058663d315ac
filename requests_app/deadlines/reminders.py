"""Reminders as data: the scan claims the due ones atomically and sends them.

Reminders are created ahead of time whenever a clock changes (scheduling.py). The scan is
safe to run at any time, as often as wanted, from several processes:
- it picks up every pending reminder whose target date has come, so a missed run
  catches up; when several reminders of one deadline are due at once, only the latest
  (overdue rather than due today rather than due soon) is sent;
- it claims unsent reminders with one conditional UPDATE, so two scans never claim the
  same row; a claim left by a dead worker expires after CLAIM_TIMEOUT and is taken again;
- a reminder is marked sent in the same short transaction that writes its in-app
  notifications, under a row lock, so a re-delivered task finds it sent and does nothing;
- its emails go after that transaction, each claimed, sent with no transaction or lock
  held, and recorded; its follow-up letter is drafted after, as a step of its own. What a
  killed worker leaves half done, the next scan finishes (emails_left, follow_ups_left).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines import engine
from requests_app.deadlines.models import Notification, Reminder, ReminderPreference, RequestClock, Watch
from requests_app.deadlines.scheduling import sync_reminders
from requests_app.records.models import CLOSED, RecordsRequest
from requests_app.teams.models import User

logger = logging.getLogger(__name__)
K = Reminder.Kind
CLAIM_TIMEOUT = timedelta(minutes=15)
# Work a worker left unfinished (an email, a follow-up letter) is taken up by a scan after this.
LEFT_AFTER = timedelta(minutes=5)
TOO_LATE = timedelta(days=2)
FOLLOW_UP_KINDS = (K.OVERDUE, K.FOLLOW_UP_DUE)
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
    finished: int = 0  # emails and follow-up letters a dead worker left, done by this scan


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


def send_reminder(reminder_id: int, token: str, *, now: datetime) -> dict[str, object] | None:
    """Notifies the recipients of a reminder this caller claimed; None if it was not ours
    to send (already sent, or claimed again by another scan).

    Three steps, none of them inside another: the reminder is recorded (its in-app
    notifications written and the reminder marked sent, one short transaction); each email
    is then claimed, sent with no transaction open, and recorded; last, an overdue or
    follow-up reminder drafts its letter. A worker killed between steps leaves data that the
    next scan finishes (emails_left, follow_ups_left), and nothing a step does is done twice.
    """
    reminder = _record(reminder_id, token, now=now)
    if reminder is None:
        return None
    emails = sum(_email(n, now=now) for n in reminder.notifications.filter(emailed_at__isnull=True)
                 .select_related("user") if not _wants_digest(n.user))
    _draft_follow_up(reminder, now=now)
    return {"id": reminder.pk, "tracking": reminder.request.tracking, "kind": reminder.kind,
            "target_date": reminder.target_date.isoformat(), "emails": emails}


@transaction.atomic
def _record(reminder_id: int, token: str, *, now: datetime) -> Reminder | None:
    """Writes the reminder's notifications and marks it sent, under its row lock."""
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
    for user in recipients_of(reminder):
        Notification.objects.get_or_create(user=user, reminder=reminder,
                                           defaults={"request": reminder.request, "message": text})
    reminder.sent_at = now
    reminder.save(update_fields=["sent_at"])
    return reminder


def _claim_email(rows, *, now: datetime) -> str | None:
    """Claims notifications for emailing in one conditional UPDATE; a claim older than
    CLAIM_TIMEOUT (its worker died) can be taken again. Returns the claim's token, or None
    if none was claimed."""
    token = uuid.uuid4().hex
    claimed = rows.filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT),
                          emailed_at__isnull=True).update(email_claimed_at=now, email_claim=token)
    return token if claimed else None


def _email(notification: Notification, *, now: datetime) -> int:
    """Emails one notification, if this caller claims it: claim, send with no transaction
    open, record. A refused send leaves the claim to expire, so a later scan tries again."""
    user = notification.user
    if not user.email or _claim_email(Notification.objects.filter(pk=notification.pk), now=now) is None:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("request-detail", args=[notification.request_id])
    message = EmailMessage(subject=f"[recordsreq] {notification.message[:150]}",
                           body=f"{notification.message}\n\n{link}\n", to=[user.email])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.warning("reminder email to user %s not sent; it will be retried", user.pk, exc_info=True)
        return 0
    Notification.objects.filter(pk=notification.pk).update(emailed_at=now)
    return 1


def _draft_follow_up(reminder: Reminder, *, now: datetime) -> None:
    """Drafts the letter an overdue or follow-up reminder calls for, once, after the reminder
    is recorded: a drafting failure is logged and tried again by a later scan, never sending
    the reminder again."""
    if reminder.kind not in FOLLOW_UP_KINDS:
        return
    from requests_app.letters.follow_ups import draft_follow_up

    try:
        with transaction.atomic():
            if not Reminder.objects.filter(pk=reminder.pk, follow_up_drafted_at__isnull=True).update(
                    follow_up_drafted_at=now):
                return  # another worker drafted it
            draft_follow_up(request=reminder.request, on=reminder.target_date, reason=reminder.get_kind_display())
    except Exception:
        logger.exception("the follow-up letter of reminder %s was not drafted; it will be retried", reminder.pk)


def emails_left(*, now: datetime) -> int:
    """Emails the notifications a dead worker left claimed or never claimed (older than a
    few minutes, so a live worker's are left to it, and younger than TOO_LATE, past which
    the in-app list has told the user); returns how many went."""
    left = (Notification.objects.filter(emailed_at__isnull=True,
                                        reminder__sent_at__range=(now - TOO_LATE, now - LEFT_AFTER))
            .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT))
            .exclude(user__reminder_preference__delivery=ReminderPreference.Delivery.DIGEST)
            .exclude(user__email="").select_related("user"))
    return sum(_email(notification, now=now) for notification in left[:SEND_BATCH * 10])


def follow_ups_left(*, now: datetime) -> int:
    """Drafts the follow-ups of sent reminders whose drafting failed or whose worker died."""
    left = (Reminder.objects.filter(kind__in=FOLLOW_UP_KINDS, sent_at__lt=now - LEFT_AFTER,
                                    follow_up_drafted_at__isnull=True, skipped=False)
            .select_related("request__clock", "request__agency"))
    done = 0
    for reminder in left[:SEND_BATCH]:
        _draft_follow_up(reminder, now=now)
        done += 1
    return done


def send_digests(*, now: datetime) -> int:
    """One email per digest user with every notification not yet emailed: claimed, sent with
    no transaction open, then recorded."""
    sent = 0
    users = User.objects.filter(reminder_preference__delivery=ReminderPreference.Delivery.DIGEST,
                                notifications__emailed_at__isnull=True).exclude(email="").distinct()
    for user in users:
        token = _claim_email(Notification.objects.filter(user=user), now=now)
        if token is None:
            continue
        pending = list(Notification.objects.filter(email_claim=token).order_by("created_at"))
        body = "\n".join(f"- {n.message}" for n in pending)
        try:
            EmailMessage(subject=f"[recordsreq] {len(pending)} reminder(s)", body=body + "\n", to=[user.email]).send()
        except (smtplib.SMTPException, OSError):
            logger.warning("digest to user %s not sent; it will be retried", user.pk, exc_info=True)
            continue
        Notification.objects.filter(email_claim=token).update(emailed_at=now)
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
    report.finished = emails_left(now=now) + follow_ups_left(now=now)
    token, report.claimed = claim_due_reminders(now)
    if send_inline:
        report.sent = [r for r in (send_reminder(pk, token, now=now) for pk in report.claimed) if r]
        return report
    for start in range(0, len(report.claimed), SEND_BATCH):
        batch = report.claimed[start:start + SEND_BATCH]
        report.enqueued += len(batch) if enqueue_now(send_reminders_task, batch, token) else 0
    return report
