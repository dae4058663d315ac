"""The task that runs a step of a job of any kind (or its assembly), the one that runs a
part, and the sweep."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from requests_app.jobs import parts, runner
from requests_app.jobs.registry import kind_named
from requests_app.ops import queue


@shared_task(name=parts.STEP_TASK)
def run_job(kind: str, job_id: int) -> None:
    """Runs one step of the job, then queues the next, so progress shows and no task runs long."""
    if runner.run_step(kind, job_id, now=timezone.now()):
        queue.enqueue_on_commit(run_job, kind, job_id, **kind_named(kind).task_options())


@shared_task(name=parts.PART_TASK)
def run_job_part(kind: str, job_id: int, index: int) -> None:
    """Runs one part of a job whose parts run side by side; the last part ends the job."""
    parts.run_part(kind, job_id, index, now=timezone.now())


@shared_task(name="jobs.sweep")
def sweep_jobs() -> int:
    return jobs_sweep(now=timezone.now())


def jobs_sweep(*, now: datetime) -> int:
    """Wakes a worker for every job the broker lost or whose worker stopped; how many. Then
    drops the parts of jobs ended or deleted meanwhile."""
    woken = sum(queue.enqueue_now(run_job, name, pk, **kind_named(name).task_options())
                for name, pk in runner.due(now=now))
    parts.drop_orphans()
    return woken
