"""The user's own API token on "我的账号", and the system administrator revoking another's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from zhaoshang.accounts.models import ApiToken
from zhaoshang.accounts.services import token_revoke
from zhaoshang.accounts.tokens import token_issue
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/me/"
REGENERATE = "/accounts/me/token/"
REVOKE = "/accounts/me/token/revoke/"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def facts(token: ApiToken) -> dict[str, str]:
    return {
        "created": timezone.localtime(token.created).isoformat(),
        "expires_at": timezone.localtime(token.created + dt.timedelta(days=7)).isoformat(),
    }


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/units/").status_code


def test_account_urls_are_named():
    assert reverse("accounts:account") == ACCOUNT
    assert reverse("accounts:token-regenerate") == REGENERATE
    assert reverse("accounts:token-revoke") == REVOKE


def test_anonymous_is_sent_to_login(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.post(REGENERATE).status_code == 302
    assert not ApiToken.objects.exists()


def test_account_page_without_token_says_so(client, users):
    response = login(client, users["linqing"]).get(ACCOUNT)
    assert response.status_code == 200
    assert response.context["token"] is None
    html = response.content.decode()
    assert "您目前没有API令牌。" in html
    assert ">生成令牌<" in html
    assert "168 小时内有效" in html


def test_generating_shows_the_key_once_and_is_audited(client, users):
    user = users["linqing"]
    login(client, user)
    response = client.post(REGENERATE)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert len(key) >= 43 and token.digest == ApiToken.digest_of(key) != key
    assert "no-cache" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN)
    assert (entry.user, entry.object_id, entry.note) == (user, str(user.pk), "生成API令牌")
    assert entry.before is None
    assert entry.after == {"api_token": facts(token)}
    # Afterwards the page shows the dates, never the key.
    response = client.get(ACCOUNT)
    html = response.content.decode()
    assert key not in html
    status = response.context["token"]
    assert (status.created, status.expires_at, status.expired) == (
        token.created,
        token.created + dt.timedelta(days=7),
        False,
    )
    assert timezone.localtime(status.expires_at).strftime("%Y-%m-%d %H:%M") in html
    assert "重新生成令牌" in html and "撤销令牌" in html
    assert api_status(key) == 200


def test_regenerating_replaces_the_old_key_and_is_audited(client, users):
    user = users["linqing"]
    old, old_key = token_issue(user=user)
    new_key = login(client, user).post(REGENERATE).context["new_key"]
    new = ApiToken.objects.get(user=user)
    assert new_key != old_key and new.digest != old.digest
    assert api_status(old_key) == 401
    assert api_status(new_key) == 200
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN)
    assert entry.note == "重新生成API令牌"
    assert entry.before == {"api_token": facts(old)}
    assert entry.after == {"api_token": facts(new)}


def test_htmx_regenerate_returns_only_the_token_card(client, users):
    login(client, users["linqing"])
    response = client.post(REGENERATE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="token-card")
    html = response.content.decode()
    assert html.startswith('<div class="card" id="token-card">')
    assert "<html" not in html
    assert response.context["new_key"] in html


def test_revoking_own_token_is_audited_and_the_key_stops_working(client, users):
    user = users["linqing"]
    token, key = token_issue(user=user)
    response = login(client, user).post(REVOKE)
    assert response.status_code == 302 and response.url == ACCOUNT
    assert not ApiToken.objects.filter(user=user).exists()
    assert api_status(key) == 401
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert (entry.user, entry.object_id, entry.note) == (user, str(user.pk), "撤销API令牌")
    assert entry.before == {"api_token": facts(token)}
    assert entry.after == {"api_token": None}


def test_revoking_when_there_is_no_token_writes_nothing(client, users):
    login(client, users["linqing"]).post(REVOKE)
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_account_page_marks_an_expired_token(client, users):
    token, _ = token_issue(user=users["linqing"])
    ApiToken.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=8))
    response = login(client, users["linqing"]).get(ACCOUNT)
    assert response.context["token"].expired is True
    assert "已过期" in response.content.decode()


def test_regenerate_and_revoke_are_post_only(client, users):
    login(client, users["linqing"])
    assert client.get(REGENERATE).status_code == 405
    assert client.get(REVOKE).status_code == 405
    assert not ApiToken.objects.exists()


# --- the system administrator -----------------------------------------------------------------


def revoke_url(user) -> str:
    return reverse("accounts:user-token-revoke", args=[user.pk])


def test_user_edit_page_shows_the_token_dates_but_not_the_key(client, users):
    token, key = token_issue(user=users["linqing"])
    response = login(client, users["sysadmin"]).get(
        reverse("accounts:user-edit", args=[users["linqing"].pk])
    )
    html = response.content.decode()
    assert response.context["token"].created == token.created
    assert revoke_url(users["linqing"]) in html
    assert key not in html


def test_sysadmin_revokes_another_users_token_and_it_is_audited(client, users):
    target = users["linqing"]
    token, _ = token_issue(user=target)
    response = login(client, users["sysadmin"]).post(revoke_url(target))
    assert response.status_code == 302
    assert response.url == reverse("accounts:user-edit", args=[target.pk])
    assert not ApiToken.objects.filter(user=target).exists()
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert (entry.user, entry.object_id, entry.note) == (
        users["sysadmin"],
        str(target.pk),
        "系统管理员撤销该用户的API令牌",
    )
    assert entry.before == {"api_token": facts(token)}
    assert entry.after == {"api_token": None}


@pytest.mark.parametrize("who", ["city", "dongchangfu", "auditor", "norole"])
def test_only_the_sysadmin_revokes_another_users_token(client, users, who):
    token_issue(user=users["linqing"])
    assert login(client, users[who]).post(revoke_url(users["linqing"])).status_code == 403
    assert ApiToken.objects.filter(user=users["linqing"]).exists()
    with pytest.raises(PermissionDenied, match="没有修改用户的权限"):
        token_revoke(actor=users[who], user=users["linqing"])
    assert ApiToken.objects.filter(user=users["linqing"]).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()
