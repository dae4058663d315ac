"""The workflow's tasks: the hourly reminder scan and the batches of reminders it hands out."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.workflow import reminders


@shared_task(name="reminders.scan")
def scan_reminders() -> dict[str, object]:
    report = reminders.scan(now=timezone.now(), send_inline=False)
    return {"created": report.created, "skipped": report.skipped, "claimed": len(report.claimed),
            "enqueued": report.enqueued, "finished": report.finished}


@shared_task(name=reminders.SEND_TASK)
def send_reminders_task(reminder_ids: list[int], token: str) -> None:
    """Sends a batch of claimed reminders; the claim token keeps any re-run from sending one
    twice. Their emails go through the outbox."""
    reminders.send_reminders(reminder_ids, token, now=timezone.now())
