"""Jobs whose parts run side by side, on as many workers (and worker processes) as there are.

The job's step, run under the job's claim like any other, records the parts the kind
splits the job into and wakes a worker for each once that commits. Each worker claims its
part with one conditional UPDATE (as the runner claims a job), runs it with no transaction
open, then, in one transaction holding the job's row, marks the part done and adds what it
did to the job; the part that finds none left ends the job and deletes the parts. A part
whose worker stopped keeps its claim until the kind's staleness has passed: then the job,
silent too once the other parts are done, is woken by the sweep, and its step wakes a
worker for every part no live worker holds.

A kind that assembles its parts' work (Parts.assemble) keeps the parts, each with its
outcome, past the last one: that part queues the job's step once it commits, and the step,
finding every part done, assembles under the job's claim with no transaction open, then
ends the job through ``assembly_end``, which stores only while the claim is still this
worker's. Until then the job stays running: should the assembler stop, the sweep wakes the
job, and its step, finding the parts all done still, assembles again rather than splitting
anew. The ended job's parts stay until the assembler has removed what they stored
(``assembled``); should it stop before, the sweep discards their outcomes (drop_orphans).

Nothing here talks to the broker but through ``ops.queue`` (the tasks are enqueued by
name: tasks.py imports this module).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from requests_app.jobs.models import ACTIVE, Job, JobPart, JobState
from requests_app.jobs.registry import Kind, kind_named, kind_of, kinds
from requests_app.ops import queue

logger = logging.getLogger(__name__)
PART_TASK = "jobs.run_part"
STEP_TASK = "jobs.run"


def split(kind: Kind, job: Job, *, now: datetime) -> bool:
    """The step of a kind with parts: records the parts the first time (or ends a job with
    nothing to do), else wakes a worker for each part no live worker holds; once every part
    is done, assembles the job's product (a kind that assembles). Always False: the parts,
    not further steps, carry the job on."""
    assert kind.parts is not None
    with transaction.atomic():
        parts = parts_of(kind.name, job.pk)
        if parts.exists():
            wake = list(_free(parts, kind, now).values_list("index", flat=True))
        else:
            wake = _record_parts(kind, job, now)
        for index in wake:
            queue.enqueue_on_commit(queue.task_named(PART_TASK), kind.name, job.pk, index, **kind.part_task_options())
        ready = kind.parts.assemble is not None and not parts.exclude(state=JobState.DONE).exists()
    if ready:
        _assemble(kind, job)
    return False


def parts_of(name: str, job_id: int) -> QuerySet[JobPart]:
    return JobPart.objects.filter(kind=name, job_id=job_id)


def _record_parts(kind: Kind, job: Job, now: datetime) -> list[int]:
    """The parts, recorded; the job's total is what it had handled before (a job begun one
    step at a time, before its kind had parts) and what its parts hold."""
    split_ids = [list(ids) for ids in kind.parts.split(job) if ids]
    type(job).objects.filter(pk=job.pk).update(total=job.handled + sum(map(len, split_ids)))
    JobPart.objects.bulk_create(
        JobPart(kind=kind.name, job_id=job.pk, index=index, items=ids, updated_at=now)
        for index, ids in enumerate(split_ids))
    if not split_ids and kind.parts.finish is not None:  # nothing to do: done at once
        _end(kind, _locked(kind, job.pk))
    return list(range(len(split_ids)))


def _free(parts: QuerySet[JobPart], kind: Kind, now: datetime) -> QuerySet[JobPart]:
    """The parts not done that no live worker holds: never taken (the broker lost the
    message, or it waits behind other work), or silent past the kind's staleness."""
    return parts.filter(Q(claimed_at__isnull=True) | Q(updated_at__lt=now - kind.stale_after),
                        state__in=ACTIVE).order_by("index")


def run_part(name: str, job_id: int, index: int, *, now: datetime) -> None:
    """Claims the part and runs it, then records it; nothing if another worker holds it or
    it is done. A part that raises keeps its claim, so it is run again only once its kind's
    staleness has passed, when the sweep wakes the job."""
    kind = kind_named(name)
    part = _claim(kind, job_id, index, now)
    if part is None:
        return
    job = kind.model.objects.select_related(*kind.related).filter(pk=job_id, state__in=ACTIVE).first()
    if job is None:  # the job was ended or deleted meanwhile: its parts are moot
        _discard(kind, job_id, _drop(kind, job_id))
        return
    try:
        outcome = kind.parts.run(job, part.items)
    except Exception as exc:  # the kind's own failures are its run's to return; this is anything else
        logger.exception("%s job %s: part %s failed; the sweep will retry it", name, job_id, index)
        kind.model.objects.filter(pk=job_id).update(error=f"{type(exc).__name__}: {exc}"[:4000])
        return
    _discard(kind, job_id, _record(kind, part, outcome))


def _claim(kind: Kind, job_id: int, index: int, now: datetime) -> JobPart | None:
    claimable = Q(claimed_at__isnull=True) | Q(updated_at__lt=now - kind.stale_after)
    part = parts_of(kind.name, job_id).filter(claimable, index=index, state__in=ACTIVE)
    if not part.update(state=JobState.RUNNING, claimed_at=now, updated_at=now):
        return None
    return parts_of(kind.name, job_id).get(index=index)


@transaction.atomic
def _record(kind: Kind, part: JobPart, outcome: Any) -> list[Any]:
    """Marks the part done and adds its outcome to the job, once: only while this worker's
    claim is still the part's (a worker that was only slow finds another holding it, which
    records it instead). The job's row is locked first, so parts ending at once take turns.
    The outcomes no one will use: this one, if not recorded; every recorded part's, if this
    one ended the job early."""
    job = _locked(kind, part.job_id)
    held = JobPart.objects.filter(pk=part.pk, claimed_at=part.claimed_at, state=JobState.RUNNING)
    kept = {"outcome": outcome} if kind.parts.assemble else {}
    if job is None or not job.active or not held.update(state=JobState.DONE, claimed_at=None,
                                                        updated_at=timezone.now(), **kept):
        return [outcome]
    kind.parts.record(job, part.items, outcome)
    if not job.active:  # the part ended the job: the others' work is moot
        return _close(kind, job)
    if parts_of(kind.name, job.pk).exclude(state=JobState.DONE).exists():
        job.save()  # its progress, and its heartbeat (updated_at)
    elif kind.parts.assemble:
        job.save()
        queue.enqueue_on_commit(queue.task_named(STEP_TASK), kind.name, job.pk, **kind.task_options())
    else:
        _end(kind, job)
    return []


def _locked(kind: Kind, job_id: int) -> Job | None:
    return kind.model.objects.select_for_update().filter(pk=job_id).first()


def _end(kind: Kind, job: Job) -> None:
    kind.parts.finish(job)
    _close(kind, job)


def _close(kind: Kind, job: Job) -> list[Any]:
    """Saves the ended job and deletes its parts; their recorded outcomes."""
    job.claimed_at = None
    job.finished_at = timezone.now()
    job.save()
    return _drop(kind, job.pk)


def _drop(kind: Kind, job_id: int) -> list[Any]:
    """Deletes the job's parts; the outcomes they had recorded."""
    outcomes = _outcomes(kind, job_id)
    parts_of(kind.name, job_id).delete()
    return outcomes


def _outcomes(kind: Kind, job_id: int) -> list[Any]:
    return [outcome for outcome in parts_of(kind.name, job_id).values_list("outcome", flat=True)
            if outcome is not None]


def _discard(kind: Kind, job_id: int, outcomes: list[Any]) -> None:
    if outcomes and kind.parts.discard is not None:
        kind.parts.discard(job_id, outcomes)


# Assembly ---------------------------------------------------------------------------


def _assemble(kind: Kind, job: Job) -> None:
    """The kind's assembly of the parts' outcomes, in the parts' order, given the job as it
    stands now (the total its parts were recorded with) and still held by this claim."""
    outcomes = list(parts_of(kind.name, job.pk).order_by("index").values_list("outcome", flat=True))
    current = kind.model.objects.select_related(*kind.related).get(pk=job.pk)
    kind.parts.assemble(current, outcomes)


def held(job: Job) -> QuerySet[Job]:
    """The job while still active and held by the claim it was given with."""
    return type(job).objects.filter(pk=job.pk, claimed_at=job.claimed_at, state__in=ACTIVE)


def assembly_beat(job: Job) -> bool:
    """The assembler's heartbeat, so the sweep leaves it be; False if the job was taken over
    (its worker seemed gone) or ended meanwhile: the assembler then stops, storing nothing."""
    return bool(held(job).update(updated_at=timezone.now()))


def assembly_end(job: Job, **fields: Any) -> bool:
    """Ends the assembled job with ``fields`` (its end state, its product), only while this
    assembler's claim is still the job's. False if another worker took it over or it ended
    meanwhile: the caller removes what it stored. True: the caller removes what the parts
    stored, then calls ``assembled``; the parts of the ended job are the sweep's to discard
    should it stop before (drop_orphans)."""
    now = timezone.now()
    return bool(held(job).update(claimed_at=None, finished_at=now, updated_at=now, **fields))


def assembled(job: Job) -> None:
    """Deletes the parts of a job ended by ``assembly_end``, once what they stored is gone."""
    parts_of(kind_of(job).name, job.pk).delete()


def drop_orphans() -> int:
    """Discards the outcomes of the parts whose job is gone or ended (deleted while its parts
    ran or before its assembly, or assembled by a worker that stopped before removing them),
    then deletes those parts; how many jobs had such parts.
    Parts whose outcomes could not be discarded (storage down) stay for the next sweep."""
    dropped = 0
    for kind in kinds():
        if kind.parts is None:
            continue
        alive = kind.model.objects.filter(state__in=ACTIVE).values("pk")
        orphans = JobPart.objects.filter(kind=kind.name).exclude(job_id__in=alive)
        for job_id in set(orphans.values_list("job_id", flat=True)):
            try:
                _discard(kind, job_id, _outcomes(kind, job_id))
            except Exception:  # the kind's storage raises its own errors
                logger.exception("%s job %s: its parts' outcomes could not be discarded", kind.name, job_id)
                continue
            parts_of(kind.name, job_id).delete()
            dropped += 1
    return dropped
