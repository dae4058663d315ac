"""Starting a job: the one place a kind's service hands its recorded job to a worker."""

from __future__ import annotations

from requests_app.jobs.models import Job
from requests_app.jobs.registry import kind_of
from requests_app.jobs.tasks import run_job
from requests_app.ops import queue


def job_enqueue(job: Job) -> None:
    """Wakes a worker for the job once the current transaction commits. The job is recorded
    first, so should the broker be down the sweep wakes one later."""
    kind = kind_of(job)
    queue.enqueue_on_commit(run_job, kind.name, job.pk, **kind.task_options())
