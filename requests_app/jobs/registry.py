"""The kinds of job the runner knows, each registered by its own app when it loads.

A kind names its model, its staleness rule and how its work is done: either a step run
again and again, one worker at a time, until it says nothing remains (an export, an
import), or parts that any number of workers run side by side (a campaign's letters, a
bulk action; see Parts). Every kind restarts stale work (a part or a step goes on from
where it stopped, an export or an import starts again from scratch, which is the step's
own business): the sweep only enqueues it again, and the claim lets a worker take it over.
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
    be safe to repeat. ``record`` adds what a part did to the job and ``finish`` sets the
    job's end state once every part is done; both are given the job locked and have it
    saved for them, in the transaction that marks the part done."""

    split: Callable[[Job], Sequence[Sequence[int]]]
    run: Callable[[Job, list[int]], Any]
    record: Callable[[Job, list[int], Any], None]
    finish: Callable[[Job], None]


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
    # The limits of one step in seconds (soft, hard), when longer than the default task's.
    time_limits: tuple[int, int] | None = None
    related: tuple[str, ...] = ()  # select_related for the job the step is given

    def __post_init__(self) -> None:
        if (self.step is None) == (self.parts is None):
            raise ValueError(f"job kind {self.name!r} needs a step or parts, and not both")

    def task_options(self) -> dict[str, int]:
        if self.time_limits is None:
            return {}
        soft, hard = self.time_limits
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
