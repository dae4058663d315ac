"""Sending what a catch-up scan claimed, as a worker sends it, timed: for bench/deadlines.py."""

from __future__ import annotations

import time
from typing import Any

from query_log import SLOWEST_SHOWN, counting
from scan_results import Send

SEND_SAMPLE = 2  # messages' batches of the catch-up sent as a worker sends them, timed


def send_sample(requests: int, run: int, report: Any) -> Send:
    """Sends the first SEND_SAMPLE batches the scan enqueued, as the workers would (their
    notifications, emails to the file backend, follow-up letters), timed with their queries;
    then undoes what they wrote, untimed, so that every run sends the same reminders afresh."""
    from requests_app.workflow.reminders import SEND_BATCH, send_reminders

    batches = [report.claimed[n:n + SEND_BATCH] for n in range(0, SEND_SAMPLE * SEND_BATCH, SEND_BATCH)]
    batches = [batch for batch in batches if batch]
    marks = sending_marks()
    with counting() as log:
        start = time.perf_counter()
        sent = [r for batch in batches for r in send_reminders(batch, report.token, now=report.now)]
        seconds = time.perf_counter() - start
    undo_sending(marks)
    return Send(requests=requests, run=run, batches=len(batches), reminders=sum(map(len, batches)), sent=len(sent),
                emails=sum(int(r["emails"]) for r in sent), queries=log.count, seconds=seconds,
                slowest=log.slowest(SLOWEST_SHOWN))


def sent_models() -> list[Any]:
    """What sending a reminder adds rows to, past its own marks."""
    from requests_app.deadlines.models import Notification
    from requests_app.letters.models import FollowUpLetter
    from requests_app.outbox.models import Email
    from requests_app.records.models import RequestEvent

    return [Notification, Email, FollowUpLetter, RequestEvent]


def sending_marks() -> dict[Any, int]:
    """Each table's highest id before the timed sending."""
    from django.db.models import Max

    return {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in sent_models()}


def undo_sending(marks: dict[Any, int]) -> None:
    for model, last in marks.items():
        model.objects.filter(pk__gt=last).delete()
