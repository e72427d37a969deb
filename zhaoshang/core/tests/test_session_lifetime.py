"""However active, a session ends `SESSION_ABSOLUTE_AGE` after its login (12 hours by default):
the user is logged out with a Chinese message and sent to the login page."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session

from zhaoshang.core import middleware
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    return now


def test_default_absolute_lifetime_is_twelve_hours(settings):
    assert settings.SESSION_ABSOLUTE_AGE == 12 * HOUR


def test_an_active_session_ends_twelve_hours_after_login(client, users, clock):
    assert (
        client.post("/accounts/login/", {"username": "city", "password": PASSWORD}).status_code
        == 302
    )
    for _ in range(11):  # busy all day: a page every hour keeps the idle expiry sliding
        clock[0] += HOUR
        assert client.get("/").status_code == 200
    clock[0] += HOUR - 1
    assert client.get("/").status_code == 200
    clock[0] += 1
    response = client.get("/projects/?stage=signed")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/projects/%3Fstage%3Dsigned"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "登录已超过12小时，为保障账号安全已自动退出，请重新登录"
    ]
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    logout = AuditEntry.objects.get(action=AuditAction.LOGOUT)
    assert logout.username == "city"


def test_the_login_page_shows_why(client, users, clock, settings):
    settings.SESSION_ABSOLUTE_AGE = 2 * HOUR
    client.force_login(users["linqing"])
    clock[0] += 2 * HOUR
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/"
    assert "登录已超过2小时，为保障账号安全已自动退出，请重新登录" in response.content.decode()


def test_logging_in_again_starts_a_new_lifetime(client, users, clock):
    client.force_login(users["linqing"])
    clock[0] += 12 * HOUR
    assert client.get("/").status_code == 302
    client.force_login(users["linqing"])
    clock[0] += 11 * HOUR
    assert client.get("/").status_code == 200


def test_an_htmx_request_sends_the_whole_page_to_login(client, users, clock):
    client.force_login(users["linqing"])
    clock[0] += 12 * HOUR
    response = client.get("/projects/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/projects/"


def test_an_api_call_with_an_ended_session_is_refused(client, users, clock):
    client.force_login(users["linqing"])
    assert client.get("/api/units/").status_code == 200
    clock[0] += 12 * HOUR
    assert client.get("/api/units/").status_code in (401, 403)


def test_a_session_from_before_the_rule_starts_its_clock_on_its_next_request(client, users, clock):
    client.force_login(users["linqing"])
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    data = session.get_decoded()
    del data["_login_at"]
    Session.objects.save(session.session_key, data, session.expire_date)
    clock[0] += 100 * HOUR
    assert client.get("/").status_code == 200
    clock[0] += 12 * HOUR
    assert client.get("/").status_code == 302
