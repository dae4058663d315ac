"""A real Celery worker process runs tasks end to end, on Redis and on the embedded broker."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import redis

from recordsreq.celery import app
from requests_app.ops.models import WorkerHeartbeat
from tests.workers import publishing_to, running_worker, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The test process is eager; the task goes to the real broker through send_task.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def _run_heartbeat_through(broker_url: str, tmp_path) -> WorkerHeartbeat:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    hostname = f"{queue}@recordsreq-tests"
    with running_worker(broker_url, tmp_path, queue=queue, name=hostname) as worker:
        with app.connection_for_write(broker_url) as conn:
            app.send_task("ops.heartbeat", queue=queue, connection=conn)
        return wait_until(lambda: WorkerHeartbeat.objects.filter(hostname=hostname).first(), worker,
                          what=f"a heartbeat from {hostname}")


@pytest.mark.services
def test_a_worker_on_redis_runs_a_task_end_to_end(redis_url, tmp_path):
    assert _run_heartbeat_through(redis_url, tmp_path).last_seen is not None


def test_a_worker_on_the_embedded_broker_runs_a_task_end_to_end(tmp_path):
    assert _run_heartbeat_through(f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}", tmp_path).last_seen is not None


@pytest.mark.services
def test_a_campaign_renders_its_letters_on_a_real_worker_over_redis(redis_url, tmp_path):
    """The page enqueues after commit; a worker on Redis renders every PDF."""
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
    with publishing_to(redis_url), running_worker(redis_url, tmp_path) as worker:
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)

        def finished():
            campaign.refresh_from_db()
            return campaign.render_state in (RenderState.DONE, RenderState.FAILED)

        wait_until(finished, worker, seconds=90, what="rendering")
    assert (campaign.render_state, campaign.render_done, campaign.render_failures) == (RenderState.DONE, 5, [])
    assert LetterVersion.objects.filter(request__campaign=campaign).count() == 5


def test_a_campaigns_parts_are_rendered_side_by_side_by_a_worker_of_two_processes(tmp_path):
    """On the embedded broker and the test database (SQLite or PostgreSQL), as ``make demo``
    runs it but with two processes: the campaign's two parts go to both, each letter is
    rendered once, and the last part ends the run."""
    from requests_app.campaigns import services
    from requests_app.campaigns.models import RenderState
    from requests_app.letters.models import LetterVersion
    from tests.factories import AgencyFactory, MembershipFactory, state

    owner = MembershipFactory()
    campaign = services.campaign_create(organization=owner.organization, user=owner.user, title="Parts",
                                        item_keys=["org-audit"])
    codes = ("WA", "TX", "CA", "OR", "NY", "FL")
    agencies = [AgencyFactory(jurisdiction=state(codes[n % 6]), mailing_address=f"{n} Main St") for n in range(30)]
    services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=owner.user, today=date(2026, 11, 27))
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    with publishing_to(broker), running_worker(broker, tmp_path, processes=2) as worker:
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)

        def finished():
            campaign.refresh_from_db()
            return campaign.render_state in (RenderState.DONE, RenderState.FAILED)

        wait_until(finished, worker, seconds=120, what="rendering")
    log = (tmp_path / "worker.log").read_text()
    assert log.count("Task jobs.run_part[") >= 4, log  # received and succeeded, for each of the two parts
    assert (campaign.render_state, campaign.render_done, campaign.render_failures) == (RenderState.DONE, 30, [])
    assert LetterVersion.objects.filter(request__campaign=campaign).count() == 30


def test_a_campaigns_packets_are_packed_in_parts_by_a_worker_of_two_processes_then_assembled(tmp_path):
    """As above, for the evidence packets: three parts packed across both processes, and
    the ZIP assembled once after the last, with a folder per request."""
    import zipfile

    from requests_app.campaigns import exports, services
    from tests.factories import AgencyFactory, MembershipFactory, state

    owner = MembershipFactory()
    campaign = services.campaign_create(organization=owner.organization, user=owner.user, title="Packets",
                                        item_keys=["org-audit"])
    agencies = [AgencyFactory(jurisdiction=state("WA")) for _ in range(2 * exports.PART_SIZE + 1)]
    services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=owner.user, today=date(2026, 11, 27))
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    with publishing_to(broker), running_worker(broker, tmp_path, processes=2) as worker:
        export, _ = exports.packet_export_start(campaign=campaign, user=owner.user)

        def finished():
            export.refresh_from_db()
            return not export.active

        wait_until(finished, worker, seconds=120, what="the export")
    log = (tmp_path / "worker.log").read_text()
    assert log.count("Task jobs.run_part[") >= 6, log  # received and succeeded, for each of the three parts
    assert (export.state, export.done, export.total) == ("done", len(agencies), len(agencies))
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    assert len(folders) == len(agencies)


def test_a_worker_on_the_embedded_broker_polls_it_every_fifth_of_a_second(monkeypatch):
    from types import SimpleNamespace

    from kombu.transport.sqlalchemy import Transport

    from recordsreq.celery import poll_the_embedded_broker_often

    def worker_on(broker_url: str) -> SimpleNamespace:
        return SimpleNamespace(app=SimpleNamespace(conf=SimpleNamespace(broker_url=broker_url)))

    monkeypatch.setattr(Transport, "polling_interval", 1.0)
    poll_the_embedded_broker_often(worker_on("redis://127.0.0.1:6379/0"))
    assert Transport.polling_interval == 1.0  # another broker: left alone
    poll_the_embedded_broker_often(worker_on("sqla+sqlite:///var/broker.sqlite3"))
    assert Transport.polling_interval == 0.05
