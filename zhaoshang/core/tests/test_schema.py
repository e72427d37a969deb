"""The OpenAPI schema validates, lists every endpoint, and its docs pages load only local assets."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/auth/token/": {"post"},
    "/api/projects/": {"get", "post"},
    "/api/projects/{id}/": {"get", "patch"},
    "/api/projects/{id}/stage/": {"post"},
    "/api/projects/{id}/stages/": {"get"},
    "/api/funds/": {"get", "post"},
    "/api/funds/{id}/": {"get"},
    "/api/funds/{id}/verify/": {"post"},
    "/api/funds/{id}/reject/": {"post"},
    "/api/enterprises/": {"get", "post"},
    "/api/enterprises/{id}/": {"get", "patch"},
    "/api/units/": {"get"},
    "/api/units/{code}/": {"get"},
    "/api/industries/": {"get"},
    "/api/industries/{id}/": {"get"},
}

_OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)
_LOCAL_ASSET = re.compile(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""")


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker) -> dict:
    """The schema written by `manage.py spectacular --validate --fail-on-warn`."""
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_schema_validates_without_warnings_and_lists_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        offered = set(schema["paths"][path]) - {"parameters"}
        assert offered == methods, (path, offered)


def test_no_delete_or_put_is_documented(schema):
    assert schema["paths"]
    for path, item in schema["paths"].items():
        assert not {"delete", "put"} & set(item), path


def test_project_and_funds_shapes_are_documented(schema):
    components = schema["components"]["schemas"]
    project = components["Project"]["properties"]
    for key in ("id", "name", "unit", "stage", "total_investment_wan", "is_over_100m",
                "signed_on", "started_on", "operating_on", "investors"):  # fmt: skip
        assert key in project, key
    assert project["total_investment_wan"]["type"] == "string"
    funds = components["FundsRecord"]["properties"]
    assert {"id", "project", "period", "amount_wan", "status"} <= set(funds)
    assert set(components["FundsStatusEnum"]["enum"]) == {
        "submitted",
        "verified",
        "rejected",
        "withdrawn",
    }
    list_params = {p["name"] for p in schema["paths"]["/api/projects/"]["get"]["parameters"]}
    assert {"q", "unit", "stage", "is_over_100m", "signed_on_after", "page"} <= list_params
    stage_body = schema["paths"]["/api/projects/{id}/stage/"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(stage_body)


def test_schema_endpoint_serves_the_document_to_a_logged_in_user(client, users):
    client.force_login(users["linqing"])
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/projects/" in response.json()["paths"]


def test_schema_endpoint_refuses_anonymous_callers(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 401
    assert "paths" not in response.content.decode()


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_send_anonymous_visitors_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_scripts_and_styles_only_from_local_static(client, users, url):
    client.force_login(users["linqing"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not _OUTSIDE.search(html), _OUTSIDE.search(html)
    assets = _LOCAL_ASSET.findall(html)
    assert any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_error_responses_share_one_wording_across_the_api(schema):
    wording = {
        "400": "输入有误：错误按字段（或查询参数）给出，均为中文",
        "403": "没有此项操作权限",
        "404": "不存在或不在本单位范围内",
    }
    seen: dict[str, set[str]] = {code: set() for code in wording}
    for operations in schema["paths"].values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if code in wording and "content" not in response:
                    seen[code].add(response["description"])
    # Two endpoints say exactly what went wrong: the token login and an unpublished ranking.
    assert seen["400"] == {wording["400"], "用户名或密码错误"}
    assert seen["403"] == {wording["403"]}
    assert seen["404"] == {wording["404"], "该季度尚未发布竞赛榜"}
