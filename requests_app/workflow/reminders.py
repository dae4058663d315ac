"""The reminder scan: every due reminder claimed, recorded with its notifications and their
emails (deadlines.reminders), the emails delivered (the outbox), and the follow-up letters
the overdue and follow-up reminders call for drafted (letters.follow_ups), each step on its
own and in the same few queries however many reminders a worker sends, so a worker killed
between them leaves work the next scan or the outbox's sweep finishes and nothing is done
twice."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F

from requests_app.deadlines.models import Reminder
from requests_app.deadlines.reminders import (
    FOLLOW_UP_KINDS,
    LEFT_AFTER,
    SEND_BATCH,
    claim_due_reminders,
    create_missing,
    record_reminders,
    skip_closed,
)
from requests_app.letters.follow_ups import FollowUpOccasion, draft_follow_ups
from requests_app.ops.queue import enqueue_each, task_named
from requests_app.outbox.services import emails_deliver
from requests_app.records.trail import EventKind, record_summaries

logger = logging.getLogger(__name__)
SEND_TASK = "reminders.send"  # workflow/tasks.py
# Letters a dead worker or a failed drafting left, drafted by one scan: the rest wait for the next.
FOLLOW_UPS_PER_SCAN = 50


@dataclass
class ScanReport:
    now: datetime
    token: str = ""  # the claim's
    created: int = 0
    skipped: int = 0
    claimed: list[int] = field(default_factory=list)
    sent: list[dict[str, object]] = field(default_factory=list)
    enqueued: int = 0
    finished: int = 0  # overdue and follow-up reminders whose letters a dead worker left, drafted by this scan


def send_reminders(reminder_ids: Sequence[int], token: str, *, now: datetime) -> list[dict[str, object]]:
    """Notifies the recipients of reminders this caller claimed; any not ours to send
    (already sent, or claimed again by another scan) is left out of what is returned.

    Three steps, none of them inside another, each in the same few queries however many
    reminders there are: the reminders are recorded (their in-app notifications written,
    their emails asked of the outbox, and the reminders marked sent, one short transaction);
    their emails are delivered here, with no transaction open (no delivery task is woken for
    them: the outbox's sweep takes any this worker leaves); last, the letters the overdue and
    follow-up reminders call for are drafted together, in one transaction. A worker killed
    between steps leaves data that the outbox sweep or the next scan finishes
    (follow_ups_left), and nothing a step does is done twice. "emails" counts each
    reminder's emails sent.
    """
    recorded = record_reminders(reminder_ids, token, now=now)
    sent = emails_deliver([email_id for r in recorded for email_id in r.email_ids], now=now)
    _drafted([r.reminder for r in recorded if r.reminder.kind in FOLLOW_UP_KINDS], now=now)
    return [{"id": r.reminder.pk, "tracking": r.reminder.request.tracking, "kind": r.reminder.kind,
             "target_date": r.reminder.target_date.isoformat(), "emails": len(sent.intersection(r.email_ids))}
            for r in recorded]


def _drafted(reminders: Sequence[Reminder], *, now: datetime) -> int | None:
    """How many of these overdue or follow-up reminders this call drafted the letters of;
    None if drafting failed: that is logged, and a later scan tries again (follow_ups_left),
    never sending the reminders again."""
    if not reminders:
        return 0
    try:
        return _draft_follow_ups(reminders, now=now)
    except Exception:
        logger.exception("the follow-up letters of %d reminders (%s, ...) were not drafted; they will be retried",
                         len(reminders), reminders[0].pk)
        return None


@transaction.atomic
def _draft_follow_ups(reminders: Sequence[Reminder], *, now: datetime) -> int:
    """Claims the drafting of those whose letters no one has drafted, and drafts them
    together; a failure undoes the claim with the letters."""
    mine = _claim_drafting(reminders, now=now)
    draft_follow_ups([FollowUpOccasion(r.request, r.target_date, r.get_kind_display()) for r in mine])
    return len(mine)


def _claim_drafting(reminders: Sequence[Reminder], *, now: datetime) -> list[Reminder]:
    """Those not drafted yet, claimed for this transaction alone: read under their row locks,
    passing over any another worker holds (PostgreSQL; SQLite has one writer at a time),
    then marked drafted. Another worker's later read finds them marked, or, once this rolls
    back, not."""
    free = set(Reminder.objects.select_for_update(skip_locked=True)
               .filter(pk__in=[reminder.pk for reminder in reminders], follow_up_drafted_at__isnull=True)
               .values_list("pk", flat=True))
    Reminder.objects.filter(pk__in=free).update(follow_up_drafted_at=now)
    return [reminder for reminder in reminders if reminder.pk in free]


def follow_ups_left(*, now: datetime) -> int:
    """Drafts the follow-ups of sent reminders whose drafting failed or whose worker died,
    FOLLOW_UPS_PER_SCAN at most, together; if that fails, each on its own, so that one
    whose letter cannot be drafted holds up none of the others. One that fails on its own
    is marked and goes behind the rest, so any number that keep failing never stop the
    others being drafted: they are tried again when their turn comes round."""
    left = list(Reminder.objects.filter(kind__in=FOLLOW_UP_KINDS, sent_at__lt=now - LEFT_AFTER,
                                        follow_up_drafted_at__isnull=True, skipped=False)
                .select_related("request__clock", "request__agency")
                .order_by(F("follow_up_failed_at").asc(nulls_first=True), "pk")[:FOLLOW_UPS_PER_SCAN])
    done = _drafted(left, now=now)
    if done is not None:
        return done
    # Each on its own; a batch of one has just failed on its own.
    alone = {r.pk: _drafted([r], now=now) for r in left} if len(left) > 1 else {r.pk: None for r in left}
    _failed_alone([reminder for reminder in left if alone[reminder.pk] is None], now=now)
    return sum(drafted or 0 for drafted in alone.values())


@transaction.atomic
def _failed_alone(reminders: Sequence[Reminder], *, now: datetime) -> None:
    """Marks reminders whose letters failed to draft on their own; the first time, their
    requests' history says so, for the team to draft the letter by hand meanwhile."""
    Reminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).update(follow_up_failed_at=now)
    record_summaries(actor=None, kind=EventKind.FOLLOW_UP_NOT_DRAFTED, summaries=[
        (reminder.request, f"the follow-up letter of the {reminder.get_kind_display().lower()} reminder of "
                           f"{reminder.target_date.isoformat()} could not be drafted; it will be tried again "
                           "(a follow-up can be drafted from this page meanwhile)")
        for reminder in reminders if reminder.follow_up_failed_at is None])


def scan(*, now: datetime, send_inline: bool) -> ScanReport:
    """Claims every due reminder and sends it here (inline) or enqueues it for workers, in
    messages of SEND_BATCH."""
    report = ScanReport(now=now)
    report.created = create_missing()
    report.skipped = skip_closed()
    report.finished = follow_ups_left(now=now)
    token, report.claimed = claim_due_reminders(now)
    report.token = token
    batches = [report.claimed[start:start + SEND_BATCH] for start in range(0, len(report.claimed), SEND_BATCH)]
    if send_inline:
        report.sent = [sent for batch in batches for sent in send_reminders(batch, token, now=now)]
        return report
    went = enqueue_each(task_named(SEND_TASK), [((batch, token), _shown(batch, token)) for batch in batches])
    report.enqueued = sum(len(batch) for batch in batches[:went])
    return report


def _shown(batch: list[int], token: str) -> str:
    """A message's arguments as logs show them: its first id and size, not hundreds of ids."""
    return f"([{batch[0]}, … {len(batch)} ids], {token!r})"
