from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.letters import follow_up_sending


# Throttled like a request's own letter, so that many follow-ups do not flood the mail server.
@shared_task(name="letters.send_follow_up_email", rate_limit="30/m")
def send_follow_up_email(letter_id: int) -> None:
    if follow_up_sending.claim_follow_up(letter_id):
        follow_up_sending.send_claimed_follow_up(letter_id)


@shared_task(name="letters.sweep_follow_up_sends")
def sweep_follow_up_sends() -> dict[str, int]:
    return follow_up_sending.sweep_follow_up_sends(now=timezone.now())
