from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.records import sending


# Throttled so that a campaign's hundreds of letters do not flood the mail server.
@shared_task(name="records.send_request_email", rate_limit="30/m")
def send_request_email(request_id: int) -> None:
    if sending.claim_for_sending(request_id):
        sending.send_claimed_email(request_id)


@shared_task(name="records.sweep_sends")
def sweep_sends() -> dict[str, int]:
    return sending.sweep_sends(now=timezone.now())
