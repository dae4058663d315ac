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
    # Re-sends work recorded while the broker was down; fails interrupted email sends.
    "sweep-sends": {
        "task": "records.sweep_sends",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 240},
    },
    "sweep-campaign-rendering": {
        "task": "campaigns.sweep_rendering",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 240},
    },
}
