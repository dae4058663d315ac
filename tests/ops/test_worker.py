"""A real Celery worker process runs a task end to end, on Redis and on the embedded broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from recordsreq.celery import app
from requests_app.ops.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The test process is eager; the task goes to the real broker through send_task.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def _database_url() -> str:
    """The URL of the test database, for the worker process to share."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(broker_url: str, queue: str, name: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "recordsreq.test_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "recordsreq", "worker", "--pool=solo",
        "-Q", queue, "-n", name, "--without-gossip", "--without-mingle", "-l", "INFO",
    ]
    log = open(tmp_path / "worker.log", "wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_for_heartbeat(hostname: str, worker: subprocess.Popen, seconds: float = 60) -> WorkerHeartbeat:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(hostname=hostname).first()
        if beat is not None:
            return beat
        assert worker.poll() is None, "the worker exited early"
        time.sleep(0.25)
    raise AssertionError(f"no heartbeat from {hostname} within {seconds}s")


def _run_heartbeat_through(broker_url: str, tmp_path: Path) -> WorkerHeartbeat:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    hostname = f"{queue}@recordsreq-tests"
    worker = _start_worker(broker_url, queue, hostname, tmp_path)
    try:
        with app.connection_for_write(broker_url) as conn:
            app.send_task("ops.heartbeat", queue=queue, connection=conn)
        return _wait_for_heartbeat(hostname, worker)
    except AssertionError:
        print((tmp_path / "worker.log").read_text(errors="replace")[-4000:])
        raise
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.mark.services
def test_a_worker_on_redis_runs_a_task_end_to_end(redis_url, tmp_path):
    beat = _run_heartbeat_through(redis_url, tmp_path)
    assert beat.last_seen is not None


def test_a_worker_on_the_embedded_broker_runs_a_task_end_to_end(tmp_path):
    beat = _run_heartbeat_through(f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}", tmp_path)
    assert beat.last_seen is not None


@pytest.mark.services
def test_a_campaign_renders_its_letters_on_a_real_worker_over_redis(redis_url, tmp_path, monkeypatch):
    """The page enqueues after commit; a worker on Redis renders every PDF, chunk after chunk."""
    from datetime import date

    from requests_app.campaigns import services
    from requests_app.campaigns.models import RenderState
    from requests_app.letters.models import LetterVersion
    from tests.factories import AgencyFactory, MembershipFactory, state

    owner = MembershipFactory()
    campaign = services.campaign_create(organization=owner.organization, user=owner.user, title="E2E",
                                        item_keys=["org-audit"])
    agencies = [AgencyFactory(jurisdiction=state(code)) for code in ("WA", "TX", "CA", "OR", "NY")]
    services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=owner.user, today=date(2026, 11, 27))

    # The tasks go to the default queue, as in production, on the tests' own Redis database.
    redis.Redis.from_url(redis_url).delete("celery")
    real = {"task_always_eager": False, "broker_url": redis_url, "broker_write_url": redis_url}
    saved = {key: app.conf[key] for key in real}
    app.conf.update(real)
    # Earlier tests may have cached a connection pool for the in-memory broker.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    worker = _start_worker(redis_url, "celery", f"render-{uuid.uuid4().hex[:8]}@recordsreq-tests", tmp_path)
    try:
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            campaign.refresh_from_db()
            if campaign.render_state in (RenderState.DONE, RenderState.FAILED):
                break
            assert worker.poll() is None, "the worker exited early"
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        app.conf.update(saved)
    assert (campaign.render_state, campaign.render_done, campaign.render_error) == (RenderState.DONE, 5, "")
    assert LetterVersion.objects.filter(request__campaign=campaign).count() == 5
