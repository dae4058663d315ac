from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.outbox import services


# Throttled so that a campaign's hundreds of letters do not flood the mail server.
@shared_task(name=services.DELIVER_TASK, rate_limit="30/m")
def deliver_email(email_id: int) -> None:
    services.email_deliver(email_id)


@shared_task(name="outbox.sweep")
def sweep_emails() -> dict[str, int]:
    return services.email_sweep(now=timezone.now())
