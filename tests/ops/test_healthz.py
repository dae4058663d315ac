from __future__ import annotations

import pytest

from recordsreq.celery import app
from requests_app.ops import services
from requests_app.ops.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_it_answers_200_without_login_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_it_answers_503_when_the_broker_is_down(client, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_it_answers_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(
        "requests_app.ops.views.check_database", lambda: services.Check(ok=False, detail="down")
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "down"}


def test_it_reports_the_last_worker_heartbeat(client):
    beat = heartbeat_record(hostname="worker1@host")
    assert client.get("/healthz").json()["worker_last_seen"] == beat.last_seen.isoformat()


def test_it_does_not_cache(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
