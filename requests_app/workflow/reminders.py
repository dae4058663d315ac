"""The reminder scan: every due reminder claimed, recorded with its notifications and their
emails (deadlines.reminders), the emails delivered (the outbox), and the follow-up letter an
overdue or follow-up reminder calls for drafted (letters.follow_ups), each step on its own,
so a worker killed between them leaves work the next scan or the outbox's sweep finishes and
nothing is done twice."""

from __future__ import annotations

import logging
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
    deliver_emails,
    record_reminder,
    skip_closed,
)
from requests_app.letters.follow_ups import draft_follow_up
from requests_app.ops.queue import enqueue_now, task_named

logger = logging.getLogger(__name__)
SEND_TASK = "reminders.send"  # workflow/tasks.py


@dataclass
class ScanReport:
    now: datetime
    created: int = 0
    skipped: int = 0
    claimed: list[int] = field(default_factory=list)
    sent: list[dict[str, object]] = field(default_factory=list)
    enqueued: int = 0
    finished: int = 0  # follow-up letters a dead worker left, drafted by this scan


def send_reminder(reminder_id: int, token: str, *, now: datetime) -> dict[str, object] | None:
    """Notifies the recipients of a reminder this caller claimed; None if it was not ours
    to send (already sent, or claimed again by another scan).

    Three steps, none of them inside another: the reminder is recorded (its in-app
    notifications written, their emails asked of the outbox, and the reminder marked sent,
    one short transaction); its emails are delivered here, with no transaction open (no
    delivery task is woken for them: the outbox's sweep takes any this worker leaves);
    last, an overdue or follow-up reminder drafts its letter. A worker killed between steps
    leaves data that the outbox sweep or the next scan finishes (follow_ups_left), and
    nothing a step does is done twice. "emails" counts the emails sent.
    """
    recorded = record_reminder(reminder_id, token, now=now)
    if recorded is None:
        return None
    reminder, email_ids = recorded
    emails = deliver_emails(email_ids, now=now)
    _draft_follow_up(reminder, now=now)
    return {"id": reminder.pk, "tracking": reminder.request.tracking, "kind": reminder.kind,
            "target_date": reminder.target_date.isoformat(), "emails": emails}


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
    for reminder in left[:SEND_BATCH]:
        _draft_follow_up(reminder, now=now)
        done += 1
    return done


def scan(*, now: datetime, send_inline: bool) -> ScanReport:
    """Claims every due reminder and sends it here (inline) or enqueues it for workers."""
    report = ScanReport(now=now)
    report.created = create_missing()
    report.skipped = skip_closed()
    report.finished = follow_ups_left(now=now)
    token, report.claimed = claim_due_reminders(now)
    if send_inline:
        report.sent = [r for r in (send_reminder(pk, token, now=now) for pk in report.claimed) if r]
        return report
    for start in range(0, len(report.claimed), SEND_BATCH):
        batch = report.claimed[start:start + SEND_BATCH]
        report.enqueued += len(batch) if enqueue_now(task_named(SEND_TASK), batch, token) else 0
    return report
