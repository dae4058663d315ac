"""The kinds of job the runner knows, each registered by its own app when it loads.

A kind names its model, its step and its staleness rule. Every kind today restarts stale
work (a bulk job or a rendering goes on from where it stopped, an export or an import
starts again from scratch, which is the step's own business): the sweep only enqueues it
again, and the claim lets a worker take it over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from requests_app.jobs.models import Job

Step = Callable[[Job], bool]


@dataclass(frozen=True)
class Kind:
    name: str  # in task messages: never rename one that may have jobs queued
    model: type[Job]
    step: Step  # does the next chunk of the claimed job; True while more remains
    # Running with no heartbeat for this long: its worker stopped, and another may take over.
    stale_after: timedelta = timedelta(minutes=10)
    # Queued for this long with no worker taking it: the broker lost the message.
    lost_after: timedelta = timedelta(minutes=10)
    # The limits of one step in seconds (soft, hard), when longer than the default task's.
    time_limits: tuple[int, int] | None = None
    related: tuple[str, ...] = ()  # select_related for the job the step is given

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
