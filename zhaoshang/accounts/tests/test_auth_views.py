"""Login and logout pages: Chinese, audited, and locked after repeated failures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


def test_login_and_logout_urls_are_named():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == LOGOUT


def test_login_page_is_in_chinese_without_outside_links(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "聊城市产业链精准招商云平台" in html
    assert "用户名" in html and "密码" in html and "登录" in html
    assert "http://" not in html and "https://" not in html


def test_successful_login_is_audited_and_redirects_home(client, users):
    response = client.post(LOGIN, {"username": "linqing", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (entry.user, entry.username, entry.object_id) == (
        users["linqing"],
        "linqing",
        str(users["linqing"].pk),
    )
    assert entry.ip == "127.0.0.1"
    assert entry.request_id


def test_login_follows_next_within_site_only(client, users):
    response = client.post(
        LOGIN, {"username": "city", "password": PASSWORD, "next": "/enterprises/"}
    )
    assert response.url == "/enterprises/"
    client.logout()
    response = client.post(
        LOGIN, {"username": "city", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == reverse("portal:home")


def test_failed_login_is_audited(client, users):
    response = client.post(LOGIN, {"username": "linqing", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.user is None
    assert entry.username == "linqing"
    assert entry.object_id == str(users["linqing"].pk)
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()


def test_failed_login_for_unknown_user_is_audited_by_name(client, db):
    client.post(LOGIN, {"username": "nobody", "password": "whatever-123"})
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (entry.username, entry.object_id, entry.object_repr) == ("nobody", "", "nobody")


def test_inactive_user_cannot_log_in(client, users):
    users["linqing"].is_active = False
    users["linqing"].save()
    response = client.post(LOGIN, {"username": "linqing", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_audited_and_requires_post(client, users):
    client.login(username="linqing", password=PASSWORD)
    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    entry = AuditEntry.objects.get(action=AuditAction.LOGOUT)
    assert entry.username == "linqing"
    assert client.get(reverse("portal:home")).status_code == 302


def test_logged_in_user_visiting_login_goes_home(client, users):
    client.login(username="linqing", password=PASSWORD)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 0.5


def test_lockout_after_repeated_failures_shows_chinese_message(client, users, axes_on):
    for _ in range(2):
        response = client.post(LOGIN, {"username": "linqing", "password": "wrong"})
        assert response.status_code == 200
        assert "登录失败次数过多" not in response.content.decode()
    response = client.post(LOGIN, {"username": "linqing", "password": "wrong"})
    assert response.status_code == 429
    until = AccessAttempt.objects.get(username="linqing").attempt_time + dt.timedelta(minutes=30)
    at = timezone.localtime(until).strftime("%H:%M")
    message = f"登录失败次数过多，账号已暂时锁定，请于 {at}（约30分钟后）再试"
    assert message in response.content.decode()
    # Even the right password is refused while locked out, and the lock is not extended.
    response = client.post(LOGIN, {"username": "linqing", "password": PASSWORD})
    assert response.status_code == 429
    assert message in response.content.decode()
    assert AccessAttempt.objects.get(username="linqing").failures_since_start == 3
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 4


def test_password_reset_by_sysadmin_lifts_lockout(client, users, axes_on):
    from zhaoshang.accounts.services import user_approve

    for _ in range(3):
        client.post(LOGIN, {"username": "linqing", "password": "wrong"})
    admin = client.__class__()
    admin.force_login(users["sysadmin"], backend="django.contrib.auth.backends.ModelBackend")
    response = admin.post(
        reverse("accounts:user-password", args=[users["linqing"].pk]),
        {"password1": "Liaocheng-2024-new", "password2": "Liaocheng-2024-new"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:user-edit", args=[users["linqing"].pk])
    # 三员分立: the reset account waits for the security administrator, then logs in.
    user_approve(actor=users["secadmin"], user=users["linqing"])
    response = client.post(LOGIN, {"username": "linqing", "password": "Liaocheng-2024-new"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users["linqing"].pk)


def test_lockout_on_api_is_json_in_chinese_with_the_time_to_try_again(client, rf, users, axes_on):
    from zhaoshang.accounts.views import lockout_response

    for _ in range(3):
        client.post(LOGIN, {"username": "linqing", "password": "wrong"})
    until = AccessAttempt.objects.get(username="linqing").attempt_time + dt.timedelta(minutes=30)
    request = rf.post("/api/auth/token/", HTTP_ACCEPT="application/json")
    response = lockout_response(request, None, {"username": "linqing"})
    assert response.status_code == 429
    at = timezone.localtime(until).strftime("%H:%M")
    assert json.loads(response.content) == {
        "detail": f"登录失败次数过多，账号已暂时锁定，请于 {at}（约30分钟后）再试，或联系系统管理员解除锁定",
        "retry_after": timezone.localtime(until).isoformat(),
    }
    assert 1700 < int(response["Retry-After"]) <= 1801
