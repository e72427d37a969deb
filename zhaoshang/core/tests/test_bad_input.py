"""Bad input is a Chinese 400 or 404 at the edge, never a server error (issue 9 §6).

Each reproducer below was a 500 on the API or a page: a non-number where an id goes
(ValueError), a number past 2^63 in a filter (OverflowError on SQLite), JSON nested 100,000 deep
(RecursionError, also on the anonymous token endpoint). The walks check that the fix is general:
every URL converter and router lookup is bounded, every filter set derives from the bounded base.
"""

from __future__ import annotations

import json

import django_filters
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from zhaoshang.core.converters import ID_PATTERN, parse_id
from zhaoshang.core.filtersets import FilterSet
from zhaoshang.core.parsers import MAX_DEPTH, json_loads_bounded
from zhaoshang.core.tests.api_support import client_for

pytestmark = pytest.mark.django_db

NOT_FOUND = "不存在或不在本单位范围内"
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("patch", "/api/target-entries/abc/"),
        ("post", "/api/target-entries/abc/remove/"),
        ("post", "/api/target-entries/1e3/remove/"),
        ("get", "/api/projects/99999999999999999999/"),
        ("get", "/api/enterprises/1/contacts/99999999999999999999/reveal/"),
    ],
)
def test_a_non_id_in_an_api_path_is_a_chinese_404(users, method, url):
    response = getattr(client_for(users["city"]), method)(url, {"reason": "测试"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND}


def test_a_missing_record_is_a_chinese_404_not_django_s_english_text(users):
    response = client_for(users["city"]).patch(
        "/api/target-entries/987654/", {"note": "x"}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND}


def test_a_non_id_in_a_page_path_is_the_chinese_404_page(users, client):
    client.force_login(users["city"])

    response = client.get("/projects/99999999999999999999/")

    assert response.status_code == 404
    assert "页面或记录不存在" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/funds/?project=99999999999999999999", "project"),
        ("/api/target-entries/?direction=3.4e38", "direction"),
        ("/api/target-entries/?year=99999999999999999999", "year"),
        ("/api/target-entries/?direction=-99999999999999999999", "direction"),
        ("/api/projects/?min_investment=-1e400", "min_investment"),
    ],
)
def test_a_number_past_the_columns_range_in_a_filter_is_a_400_keyed_by_the_filter(
    users, url, field
):
    response = client_for(users["city"]).get(url)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()[field][0])


def test_a_huge_project_number_on_the_funds_page_is_ignored_like_any_invalid_filter(users, client):
    client.force_login(users["city"])

    response = client.get("/projects/funds/?project=99999999999999999999")

    assert response.status_code == 200
    assert "到位资金" in response.content.decode()


def test_an_in_range_id_filter_still_filters(users):
    response = client_for(users["city"]).get("/api/funds/?project=9223372036854775807")

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("url", ["/api/projects/", "/api/auth/token/"])
def test_json_nested_100000_deep_is_a_400(users, url):
    client = client_for(users["city"] if url == "/api/projects/" else None)

    response = client.post(url, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON 嵌套过深（不得超过 {MAX_DEPTH} 层）"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"a": ' * 40 + "1" + "}" * 40, f"JSON 嵌套过深（不得超过 {MAX_DEPTH} 层）"),
        (
            '{"year": 99999999999999999999}',
            "JSON 中的数字超出范围（整数不超过 19 位，且须为有限数）",
        ),
        (
            '{"total_investment_wan": 1e999}',
            "JSON 中的数字超出范围（整数不超过 19 位，且须为有限数）",
        ),
        (
            '{"total_investment_wan": NaN}',
            "JSON 中的数字超出范围（整数不超过 19 位，且须为有限数）",
        ),
        ('{"name": "x",', "JSON 格式有误（第 1 行第 14 列）"),
        ('{"name": "a\\u0000b"}', "请求内容含有空字符（\\u0000），请删除后重试"),
        ('{"tags": ["ok", "\\u0000"]}', "请求内容含有空字符（\\u0000），请删除后重试"),
        ('{"a\\u0000": 1}', "请求内容含有空字符（\\u0000），请删除后重试"),
    ],
)
def test_the_api_s_json_parser_refuses_what_no_view_can_hold(users, body, message):
    response = client_for(users["city"]).post(
        "/api/projects/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": message}


def test_a_json_body_over_the_size_bound_is_refused_unread(users, settings):
    settings.API_JSON_MAX_BYTES = 4096

    response = client_for(users["city"]).post(
        "/api/projects/", json.dumps({"name": "x" * 5000}), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容过大（JSON 不得超过 4 KB）"}


def test_json_within_the_bounds_parses_as_json():
    assert json_loads_bounded(b'{"a": [1, 2.5, {"b": -9223372036854775808}]}') == {
        "a": [1, 2.5, {"b": -9223372036854775808}]
    }


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern


def test_no_url_takes_an_unbounded_integer_or_free_text_where_an_id_goes():
    offenders = []
    for route, pattern in _patterns():
        if isinstance(pattern, RoutePattern) and any(
            isinstance(c, IntConverter) for c in pattern.converters.values()
        ):
            offenders.append(route)
        if isinstance(pattern, RegexPattern):
            regex = pattern._regex
            for name in ("pk", "id", "contact_id"):
                if f"(?P<{name}>" in regex and f"(?P<{name}>{ID_PATTERN})" not in regex:
                    offenders.append(route)
    assert offenders == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_filter_set_of_the_project_derives_from_the_bounded_base():
    get_resolver().url_patterns  # noqa: B018 (imports every view, so every filter set)

    ours = {
        c for c in _subclasses(django_filters.FilterSet) if c.__module__.startswith("zhaoshang.")
    }

    assert len(ours) >= 5
    assert sorted(c.__qualname__ for c in ours if not issubclass(c, FilterSet)) == []


@pytest.mark.parametrize(
    "url",
    [
        "/projects/investors/search/?investor_q=公司&investors=99999999999999999999",
        "/projects/funds/?project=99999999999999999999",
        "/enterprises/targets/new/?enterprise=99999999999999999999",
    ],
)
def test_an_id_past_the_columns_range_in_a_page_query_is_ignored(users, client, url):
    client.force_login(users["city"])

    response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("9" * 18, int("9" * 18)), ("9" * 19, None), ("0", None), ("012", None),
     ("1e3", None), ("-1", None), ("", None), (None, None), ("１２", None)],
)  # fmt: skip
def test_parse_id_reads_only_what_the_id_converter_matches(value, expected):
    assert parse_id(value) == expected


def test_a_nul_in_a_multipart_field_is_a_chinese_400_not_a_server_error(users):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, {"place": "a\x00b", "held_on": "2024-03-01"})
    response = client_for(users["city"]).post(
        "/api/meetings/", body, content_type=MULTIPART_CONTENT
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容含有空字符（\\u0000），请删除后重试"}
