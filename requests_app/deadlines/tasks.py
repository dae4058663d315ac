from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.deadlines import reminders


@shared_task(name="reminders.digest")
def send_digests() -> int:
    return reminders.send_digests(now=timezone.now())
