"""Token issuing (`POST /api/auth/token/`) and the units endpoint."""

import pytest
from rest_framework.test import APIClient

from zhaoshang.accounts.models import ApiToken
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/auth/token/"


def test_token_is_issued_for_right_credentials_and_audited(users):
    response = APIClient().post(TOKEN, {"username": "linqing", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at"}
    key = response.json()["token"]
    assert ApiToken.objects.get(user=users["linqing"]).digest == ApiToken.digest_of(key)
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN)
    assert entry.user == users["linqing"] and entry.object_id == str(users["linqing"].pk)
    assert entry.note == "签发新API令牌"
    assert response.json()["token"] not in str(entry.after)


def test_token_then_authorization_header_reaches_the_api(users, make_project):
    make_project()
    key = APIClient().post(TOKEN, {"username": "linqing", "password": PASSWORD}).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/projects/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_asking_twice_issues_a_new_token_and_the_first_stops_working(users):
    client = APIClient()
    first = client.post(TOKEN, {"username": "city", "password": PASSWORD}).json()["token"]
    second = client.post(TOKEN, {"username": "city", "password": PASSWORD}).json()["token"]
    assert first != second
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN).count() == 2
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get("/api/units/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/units/").status_code == 200


def test_wrong_password_is_400_in_chinese_and_audited_as_login_failed(users):
    response = APIClient().post(TOKEN, {"username": "linqing", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["用户名或密码错误"]}
    assert not ApiToken.objects.exists()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.username == "linqing"
    assert not AuditEntry.objects.filter(action=AuditAction.TOKEN).exists()


def test_unknown_user_and_inactive_user_get_no_token(users):
    users["linqing"].is_active = False
    users["linqing"].save()
    client = APIClient()
    assert client.post(TOKEN, {"username": "linqing", "password": PASSWORD}).status_code == 400
    assert client.post(TOKEN, {"username": "nobody", "password": PASSWORD}).status_code == 400
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 2
    assert not ApiToken.objects.exists()


def test_missing_fields_are_field_errors(users):
    response = APIClient().post(TOKEN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_repeated_failures_lock_the_account_out(users, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    for _ in range(3):
        client.post(TOKEN, {"username": "linqing", "password": "wrong"}, format="json")
    response = client.post(TOKEN, {"username": "linqing", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "锁定" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_bad_token_is_401(users):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert client.get("/api/units/").status_code == 401


def test_units_list_and_detail_by_code(users):
    client = client_for(users["linqing"])
    body = client.get("/api/units/").json()
    codes = [u["code"] for u in body["results"]]
    assert codes[0] == "371500" and "371581" in codes and "LCZ01" in codes
    assert body["count"] == 12
    unit = client.get("/api/units/371581/").json()
    assert unit == {
        "code": "371581",
        "name": "临清市",
        "short_name": "临清",
        "kind": "county_city",
        "track": "county",
        "parent": "371500",
        "division_code": "371581",
    }
    assert client.get("/api/units/000000/").status_code == 404


def test_units_are_reference_data_for_every_role_that_may_view_them(users):
    for name in ("dept_land", "sysadmin", "auditor", "commissioner"):
        assert client_for(users[name]).get("/api/units/").status_code == 200, name
    assert client_for(users["norole"]).get("/api/units/").status_code == 403
    # Read-only: nobody's role holds accounts.add_unit, so a write is refused before routing.
    assert client_for(users["city"]).post("/api/units/", {"code": "X"}).status_code == 403
