"""Real Celery worker processes for end-to-end tests, sharing the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from recordsreq.celery import app

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the test database, for the worker process to share."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def running_worker(broker_url: str, tmp_path: Path, *, queue: str = "celery", name: str | None = None,
                   processes: int = 1) -> Iterator[subprocess.Popen]:
    """A worker consuming ``queue`` (one process, or a pool of ``processes``); its log is
    printed if the test fails. Mail it sends is written to ``tmp_path / "mail"``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "recordsreq.test_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "RECORDSREQ_TEST_MAIL_DIR": str(tmp_path / "mail"),
        "RECORDSREQ_TEST_WORKER": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "recordsreq", "worker", "-Q", queue,
        *(["--pool=solo"] if processes == 1 else ["--pool=prefork", f"--concurrency={processes}"]),
        "-n", name or f"test-{uuid.uuid4().hex[:8]}@recordsreq-tests", "--without-gossip", "--without-mingle",
        "-l", "INFO",
    ]
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield worker
    except BaseException:
        print(log_path.read_text(errors="replace")[-6000:])
        raise
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Makes this (eager) test process publish tasks to a real broker instead."""
    real = {
        "task_always_eager": False,
        "broker_url": broker_url,
        "broker_write_url": broker_url,
        # Socket options are Redis's: the embedded broker hands its options to SQLAlchemy.
        "broker_transport_options": ({"socket_connect_timeout": 2, "socket_timeout": 5}
                                     if broker_url.startswith("redis") else {}),
        "broker_connection_timeout": 2,
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
    }
    saved = {key: app.conf.get(key) for key in real}
    pools = (app._pool, app.amqp._producer_pool)
    app.conf.update(real)
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool, app.amqp._producer_pool = pools


def wait_until(check: Callable[[], object], worker: subprocess.Popen, *, seconds: float = 60, what: str = "it") -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        assert worker.poll() is None, "the worker exited early"
        time.sleep(0.25)
    raise AssertionError(f"{what} did not happen within {seconds}s")
