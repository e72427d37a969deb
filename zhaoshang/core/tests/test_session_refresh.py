"""A logged-in session slides its expiry with activity, written at most once every five minutes
(not on every request, which would make every page a database write)."""

import pytest
from django.contrib.sessions.models import Session

from zhaoshang.core import middleware

pytestmark = pytest.mark.django_db


def refreshed_at(client):
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    return session.get_decoded().get("_refreshed_at")


def test_pages_refresh_the_session_once_per_five_minutes(client, users, monkeypatch):
    now = [1_000_000]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    client.force_login(users["city"])
    assert client.get("/").status_code == 200
    assert refreshed_at(client) == 1_000_000

    saves = []
    monkeypatch.setattr(
        "django.contrib.sessions.backends.db.SessionStore.save",
        lambda self, must_create=False: saves.append(self.session_key),
    )
    now[0] += 299
    assert client.get("/").status_code == 200
    assert saves == []  # within five minutes: no write
    now[0] += 1
    assert client.get("/").status_code == 200
    assert saves == [client.cookies["sessionid"].value]


def test_anonymous_pages_write_no_session(client):
    assert client.get("/accounts/login/").status_code == 200
    assert Session.objects.count() == 0
