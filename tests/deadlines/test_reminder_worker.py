"""Reminders through a real worker on Redis, including a Redis outage."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from django.test import Client
from django.urls import reverse

from requests_app.deadlines.models import Notification, Reminder
from requests_app.workflow import reminders as scanning
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state
from tests.services import unavailable
from tests.workers import publishing_to, running_worker, wait_until

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]
DUE_SOON = datetime(2026, 12, 8, 9, tzinfo=ZoneInfo("America/New_York"))  # Texas, received 25 November


def texas_request():
    owner = MembershipFactory()
    request = draft_request(organization=owner.organization, agency=AgencyFactory(jurisdiction=state("TX")), user=owner.user)
    request_transition(request=request, to_status="submitted", user=owner.user, on=date(2026, 11, 25))
    return owner, request


def mail_in(folder: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in folder.glob("*.log")) if folder.exists() else ""


def test_a_due_soon_reminder_is_emailed_by_a_worker_over_redis(redis_url, tmp_path):
    owner, request = texas_request()
    redis.Redis.from_url(redis_url).delete("celery")
    with publishing_to(redis_url), running_worker(redis_url, tmp_path) as worker:
        report = scanning.scan(now=DUE_SOON, send_inline=False)
        assert report.enqueued == 1
        # Recorded first, then emailed: the email is what is waited for.
        wait_until(lambda: Notification.objects.filter(reminder__request=request, reminder__kind="due_soon",
                                                       emailed_at__isnull=False).exists(),
                   worker, what="the reminder being emailed")
    mail = mail_in(tmp_path / "mail")
    assert f"To: {owner.user.email}" in mail and request.tracking in mail and "due Friday 11 December 2026" in mail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_connect_timeout=1)
    for _ in range(50):
        try:
            client.ping()
            return server
        except redis.RedisError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("the private Redis did not start")


def test_with_redis_down_requests_still_work_and_the_reminder_goes_out_once_it_is_back(tmp_path):
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed, so Redis cannot be stopped and started by the test")
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    server = _start_redis(port)
    try:
        with publishing_to(broker), running_worker(broker, tmp_path) as worker:
            server.terminate()
            server.wait(timeout=10)
            # Broker down: creating and moving requests and showing pages still work.
            owner, request = texas_request()
            client = Client()
            client.force_login(owner.user)
            assert client.get(reverse("request-detail", args=[request.pk])).status_code == 200
            down = scanning.scan(now=DUE_SOON, send_inline=False)
            assert (len(down.claimed), down.enqueued) == (1, 0)
            assert not Reminder.objects.filter(sent_at__isnull=False).exists()

            server = _start_redis(port)
            later = scanning.scan(now=DUE_SOON + timedelta(minutes=16), send_inline=False)
            assert later.enqueued == 1, "the expired claim is taken again once the broker is back"
            wait_until(lambda: Notification.objects.filter(reminder__request=request, emailed_at__isnull=False).exists(),
                       worker, seconds=90, what="the reminder being emailed after Redis came back")
        assert request.tracking in mail_in(tmp_path / "mail")
    finally:
        server.terminate()
        server.wait(timeout=10)
