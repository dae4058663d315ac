"""Every periodic task, in one reviewed place.

Each entry names a task by its registered name; the worker's ``-B``/beat process reads
this table. Change a period here, not in the task modules.
"""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Lets /healthz tell whether any worker is consuming the queue.
    "worker-heartbeat": {
        "task": "ops.heartbeat",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    # Creates, claims and hands out every reminder due up to now; hourly, so a reminder
    # goes out within the hour of its day starting, and a missed run is caught up.
    "scan-reminders": {
        "task": "reminders.scan",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3000},
    },
    "reminder-digests": {
        "task": "reminders.digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every email: re-sends those recorded while the broker was down, fails interrupted sends.
    "sweep-emails": {
        "task": "outbox.sweep",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 240},
    },
    # Does nothing unless IMAP_HOST is configured.
    "poll-records-mailbox": {
        "task": "documents.poll_mailbox",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 240},
    },
    "sweep-document-extraction": {
        "task": "documents.sweep_extraction",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 540},
    },
    # Chunked background work (bulk actions, campaign rendering, packet exports, audit-log
    # imports) whose message the broker lost or whose worker stopped.
    "sweep-jobs": {
        "task": "jobs.sweep",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 240},
    },
}
