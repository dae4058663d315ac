"""Enqueueing that survives a broker outage.

Work is always recorded in the database first (a request marked "queued", a campaign
marked "rendering"); the Celery message only wakes a worker up. If the broker is down
the page still answers, and the periodic sweeps in recordsreq/schedule.py enqueue the
recorded work again once it is back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import Task, current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: object, **options: object) -> None:
    """Send the task after the current transaction commits, never failing the caller."""
    transaction.on_commit(lambda: enqueue_now(task, *args, **options))


def enqueue_now(task: Task, *args: object, **options: object) -> bool:
    try:
        task.apply_async(args=args, **options)
    except Exception:  # the broker's client raises its own errors (kombu, redis, sqlalchemy)
        logger.warning("could not enqueue %s%r; a periodic sweep will retry", task.name, args, exc_info=True)
        return False
    return True


def enqueue_each(task: Task, messages: Sequence[tuple[tuple[object, ...], str]]) -> int:
    """Sends one message per (args, argsrepr) over one broker connection; returns how many
    went. ``argsrepr`` is how logs show the arguments: given, it spares Celery formatting
    thousands of ids, which took longer than sending. The first message the broker refuses
    ends the run (the rest would fail the same way); the work stays recorded for a sweep."""
    went = 0
    try:
        with task.app.producer_or_acquire() as producer:
            for args, shown in messages:
                task.apply_async(args=args, argsrepr=shown, producer=producer)
                went += 1
    except Exception:  # the broker's client raises its own errors (kombu, redis, sqlalchemy)
        logger.warning("could not enqueue %s (%d of %d sent); a periodic sweep will retry", task.name, went,
                       len(messages), exc_info=True)
    return went


def task_named(name: str) -> Task:
    """The task registered under ``name``: how a service enqueues a task whose module imports
    that service, so that the two modules never import each other. A web process imports the
    apps' task modules only when first asked for one (a worker imports them as it starts)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # autodiscovery: every app's tasks.py
    return current_app.tasks[name]
