"""Every periodic task, in one reviewed place.

Each entry names a task by its registered name; the worker's ``-B``/beat process reads
this table. Change a period here, not in the task modules.
"""

from __future__ import annotations

from datetime import timedelta

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Lets /healthz tell whether any worker is consuming the queue.
    "worker-heartbeat": {
        "task": "ops.heartbeat",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
}
