"""API tokens expire: `API_TOKEN_TTL_HOURS` after issue they are refused (401) and deleted."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from zhaoshang.accounts.models import ApiToken, User
from zhaoshang.accounts.tokens import TOKEN_EXPIRED, token_issue
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/auth/token/"
UNITS = "/api/units/"


def token_aged(user: User, age: dt.timedelta) -> ApiToken:
    """A token for `user` issued `age` ago; its key as `token.key` (only the tests keep it)."""
    token, key = token_issue(user=user)
    ApiToken.objects.filter(pk=token.pk).update(created=timezone.now() - age)
    token.refresh_from_db()
    token.key = key
    return token


def get_with(key: str, url: str = UNITS):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(url)


def test_default_lifetime_is_seven_days(settings):
    assert settings.API_TOKEN_TTL_HOURS == 168


def test_fresh_token_is_accepted(users):
    token = token_aged(users["linqing"], dt.timedelta(minutes=1))
    assert get_with(token.key).status_code == 200


def test_token_one_minute_before_expiry_is_accepted(users, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    token = token_aged(users["linqing"], dt.timedelta(hours=24) - dt.timedelta(minutes=1))
    assert get_with(token.key).status_code == 200
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_expired_token_is_refused_with_401_in_chinese_and_deleted(users, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    user = users["linqing"]
    token = token_aged(user, dt.timedelta(hours=24, minutes=1))
    response = get_with(token.key)
    assert response.status_code == 401
    assert response.json() == {"detail": TOKEN_EXPIRED}
    assert response["WWW-Authenticate"].startswith("Token")
    assert not ApiToken.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.user is None and entry.username == ""
    assert entry.content_type == ContentType.objects.get_for_model(User)
    assert entry.object_id == str(user.pk)
    assert entry.note == "API令牌已过期，使用时被拒绝并删除"
    assert entry.before == {
        "api_token": {
            "created": timezone.localtime(token.created).isoformat(),
            "expires_at": timezone.localtime(token.created + dt.timedelta(hours=24)).isoformat(),
        }
    }
    assert entry.after == {"api_token": None}
    assert token.key not in str(entry.before)
    # Presented again, the deleted key is simply unknown.
    assert get_with(token.key).status_code == 401
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 1


def test_lifetime_follows_the_setting(users, settings):
    token = token_aged(users["linqing"], dt.timedelta(hours=2))
    settings.API_TOKEN_TTL_HOURS = 3
    assert get_with(token.key).status_code == 200
    settings.API_TOKEN_TTL_HOURS = 1
    assert get_with(token.key).status_code == 401


def test_token_view_returns_expires_at_one_lifetime_after_issue(users, settings):
    settings.API_TOKEN_TTL_HOURS = 48
    body = APIClient().post(TOKEN, {"username": "linqing", "password": PASSWORD}).json()
    token = ApiToken.objects.get(user=users["linqing"])
    assert token.digest == ApiToken.digest_of(body["token"])
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert expires_at == token.created + dt.timedelta(hours=48)
    assert expires_at.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN)
    assert entry.after == {
        "api_token": {
            "created": timezone.localtime(token.created).isoformat(),
            "expires_at": timezone.localtime(expires_at).isoformat(),
        }
    }


def test_token_view_replaces_a_valid_token_whose_key_it_cannot_show_again(users):
    old = token_aged(users["linqing"], dt.timedelta(days=2))
    body = APIClient().post(TOKEN, {"username": "linqing", "password": PASSWORD}).json()
    new = ApiToken.objects.get(user=users["linqing"])
    assert body["token"] != old.key and new.digest == ApiToken.digest_of(body["token"])
    assert dt.datetime.fromisoformat(body["expires_at"]) == new.created + dt.timedelta(days=7)
    assert get_with(old.key).status_code == 401
    assert get_with(body["token"]).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN)
    assert entry.note == "签发新API令牌，原令牌作废"
    assert entry.before["api_token"]["created"] == timezone.localtime(old.created).isoformat()


def test_token_view_replaces_an_expired_token(users):
    user = users["linqing"]
    old = token_aged(user, dt.timedelta(days=8))
    response = APIClient().post(TOKEN, {"username": "linqing", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    new = ApiToken.objects.get(user=user)
    assert new.digest == ApiToken.digest_of(body["token"]) and body["token"] != old.key
    assert dt.datetime.fromisoformat(body["expires_at"]) == new.created + dt.timedelta(days=7)
    assert get_with(body["token"]).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN)
    assert entry.note == "原API令牌已过期，签发新令牌"
    assert entry.before["api_token"]["created"] == timezone.localtime(old.created).isoformat()
    assert entry.after["api_token"]["created"] == timezone.localtime(new.created).isoformat()


def test_schema_documents_expires_at(rf):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    props = schema["components"]["schemas"]["TokenResponse"]["properties"]
    assert set(props) == {"token", "expires_at"}
    assert props["expires_at"]["type"] == "string"
    assert props["expires_at"]["format"] == "date-time"
    assert schema["components"]["schemas"]["TokenResponse"]["required"] == ["expires_at", "token"]


def test_a_token_is_stored_only_as_the_digest_of_its_key(users):
    body = APIClient().post(TOKEN, {"username": "linqing", "password": PASSWORD}).json()
    stored = ApiToken.objects.values().get(user=users["linqing"])
    assert stored["digest"] == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in str(stored)
    assert body["token"] not in str(list(AuditEntry.objects.values()))


def test_a_digest_presented_as_a_key_is_refused(users):
    token = token_aged(users["linqing"], dt.timedelta(minutes=1))
    assert get_with(token.digest).status_code == 401
    assert get_with(token.key).status_code == 200


def test_an_inactive_users_token_is_refused(users):
    token = token_aged(users["linqing"], dt.timedelta(minutes=1))
    users["linqing"].is_active = False
    users["linqing"].save()
    assert get_with(token.key).status_code == 401


def test_the_migration_hashes_plaintext_tokens_and_deletes_them(users):
    """Tokens issued in clear by rest_framework.authtoken keep working under their digest."""
    migration = importlib.import_module("zhaoshang.accounts.migrations.0006_apitoken")
    issued = timezone.now() - dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
            '"user_id" bigint NOT NULL UNIQUE, "created" timestamp with time zone NOT NULL)'
            if connection.vendor == "postgresql"
            else 'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
            '"user_id" bigint NOT NULL UNIQUE, "created" datetime NOT NULL)'
        )
        cursor.execute(
            'INSERT INTO authtoken_token ("key", "user_id", "created") VALUES (%s, %s, %s)',
            ["0123456789abcdef0123456789abcdef01234567", users["city"].pk, issued],
        )
    # The step reads only the editor's connection (SQLite refuses a schema editor in a test).
    migration.hash_plaintext_tokens(django_apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    token = ApiToken.objects.get(user=users["city"])
    assert token.digest == hashlib.sha256(b"0123456789abcdef0123456789abcdef01234567").hexdigest()
    assert token.created == issued
    assert get_with("0123456789abcdef0123456789abcdef01234567").status_code == 200
