from __future__ import annotations

import smtplib

from celery import shared_task
from django.utils import timezone

from requests_app.deadlines import reminders


@shared_task(name="reminders.scan")
def scan_reminders() -> dict[str, object]:
    report = reminders.scan(now=timezone.now(), send_inline=False)
    return {"created": report.created, "skipped": report.skipped, "claimed": len(report.claimed),
            "enqueued": report.enqueued}


# Mail server hiccups are retried; the claim token keeps a retry from sending twice.
@shared_task(name="reminders.send", autoretry_for=(smtplib.SMTPException, OSError),
             retry_backoff=30, retry_backoff_max=600, max_retries=6)
def send_reminder_task(reminder_id: int, token: str) -> None:
    reminders.send_reminder(reminder_id, token, now=timezone.now())


@shared_task(name="reminders.digest")
def send_digests() -> int:
    return reminders.send_digests(now=timezone.now())
