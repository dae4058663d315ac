"""Reminders as data: created ahead, claimed atomically when due, recorded with their in-app
notifications and emails. The scan that runs them, and drafts the follow-up an overdue one
calls for, is the workflow's (requests_app/workflow/reminders.py).

Reminders are created ahead of time whenever a clock changes (scheduling.py). The scan is
safe to run at any time, as often as wanted, from several processes:
- it picks up every pending reminder whose target date has come, so a missed run
  catches up; when several reminders of one deadline are due at once, only the latest
  (overdue rather than due today rather than due soon) is claimed and sent, and the
  worker that sends it skips the others;
- it claims unsent reminders with conditional UPDATEs, a batch of ids each, so two scans
  never claim the same row; a claim left by a dead worker expires after CLAIM_TIMEOUT and
  is taken again;
- a worker's batch of reminders is marked sent in the same short transaction that writes
  their in-app notifications and asks the outbox for their emails, under their row locks,
  in the same few queries however many there are, so a re-delivered task finds them sent
  and does nothing; the worker sends the emails once that commits (see
  outbox/services.py for a refused send or a killed worker: a reminder is sent again rather
  than lost); its follow-up letter is drafted after, as a step of its own. What a killed
  worker leaves half done, the next scan finishes (follow_ups_left).

Digests go the same way: one outbox email per user carrying every notification not yet in
an email, which the notifications point to.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines import engine
from requests_app.deadlines.models import Notification, Reminder, ReminderPreference, RequestClock, Watch
from requests_app.deadlines.scheduling import sync_reminders
from requests_app.outbox.kinds import Kind
from requests_app.outbox.models import Email
from requests_app.outbox.services import Outgoing, email_enqueue, emails_deliver, emails_enqueue
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
# Reminders per UPDATE of the claim (fewer on SQLite, see claim_batch): a catch-up of
# 100,000 is ten short statements, none holding a lock for long.
CLAIM_BATCH = 10_000
CLAIM_OWN_PARAMS = 20  # the claim's other parameters (times, token, flags), with room to spare
# Reminders per worker task, recorded in one transaction with a fixed number of queries: a
# catch-up of 200,000 is 400 messages.
SEND_BATCH = 500
# A later reminder of the same deadline supersedes these when both are due.
SUPERSEDED_BY = {K.DUE_SOON: [K.DUE_TODAY, K.OVERDUE], K.DUE_TODAY: [K.OVERDUE]}
LATER_KINDS = sorted({kind for later in SUPERSEDED_BY.values() for kind in later})


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


def _unreplaced(reminders: QuerySet[Reminder], today: date) -> QuerySet[Reminder]:
    """Leaves out due-soon and due-today reminders whose deadline has a later reminder due as
    well, not yet sent: that one is sent, and its worker skips them (skip_replaced). In a
    catch-up, that is nearly half of what is due, left out of the claim's writes. One NOT
    EXISTS per kind, each naming the outer kind inside, so that the database runs them as
    anti-joins; the later reminders are the unsent ones (the reminder_unsent_by_date index),
    not every one ever sent. One whose later reminder was sent without skipping it is
    claimed, and skipped by its worker (_superseded)."""
    for kind, later in SUPERSEDED_BY.items():
        reminders = reminders.exclude(Exists(Reminder.objects.filter(
            Exact(OuterRef("kind"), kind), request_id=OuterRef("request_id"), kind__in=later,
            target_date__lte=today, sent_at__isnull=True, skipped=False)))
    return reminders


def claim_due_reminders(now: datetime) -> tuple[str, list[int]]:
    """Claims every due reminder for this caller alone, a batch of ids per UPDATE; returns
    (token, ids).

    The due ids are read once; each UPDATE claims a batch of them that are still claimable.
    Under concurrent scans each row's WHERE is evaluated again once its lock is free, so a
    row another scan claimed in the meantime is left alone, and a batch not claimed whole is
    read back by token. Reminders of closed requests were marked skipped just before
    (skip_closed), so they are not claimable.
    """
    token = uuid.uuid4().hex
    today = timezone.localdate(now)
    claimable = _claimable(today, now)
    due = sorted(_unreplaced(claimable, today).order_by().values_list("pk", flat=True))
    size = claim_batch()
    claimed: list[int] = []
    for start in range(0, len(due), size):
        ids = due[start:start + size]
        # The range, implied by the ids, lets PostgreSQL read this batch's stretch of the
        # table by its primary key rather than all of it.
        batch = claimable.filter(pk__in=ids, pk__range=(ids[0], ids[-1]))
        if batch.update(claimed_at=now, claim_token=token) < len(ids):
            ids = list(Reminder.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True))
        claimed += ids
    return token, claimed


def claim_batch() -> int:
    """Ids per claiming UPDATE: CLAIM_BATCH, or fewer where Django caps a statement's
    parameters (999 on SQLite), leaving room for the claim's own."""
    cap = connection.features.max_query_params
    return CLAIM_BATCH if cap is None else min(CLAIM_BATCH, cap - CLAIM_OWN_PARAMS)


def skip_closed() -> int:
    """Reminders of closed or withdrawn requests never go out."""
    # The closed requests are a subquery, not a join, so the database looks up their few
    # reminders instead of joining every pending reminder to its request.
    closed = RecordsRequest.objects.filter(status__in=CLOSED).values("pk")
    return Reminder.objects.filter(sent_at__isnull=True, skipped=False, request_id__in=closed).update(skipped=True)


# Recording --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """A reminder marked sent, with the ids of the emails asked for it."""

    reminder: Reminder
    email_ids: list[int]


@transaction.atomic
def record_reminders(reminder_ids: Sequence[int], token: str, *, now: datetime) -> list[Recorded]:
    """Writes the notifications of the reminders this caller claimed with ``token``, asks for
    their emails and marks them sent, under their row locks, in the same few queries however
    many there are; those a later one supersedes are skipped instead. A reminder already
    sent, skipped or claimed again by another scan is left alone."""
    locked = list(Reminder.objects.select_for_update(of=("self",))
                  .select_related("request__agency", "request__created_by", "request__clock", "recipient")
                  .filter(pk__in=reminder_ids, claim_token=token, sent_at__isnull=True, skipped=False)
                  .order_by("pk"))  # one lock order, so two workers given the same ids never deadlock
    superseded = _superseded(locked, timezone.localdate(now))
    if superseded:
        Reminder.objects.filter(pk__in=superseded).update(skipped=True)
    due = [reminder for reminder in locked if reminder.pk not in superseded]
    if not due:
        return []
    skip_replaced(due, timezone.localdate(now))
    emails = _ask_for_emails(_notify(due))
    Reminder.objects.filter(pk__in=[reminder.pk for reminder in due]).update(sent_at=now)
    for reminder in due:
        reminder.sent_at = now
    return [Recorded(reminder, emails.get(reminder.pk, [])) for reminder in due]


def _superseded(reminders: list[Reminder], today: date) -> set[int]:
    """The due-soon and due-today reminders that a later, also due, one of the same deadline replaces."""
    replaceable = [reminder for reminder in reminders if reminder.kind in SUPERSEDED_BY]
    if not replaceable:
        return set()
    later = set(Reminder.objects.filter(
        request_id__in={reminder.request_id for reminder in replaceable}, kind__in=LATER_KINDS,
        target_date__lte=today, skipped=False).values_list("request_id", "kind"))
    return {reminder.pk for reminder in replaceable
            if any((reminder.request_id, kind) in later for kind in SUPERSEDED_BY[reminder.kind])}


def skip_replaced(reminders: list[Reminder], today: date) -> None:
    """Skips the earlier reminders, never claimed (_unreplaced), of the deadlines these replace."""
    replaced = Q()
    for kind, later in SUPERSEDED_BY.items():
        if requests := {reminder.request_id for reminder in reminders if reminder.kind in later}:
            replaced |= Q(kind=kind, request_id__in=requests)
    if replaced:
        Reminder.objects.filter(replaced, target_date__lte=today, sent_at__isnull=True, skipped=False
                                ).update(skipped=True)


def _notify(reminders: list[Reminder]) -> list[Notification]:
    """Writes each recipient's in-app notification, but none a user already has for the
    reminder (as a re-run of a rolled-back send may find); returns those written."""
    recipients = _recipients(reminders)
    notified = set(Notification.objects.filter(reminder__in=reminders).values_list("reminder_id", "user_id"))
    return Notification.objects.bulk_create(
        Notification(user=user, reminder=reminder, request=reminder.request, message=message_for(reminder))
        for reminder in reminders for user in recipients[reminder.pk] if (reminder.pk, user.pk) not in notified)


def _recipients(reminders: list[Reminder]) -> dict[int, list[User]]:
    """Each reminder's recipients: a personal one's user; otherwise the request's creator and
    watchers, the active ones."""
    watchers: dict[int, list[User]] = defaultdict(list)
    for watch in Watch.objects.filter(request_id__in={r.request_id for r in reminders if r.kind != K.PERSONAL}
                                      ).select_related("user").order_by("pk"):
        watchers[watch.request_id].append(watch.user)
    return {reminder.pk: _recipients_of(reminder, watchers[reminder.request_id]) for reminder in reminders}


def _recipients_of(reminder: Reminder, watchers: list[User]) -> list[User]:
    if reminder.kind == K.PERSONAL:
        return [reminder.recipient]
    users = {reminder.request.created_by_id: reminder.request.created_by}
    for user in watchers:
        users.setdefault(user.pk, user)
    return [user for user in users.values() if user.is_active]


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


def _ask_for_emails(notifications: list[Notification]) -> dict[int, list[int]]:
    """Asks the outbox, in the caller's transaction, for the email of each new notification
    whose user has an address and no daily digest, and points the notification at it;
    returns the ids of the emails by reminder."""
    digest = set(ReminderPreference.objects.filter(
        user__in={n.user_id for n in notifications}, delivery=ReminderPreference.Delivery.DIGEST,
    ).values_list("user_id", flat=True))
    wanted = [n for n in notifications if n.user.email and n.user_id not in digest]
    site = settings.SITE_URL.rstrip("/")
    # The scan's worker delivers them once this commits; the outbox's sweep, should it die first.
    emails = emails_enqueue(kind=REMINDER, outgoing=[
        Outgoing(target_id=n.pk, to=[n.user.email], subject=f"[recordsreq] {n.message[:150]}",
                 body=f"{n.message}\n\n{site}{reverse('request-detail', args=[n.request_id])}\n")
        for n in wanted])
    by_reminder: dict[int, list[int]] = defaultdict(list)
    for notification, email in zip(wanted, emails):
        notification.email = email
        by_reminder[notification.reminder_id].append(email.pk)
    # A reminder email's target is its notification (EMAILED_REMINDER marks it emailed).
    Notification.objects.filter(pk__in=[n.pk for n in wanted]).update(email=Subquery(
        Email.objects.filter(kind=REMINDER, target_id=OuterRef("pk")).values("pk")[:1]))
    return by_reminder


def send_digests(*, now: datetime) -> int:
    """One email per digest user with every notification not yet in an email: asked of the
    outbox with the notifications taken under their row locks (so two runs never put one in
    two digests), then delivered with no transaction open. Returns how many went."""
    users = User.objects.filter(reminder_preference__delivery=ReminderPreference.Delivery.DIGEST,
                                notifications__emailed_at__isnull=True, notifications__email__isnull=True
                                ).exclude(email="").distinct()
    return len(emails_deliver([email_id for email_id in map(_digest, users) if email_id], now=now))


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


def _mark_emailed(emails: list[Email]) -> None:
    Notification.objects.filter(email__in=emails).update(emailed_at=emails[0].sent_at)


EMAILED_REMINDER = Kind(REMINDER, after_send_all=_mark_emailed, retry_for=TOO_LATE)
EMAILED_DIGEST = Kind(DIGEST, after_send_all=_mark_emailed, retry_for=TOO_LATE)
