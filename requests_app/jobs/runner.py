"""Runs one step of a job of any kind, and finds the jobs a worker should be woken for.

A step runs only under a claim: one conditional UPDATE takes a job that is queued, between
steps, or silent for longer than its kind allows (its worker stopped), so two workers
handed the same job (a sweep re-enqueued it while the broker still held it) never run a
step of it at once. The claim's time is the claim's token: the runner releases the job only
if it is still the one holding it. Nothing here talks to the broker (see tasks.py).

The claim is the job's, one step at a time. A kind with parts has one step, which records
them; each part then has a claim of its own (parts.py), while the job keeps its state,
progress and heartbeat for the page and the sweep. Of a kind that assembles its parts' work,
the same step, run once every part is done, assembles it under the job's claim.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from requests_app.jobs import parts
from requests_app.jobs.models import ACTIVE, Job, JobState
from requests_app.jobs.registry import Kind, kind_named, kinds

logger = logging.getLogger(__name__)


def claim(name: str, job_id: int, *, now: datetime) -> Job | None:
    """The job, marked running and held by this worker, if no live worker holds it."""
    kind = kind_named(name)
    claimable = Q(claimed_at__isnull=True) | Q(updated_at__lt=now - kind.stale_after)
    claimed = kind.model.objects.filter(claimable, pk=job_id, state__in=ACTIVE).update(
        state=JobState.RUNNING, claimed_at=now, updated_at=now, started_at=Coalesce(F("started_at"), Value(now)))
    return kind.model.objects.select_related(*kind.related).get(pk=job_id) if claimed else None


def run_step(name: str, job_id: int, *, now: datetime) -> bool:
    """Claims the job and runs its next step; True while more remains (the caller queues
    the next step). A step that raises keeps its claim, so the job is taken up again only
    once its kind's staleness has passed, by the sweep."""
    job = claim(name, job_id, now=now)
    if job is None:
        return False
    kind = kind_named(name)
    try:
        more = kind.step(job) if kind.parts is None else parts.split(kind, job, now=now)
    except Exception as exc:  # the kind's own failures are its step's to record; this is anything else
        logger.exception("%s job %s: its step failed; the sweep will retry it", name, job_id)
        _held(job).update(error=f"{type(exc).__name__}: {exc}"[:4000])
        return False
    _held(job).update(claimed_at=None, finished_at=Case(When(state__in=ACTIVE, then=F("finished_at")),
                                                        default=Value(timezone.now())))
    return more


def _held(job: Job) -> QuerySet[Job]:
    """The job, while the claim this worker took is still the one on it."""
    return type(job).objects.filter(pk=job.pk, claimed_at=job.claimed_at)


def due(*, now: datetime) -> list[tuple[str, int]]:
    """(kind, job id) of every job a worker should be woken for: queued but never taken (the
    broker lost its message), or running and silent past its kind's staleness."""
    return [(kind.name, pk) for kind in kinds() for pk in _due(kind, now)]


def _due(kind: Kind, now: datetime) -> QuerySet:
    lost = Q(state=JobState.QUEUED, updated_at__lt=now - kind.lost_after)
    stale = Q(updated_at__lt=now - kind.stale_after)
    return kind.model.objects.filter(lost | stale, state__in=ACTIVE).order_by("pk").values_list("pk", flat=True)
