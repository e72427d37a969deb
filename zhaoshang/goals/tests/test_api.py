"""The goals API: shapes, Chinese 400s, 401/403/404, and who sees which drill-down."""

import pytest

from zhaoshang.core.tests.api_support import client_for
from zhaoshang.goals.services import goals_set, scheme_create, scheme_update, snapshot_publish
from zhaoshang.goals.tests.test_ranking import CONFIG

pytestmark = pytest.mark.django_db

L, DCF = "371581", "371502"
IND = "/api/indicators/"
RANK = "/api/rankings/2024Q1/"


@pytest.fixture
def scheme(users, world):
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, "371503": 1000, "371526": 1000},
    )
    return scheme_create(actor=users["city"], code="test", name="测试办法", config=CONFIG)


@pytest.fixture
def published(users, scheme):
    return snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")


def test_anonymous_gets_401_and_no_role_403(users, published):
    urls = [IND, f"{IND}?indicator=funds_verified&period=2024", "/api/rankings/", RANK,
            f"{RANK}drilldown/?column=funds&unit={L}", f"{RANK}preview/"]  # fmt: skip
    for url in urls:
        assert client_for().get(url).status_code == 401, url
        assert client_for(users["norole"]).get(url).status_code == 403, url
        assert client_for(users["sysadmin"]).get(url).status_code == 403, url


def test_indicator_value_shape(users, world):
    response = client_for(users["city"]).get(
        IND, {"indicator": "funds_verified", "unit": L, "period": "2024Q1"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["value"] == "5500.00" and body["value_unit"] == "万元"
    assert body["indicator"] == "funds_verified" and body["unit"] == L
    assert body["period"] == {
        "label": "2024Q1",
        "kind": "quarter",
        "start": "2024-01-01",
        "end": "2024-03-31",
        "display": "2024年第1季度",
    }
    assert (body["records"], body["records_visible"]) == (3, 3)
    city = (
        client_for(users["city"])
        .get(IND, {"indicator": "new_started_over_100m", "period": "2024"})
        .json()
    )
    assert (city["value"], city["unit"], city["unit_name"]) == ("3", None, "全市")
    once = (
        client_for(users["city"])
        .get(
            IND,
            {"indicator": "new_signed_count", "unit": L, "period": "2024Q1", "once_only": "true"},
        )
        .json()
    )
    assert once["value"] == "2" and once["options"] == {"once_only": True}


def test_indicator_catalogue(users):
    body = client_for(users["linqing"]).get(IND).json()
    keys = [row["key"] for row in body]
    assert "funds_verified" in keys and "new_started_over_100m" in keys
    assert next(r for r in body if r["key"] == "funds_foreign_usd")["unit"] == "万美元"


def test_bad_input_is_a_400_in_chinese(users, world):
    client = client_for(users["city"])
    response = client.get(IND, {"indicator": "visits", "period": "2024"})
    assert response.status_code == 400
    assert response.json()["indicator"][0].startswith("未知指标“visits”")
    response = client.get(IND, {"indicator": "funds_verified", "period": "2024Q9"})
    assert response.status_code == 400
    assert response.json()["period"][0].startswith("无法识别的期间“2024Q9”")
    response = client.get(IND, {"indicator": "funds_verified"})
    assert response.status_code == 400 and "period" in response.json()
    response = client.get(IND, {"indicator": "funds_verified", "period": "2024", "unit": "X"})
    assert response.json() == {"unit": ["未知单位“X”"]}
    response = client.get(IND, {"indicator": "funds_verified", "period": "2024", "once_only": "1"})
    assert response.status_code == 400 and "options" in response.json()
    assert client.get("/api/rankings/2024-03/").status_code == 400


def test_a_county_sees_its_own_live_figures_and_the_city_total_only(users, world):
    client = client_for(users["linqing"])
    assert (
        client.get(IND, {"indicator": "funds_verified", "unit": DCF, "period": "2024"}).status_code
        == 403
    )
    body = client.get(IND, {"indicator": "funds_verified", "period": "2024Q1"}).json()
    assert body["value"] == "66500.00"
    assert (body["records"], body["records_visible"]) == (5, 3)  # 东昌府's two stay closed


def test_ranking_is_404_until_published_then_everyone_permitted_sees_it(users, scheme):
    response = client_for(users["city"]).get(RANK)
    assert response.status_code == 404 and response.json()["detail"] == "该季度尚未发布竞赛榜"
    snapshot = snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    for name in ("city", "linqing", "linqing_leader", "commissioner", "dept_land", "inspector"):
        response = client_for(users[name]).get(RANK)
        assert response.status_code == 200, name
    body = response.json()
    assert body["hash"] == snapshot.sha256
    assert body["scheme"] == {"code": "test", "name": "测试办法", "version": 1}
    (track,) = body["tracks"]
    assert track["name"] == "测试赛道"
    first = track["units"][0]
    assert {"unit", "scores", "total", "rank"} <= set(first)
    assert (first["unit"], first["total"], first["rank"]) == (DCF, "110.00", 1)
    assert client_for(users["city"]).get(RANK, {"scheme": "nope"}).status_code == 400
    listed = client_for(users["linqing"]).get("/api/rankings/").json()
    assert [(r["quarter"], r["hash"]) for r in listed] == [("2024Q1", snapshot.sha256)]


def test_published_drilldown_names_only_records_the_user_may_open(users, published, world):
    url = f"{RANK}drilldown/"
    body = client_for(users["city"]).get(url, {"column": "funds", "unit": L}).json()
    assert body["value"] == "5500.00"
    assert [r["contribution"] for r in body["records"]] == ["3000.00", "2000.00", "500.00"]
    assert all(r["visible"] for r in body["records"])
    other = client_for(users["dongchangfu"]).get(url, {"column": "funds", "unit": L}).json()
    assert [r["id"] for r in other["records"]] == [r["id"] for r in body["records"]]
    assert not any(r["visible"] or r["label"] for r in other["records"])
    growth = client_for(users["city"]).get(url, {"column": "growth", "unit": L}).json()
    assert growth["baseline"]["period"] == "2023Q1"
    assert client_for(users["city"]).get(url, {"column": "x", "unit": L}).status_code == 400
    assert client_for(users["city"]).get(url, {"unit": L}).json() == {"column": ["必填"]}


def test_preview_before_publication(users, scheme):
    url = f"{RANK}preview/"
    full = client_for(users["city"]).get(url).json()
    assert full["published"] is False
    assert len(full["tracks"][0]["units"]) == 4
    own = client_for(users["linqing"]).get(url).json()
    assert [r["unit"] for t in own["tracks"] for r in t["units"]] == [L]
    assert client_for(users["commissioner"]).get(url).status_code == 403
    scheme_update(actor=users["city"], scheme=scheme, config={**CONFIG, "preview": "city_only"})
    response = client_for(users["linqing"]).get(url)
    assert response.status_code == 403 and response.json()["detail"] == "竞赛榜发布前仅市级可见"
