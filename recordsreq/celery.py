"""The Celery app, wired to Django settings (every ``CELERY_*`` setting in settings.py).

Every task is named explicitly (``@shared_task(name="ops.heartbeat")``) so that renaming
a module never strands messages already in a queue. The periodic schedule is
recordsreq/schedule.py.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsreq.settings")

app = Celery("recordsreq")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

EMBEDDED_BROKER_POLLING = 0.05  # seconds


@worker_init.connect
def poll_the_embedded_broker_often(sender: Any, **kwargs: object) -> None:
    """The embedded broker (kombu's SQLAlchemy transport) is a table a worker polls. At
    kombu's default of a second between looks, a worker process that finished a part of a
    campaign idled half a second on average before taking the next. At a twentieth of a
    second, the 40 parts of 1,000 letters on 2 processes wait about half a second in all
    (two at a fifth), and an idle worker's looks cost it about 3% of a core (1% at a
    fifth), as measured on the development machine; Redis hands messages over unpolled.
    The transport hands every option it is given to SQLAlchemy's create_engine, so the
    interval cannot travel as a broker option: it is the transport's own class default, set
    as a worker starts on that broker (importing the transport costs a web process a third
    of a second for nothing)."""
    if not sender.app.conf.broker_url.startswith("sqla+"):  # sender: the worker
        return
    from kombu.transport.sqlalchemy import Transport

    Transport.polling_interval = EMBEDDED_BROKER_POLLING
