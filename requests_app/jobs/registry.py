"""The kinds of job the runner knows, each registered by its own app when it loads.

A kind names its model, its staleness rule and how its work is done: either a step run
again and again, one worker at a time, until it says nothing remains (an import), or parts
that any number of workers run side by side (a campaign's letters, a bulk action, a
campaign's evidence packets; see Parts). A kind whose parts make one product (the packets'
ZIP) assembles it once every part is done, outside any transaction, under the job's claim.
Every kind restarts stale work (a part, a step or an assembly goes on from where it
stopped, an import starts again from scratch, which is the step's own business): the sweep
only enqueues it again, and the claim lets a worker take it over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from requests_app.jobs.models import Job

Step = Callable[[Job], bool]


@dataclass(frozen=True)
class Parts:
    """How a kind splits a job into parts that workers run side by side (jobs/parts.py).

    ``split`` is asked once, when the job starts, for the ids each part handles. ``run``
    does one part's work and returns what it did, touching nothing of the job's own row:
    it may run twice for one part (its worker seemed gone and another took over), and must
    be safe to repeat. ``record`` adds what a part did to the job; given the job locked and
    saving it for it, in the transaction that marks the part done. It may end the job early
    (set a state not active: a part found the job cannot go on), and the parts still
    running are then dropped.

    The job ends in one of two ways. ``finish`` sets its end state in the transaction of
    the last part, when the parts' outcomes are the job's product (letters, bulk actions).
    ``assemble`` is for a product made of the parts' work that is too large to build under
    a row lock (a ZIP of gigabytes): once every part is recorded, a worker claims the job
    as it would for a step and calls ``assemble(job, outcomes)`` with no transaction open,
    the parts' outcomes in their order (kept on their JobPart rows, so JSON values). It
    ends the job through ``parts.assembly_end``, which stores only while the claim is
    still this worker's; should its worker stop, the sweep has the job assembled again.
    Once ended, it removes what the parts stored and calls ``parts.assembled`` (a worker
    stopped before that leaves the parts for the sweep to ``discard``).

    ``discard(job_id, outcomes)``, if given, removes what outcomes left outside the
    database (files) that no one will assemble: a part's that came too late to be recorded
    (another worker took it over, or the job ended meanwhile), every recorded part's of a
    job that ended early or was deleted. It is called with no transaction open.
    ``time_limits`` are one part's (soft, hard) seconds, when they differ from the kind's
    (which its steps and its assembly run under); keep them under the kind's staleness,
    as a part sends no heartbeat while it runs."""

    split: Callable[[Job], Sequence[Sequence[int]]]
    run: Callable[[Job, list[int]], Any]
    record: Callable[[Job, list[int], Any], None]
    finish: Callable[[Job], None] | None = None
    assemble: Callable[[Job, list[Any]], None] | None = None
    discard: Callable[[int, list[Any]], None] | None = None
    time_limits: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if (self.finish is None) == (self.assemble is None):
            raise ValueError("parts end their job by finish or by assemble, and not both")


def chunked(ids: Sequence[int], size: int) -> list[list[int]]:
    """``ids`` in consecutive parts of ``size`` (the last may be shorter)."""
    return [list(ids[start:start + size]) for start in range(0, len(ids), size)]


@dataclass(frozen=True)
class Kind:
    name: str  # in task messages: never rename one that may have jobs queued
    model: type[Job]
    step: Step | None = None  # does the next chunk of the claimed job; True while more remains
    parts: Parts | None = None  # or: the job's parts, run side by side (one of the two)
    # Running with no heartbeat for this long: its worker stopped, and another may take over.
    stale_after: timedelta = timedelta(minutes=10)
    # Queued for this long with no worker taking it: the broker lost the message.
    lost_after: timedelta = timedelta(minutes=10)
    # The limits of one step (an assembly too) in seconds (soft, hard), when longer than the
    # default task's; of one part too, unless its Parts has limits of its own.
    time_limits: tuple[int, int] | None = None
    related: tuple[str, ...] = ()  # select_related for the job the step is given

    def __post_init__(self) -> None:
        if (self.step is None) == (self.parts is None):
            raise ValueError(f"job kind {self.name!r} needs a step or parts, and not both")

    def task_options(self) -> dict[str, int]:
        return _limits(self.time_limits)

    def part_task_options(self) -> dict[str, int]:
        return _limits(self.parts.time_limits or self.time_limits)


def _limits(limits: tuple[int, int] | None) -> dict[str, int]:
    if limits is None:
        return {}
    soft, hard = limits
    return {"soft_time_limit": soft, "time_limit": hard}


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if _KINDS.get(kind.name, kind) != kind:
        raise ValueError(f"another job kind is registered as {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> Kind:
    return _KINDS[name]


def kind_of(job: Job) -> Kind:
    return next(kind for kind in _KINDS.values() if isinstance(job, kind.model))


def kinds() -> list[Kind]:
    return list(_KINDS.values())
