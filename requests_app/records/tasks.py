from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="records.run_bulk_job")
def run_bulk_job(job_id: int) -> None:
    """Handles one chunk of a bulk job, then queues the next, so progress shows and no task runs long."""
    from requests_app.ops.queue import enqueue_now
    from requests_app.records.bulk_jobs import run_next_chunk

    if run_next_chunk(job_id=job_id, today=timezone.localdate()):
        enqueue_now(run_bulk_job, job_id)


@shared_task(name="records.sweep_bulk_jobs")
def sweep_bulk_jobs() -> int:
    from requests_app.records.bulk_jobs import sweep_bulk_jobs as sweep

    return sweep(now=timezone.now())
