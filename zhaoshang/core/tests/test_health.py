"""`/healthz`: the database, the job queue and the disk checked; anyone gets only the verdict,
a system administrator or a direct call on the server itself gets the details."""

from __future__ import annotations

import shutil
from collections import namedtuple

import pytest
from django.db import connection

from zhaoshang.core import health

pytestmark = pytest.mark.django_db

PROXIED = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
Usage = namedtuple("Usage", "total used free")


def test_anonymous_caller_through_the_proxy_gets_only_ok(client):
    response = client.get("/healthz", **PROXIED)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_a_direct_call_on_the_server_gets_every_check(client):
    response = client.get("/healthz", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "queue", "disk"}
    assert body["checks"]["database"]["vendor"] == connection.vendor
    assert body["checks"]["queue"] == {"ok": True, "mode": "immediate"}  # huey in tests
    assert body["checks"]["disk"]["media"]["free_mb"] > 0


def test_a_remote_caller_gets_no_details(client):
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    assert response.content == b"ok"


@pytest.mark.parametrize(
    ("user", "details"), [("sysadmin", True), ("city", False), ("auditor", False)]
)
def test_only_the_system_administrator_sees_details_through_the_proxy(client, users, user, details):
    client.force_login(users[user])
    response = client.get("/healthz", **PROXIED)
    assert response.status_code == 200
    assert (response["Content-Type"] == "application/json") is details


def test_low_disk_fails_with_503_and_only_fail_for_anonymous(client, monkeypatch, settings):
    settings.HEALTH_MIN_FREE_MB = 500
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**10, 10**10 - 2**20, 2**20))
    response = client.get("/healthz", **PROXIED)
    assert (response.status_code, response.content) == (503, b"fail")
    body = client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()
    assert body["status"] == "fail"
    assert body["checks"]["disk"]["ok"] is False
    assert body["checks"]["disk"]["media"]["free_mb"] == 1
    assert body["checks"]["database"]["ok"] is True


def test_a_database_that_does_not_answer_fails_without_leaking_the_error(client, monkeypatch):
    def broken():
        raise RuntimeError("could not connect to server at 10.0.0.5")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz", **PROXIED)
    assert (response.status_code, response.content) == (503, b"fail")
    body = client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "RuntimeError: could not connect to server at 10.0.0.5",
    }


def test_a_queue_that_does_not_answer_fails(client, monkeypatch):
    from huey.contrib.djhuey import HUEY

    def refused():
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr(HUEY, "pending_count", refused)
    response = client.get("/healthz", **PROXIED)
    assert (response.status_code, response.content) == (503, b"fail")
    body = client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()
    assert body["checks"]["queue"]["ok"] is False
    assert "Connection refused" in body["checks"]["queue"]["error"]


def test_the_queue_reports_waiting_jobs_and_the_workers_last_beat(client, monkeypatch):
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr(HUEY, "pending_count", lambda: 3)
    monkeypatch.setattr(HUEY, "get", lambda key, peek=False: None)
    queue = client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()["checks"]["queue"]
    assert (queue["ok"], queue["pending"], queue["worker_ok"]) == (True, 3, False)
    assert queue["worker_last_beat_seconds"] is None


def test_health_refuses_post(client):
    assert client.post("/healthz", **PROXIED).status_code == 405
