"""The Celery app, wired to Django settings (every ``CELERY_*`` setting in settings.py).

Every task is named explicitly (``@shared_task(name="ops.heartbeat")``) so that renaming
a module never strands messages already in a queue. The periodic schedule is
recordsreq/schedule.py.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsreq.settings")

app = Celery("recordsreq")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
