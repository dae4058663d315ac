"""The reminder scan: every due reminder claimed, recorded with its notifications and their
emails (deadlines.reminders), the emails delivered (the outbox), and the follow-up letter an
overdue or follow-up reminder calls for drafted (letters.follow_ups), each step on its own,
so a worker killed between them leaves work the next scan or the outbox's sweep finishes and
nothing is done twice."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

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
from requests_app.letters.follow_ups import draft_follow_up
from requests_app.ops.queue import enqueue_each, task_named
from requests_app.outbox.services import emails_deliver

logger = logging.getLogger(__name__)
SEND_TASK = "reminders.send"  # workflow/tasks.py
# Letters a dead worker left, drafted by one scan: the rest wait for the next.
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
    finished: int = 0  # follow-up letters a dead worker left, drafted by this scan


def send_reminders(reminder_ids: Sequence[int], token: str, *, now: datetime) -> list[dict[str, object]]:
    """Notifies the recipients of reminders this caller claimed; any not ours to send
    (already sent, or claimed again by another scan) is left out of what is returned.

    Three steps, none of them inside another: the reminders are recorded (their in-app
    notifications written, their emails asked of the outbox, and the reminders marked sent,
    one short transaction with the same few queries however many reminders there are); their
    emails are delivered here, with no transaction open (no delivery task is woken for them:
    the outbox's sweep takes any this worker leaves); last, each overdue or follow-up reminder
    drafts its letter. A worker killed between steps leaves data that the outbox sweep or
    the next scan finishes (follow_ups_left), and nothing a step does is done twice.
    "emails" counts each reminder's emails sent.
    """
    recorded = record_reminders(reminder_ids, token, now=now)
    sent = emails_deliver([email_id for r in recorded for email_id in r.email_ids], now=now)
    for r in recorded:
        _draft_follow_up(r.reminder, now=now)
    return [{"id": r.reminder.pk, "tracking": r.reminder.request.tracking, "kind": r.reminder.kind,
             "target_date": r.reminder.target_date.isoformat(), "emails": len(sent.intersection(r.email_ids))}
            for r in recorded]


def _draft_follow_up(reminder: Reminder, *, now: datetime) -> None:
    """Drafts the letter an overdue or follow-up reminder calls for, once, after the reminder
    is recorded: a drafting failure is logged and tried again by a later scan, never sending
    the reminder again."""
    if reminder.kind not in FOLLOW_UP_KINDS:
        return
    try:
        with transaction.atomic():
            if not Reminder.objects.filter(pk=reminder.pk, follow_up_drafted_at__isnull=True).update(
                    follow_up_drafted_at=now):
                return  # another worker drafted it
            draft_follow_up(request=reminder.request, on=reminder.target_date, reason=reminder.get_kind_display())
    except Exception:
        logger.exception("the follow-up letter of reminder %s was not drafted; it will be retried", reminder.pk)


def follow_ups_left(*, now: datetime) -> int:
    """Drafts the follow-ups of sent reminders whose drafting failed or whose worker died."""
    left = (Reminder.objects.filter(kind__in=FOLLOW_UP_KINDS, sent_at__lt=now - LEFT_AFTER,
                                    follow_up_drafted_at__isnull=True, skipped=False)
            .select_related("request__clock", "request__agency"))
    done = 0
    for reminder in left[:FOLLOW_UPS_PER_SCAN]:
        _draft_follow_up(reminder, now=now)
        done += 1
    return done


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
