"""Dashboard pages: who may open them, the cockpit's numbers against the selectors', the map's
polygons against the units, the unit dashboard's gaps, the leader's view, Excel of each table.

The exact world of conftest.py (2024 verified funds: 临清 P1 3,000 + 2,000 + 1,000, P2 500;
东昌府 P3 60,000, P4 1,000) with city goals and unit shares set through the service.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from zhaoshang.accounts.models import Unit
from zhaoshang.core.closing import statistics_year_set
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.goals import dashboards, selectors
from zhaoshang.goals.services import goals_set
from zhaoshang.projects.models import Milestone, Project

pytestmark = pytest.mark.django_db

L, DCF = "371581", "371502"
YEAR = 2024


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cockpit is cached by data version; test databases reuse audit ids after rollback."""
    cache.clear()
    yield
    cache.clear()


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def goals(users, world):
    """City goals 2024 with unit shares (the rest of the 11 units get the remainder)."""
    others = [u.code for u in Unit.objects.exclude(code__in=["371500", L, DCF])]
    goals_set(
        actor=users["city"],
        year=YEAR,
        indicator="funds_verified",
        city_target=100000,
        shares={L: 20000, DCF: 50000, **{c: Decimal(30000) / len(others) for c in others}},
    )
    goals_set(
        actor=users["city"],
        year=YEAR,
        indicator="new_started_over_100m",
        city_target=11,
        shares={c: 1 for c in [L, DCF, *others]},
    )
    return world


def test_anonymous_is_sent_to_login(users):
    for url in [
        "/goals/",
        "/goals/screen/",
        f"/goals/units/{L}/",
        "/goals/leader/",
        "/goals/rankings/",
        "/goals/cockpit/tables/all.xlsx",
        "/goals/indicators/funds_verified/",
        "/goals/periods/",
    ]:
        response = client().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["dept_land", "sysadmin", "norole", "commissioner"])
def test_roles_without_goals_get_403(users, who):
    c = client(users[who])
    for url in [
        "/goals/",
        "/goals/screen/",
        f"/goals/units/{L}/",
        "/goals/cockpit/map/",
        "/goals/cockpit/tables/gauges.xlsx",
        f"/goals/units/{L}/tables/all.xlsx",
        "/goals/indicators/funds_verified/",
    ]:
        assert c.get(url).status_code == 403, (who, url)


def test_sysadmin_and_no_role_cannot_open_rankings(users):
    for who in ["sysadmin", "norole"]:
        assert client(users[who]).get("/goals/rankings/").status_code == 403
        assert client(users[who]).get("/goals/rankings/2024Q1/").status_code == 403
        assert client(users[who]).get("/goals/periods/").status_code == 403


def test_county_user_sees_only_their_own_dashboard(users, goals):
    c = client(users["linqing"])
    response = c.get("/goals/?year=2024")
    assert response.status_code == 302
    assert response["Location"] == f"/goals/units/{L}/?year=2024"
    assert c.get(f"/goals/units/{L}/?year=2024").status_code == 200
    assert c.get(f"/goals/units/{DCF}/").status_code == 404
    assert c.get("/goals/units/LCZ01/").status_code == 404
    assert c.get("/goals/cockpit/tables/by_unit.xlsx").status_code == 404
    assert c.get("/goals/cockpit/map/").status_code == 403
    assert c.get(f"/goals/indicators/funds_verified/?unit={DCF}&period=2024").status_code == 404
    assert c.get(f"/goals/units/{DCF}/tables/all.xlsx").status_code == 404
    # a county leader likewise
    assert client(users["linqing_leader"]).get(f"/goals/units/{DCF}/").status_code == 404
    assert client(users["linqing_leader"]).get(f"/goals/units/{L}/").status_code == 200


def test_navigation_links(users):
    page = client(users["city"]).get("/").content.decode()
    assert 'href="/goals/"' in page and ">驾驶舱<" in page and 'href="/goals/rankings/"' in page
    page = client(users["linqing"]).get("/").content.decode()
    assert ">本单位看板<" in page
    page = client(users["leader"]).get("/").content.decode()
    assert 'href="/goals/leader/"' in page
    page = client(users["dept_land"]).get("/").content.decode()
    assert 'href="/goals/"' not in page


def test_cockpit_numbers_equal_the_selectors(users, goals):
    city = users["city"]
    response = client(city).get("/goals/?year=2024")
    assert response.status_code == 200
    data = response.context["data"]
    expected = selectors.cockpit_data(user=city, year=YEAR)
    assert data == expected
    # the figures themselves, by hand
    funds = data["funds_by_month"]
    months = dict(zip(funds["months"], funds["this_year"], strict=True))
    assert (months[1], months[2], months[3], months[4]) == (
        Decimal("1000.00"),
        Decimal("3500.00"),
        Decimal("62000.00"),
        Decimal("1000.00"),
    )
    by_unit = {r["unit"]: r for r in data["by_unit"]}
    assert by_unit[L]["funds_verified_wan"] == Decimal("6500.00")
    assert by_unit[DCF]["funds_verified_wan"] == Decimal("61000.00")
    gauges = {g["indicator"]: g for g in data["gauges"]}
    assert gauges["funds_verified"]["actual"] == Decimal("67500.00")
    assert gauges["funds_verified"]["target"] == Decimal("100000.00")
    # the tables the page shows are the same numbers
    tables = response.context["tables"]
    units_table = {row[0]: row for row in tables["by_unit"].rows}
    assert units_table["临清市"][3] == Decimal("6500.00")
    assert tables["funds_by_month"].footer[1] == Decimal("67500.00")
    assert [r[1] for r in tables["pipeline"].rows] == [
        Decimal(p["count"]) for p in expected["pipeline"]
    ]
    html = response.content.decode()
    assert "67,500.00" in html  # the funds table's total
    assert 'data-chart="gauges"' in html and 'data-chart="map"' in html
    charts = json.loads(html.split('id="cockpit-charts" type="application/json">')[1].split("<")[0])
    assert charts["funds_by_month"]["this_year"][2] == 62000.0


def test_cockpit_year_defaults_to_the_citys_statistics_year_not_the_data(users, goals, today):
    # The data is of 2024; without a configured statistics year the cockpit opens on this year.
    assert client(users["city"]).get("/goals/").context["year"] == today.year
    statistics_year_set(actor=users["city"], year=YEAR)
    response = client(users["city"]).get("/goals/")
    assert response.context["year"] == YEAR
    assert client(users["city"]).get("/goals/?year=1999").context["year"] == YEAR


def test_wall_display_refreshes_itself_without_navigation(users, goals):
    response = client(users["city"]).get("/goals/screen/?year=2024&refresh=30")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 30s"' in html and 'class="zs-screen"' in html
    assert 'http-equiv="refresh" content="30"' in html  # without JavaScript
    assert "navbar" not in html
    assert client(users["city"]).get("/goals/screen/?refresh=1").context["refresh"] == 15


def _geojson() -> dict:
    path = finders.find(dashboards.MAP_STATIC)
    assert path, "static/vendor/maps/liaocheng.geojson is missing: run `make assets`"
    return json.loads(Path(path).read_text(encoding="utf-8"))


def test_every_county_polygon_maps_to_a_unit(org):
    geo = _geojson()
    codes = {}
    for feature in geo["features"]:
        code = dashboards.feature_unit_code(feature)
        unit = Unit.objects.filter(code=code).first()
        assert unit is not None, feature["properties"]["name"]
        assert unit.division_code == code
        codes[feature["properties"]["name"]] = code
    assert codes["茌平县"] == "371503"  # the file predates 2019's 茌平县 → 茌平区
    county_level = set(
        Unit.objects.exclude(division_code="").exclude(code="371500").values_list("code", flat=True)
    )
    assert set(codes.values()) == county_level
    assert len(geo["features"]) == len(dashboards.MAP_FEATURES) == 8
    assert finders.find(dashboards.PROVINCE_MAP_STATIC)


def test_map_panel_names_polygons_by_unit_and_lists_the_zones(users, goals):
    response = client(users["city"]).get(
        "/goals/cockpit/map/", {"year": YEAR, "indicator": "new_started_over_100m"}
    )
    assert response.status_code == 200
    panel = response.context["map"]
    values = {
        r["unit"]: r["value"]
        for r in selectors.indicator_by_unit(
            user=users["city"], key="new_started_over_100m", period="2024"
        )
    }
    assert {p["unit"]: p["value"] for p in panel["polygons"]} == {
        c: values[c] for _, c in dashboards.MAP_FEATURES.values()
    }
    assert {p["unit_name"] for p in panel["polygons"]} >= {"茌平区", "临清市"}
    assert {o["unit"] for o in panel["others"]} == {"LCZ01", "LCZ02", "LCZ03"}
    assert values[L] == 1 and values[DCF] == 2  # P1 started 2024-03; P4 2024-01, P3 2024-05
    features = response.context["map_features"]
    assert features["371523"] == {"unit": "371503", "name": "茌平区"}


def test_cockpit_table_excel_matches_the_page_and_is_audited(users, goals):
    city = users["city"]
    page = client(city).get("/goals/?year=2024").context["tables"]["by_unit"]
    response = client(city).get("/goals/cockpit/tables/by_unit.xlsx?year=2024")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(min_row=3, max_row=2 + len(page.rows), values_only=True))
    assert [r[0] for r in rows] == [r[0] for r in page.rows]
    assert [Decimal(str(r[3])) for r in rows] == [r[3] for r in page.rows]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.user == city and "驾驶舱" in entry.object_repr
    every = client(city).get("/goals/cockpit/tables/all.xlsx?year=2024")
    assert len(load_workbook(io.BytesIO(every.content)).worksheets) == 8
    assert client(city).get("/goals/cockpit/tables/nope.xlsx").status_code == 404


def test_unit_dashboard_shows_the_gap_and_the_calendar(users, goals):
    response = client(users["linqing"]).get(f"/goals/units/{L}/?year=2024")
    page = response.context["page"]
    funds = next(g for g in page["goals"] if g["indicator"] == "funds_verified")
    assert (funds["target"], funds["actual"]) == (Decimal("20000.00"), Decimal("6500.00"))
    # 2024 is over: the calendar expects the whole goal
    assert funds["expected_pct"] == Decimal("100.00") and funds["gap"] == Decimal("-13500.00")
    lacking = {row["indicator"]: row for row in page["lacking"]}
    assert lacking["funds_verified"]["remaining"] == Decimal("13500.00")
    assert lacking["funds_verified"]["behind_calendar"] == Decimal("13500.00")
    assert page["figures"]["funds_year_wan"] == Decimal("6500.00")
    html = response.content.decode()
    assert "距全年目标尚差" in html and "13,500.00 万元" in html
    assert page == {**page, "unit": Unit.objects.get(code=L)}
    # the city may open any unit's dashboard, with the same figures
    city_page = client(users["city"]).get(f"/goals/units/{L}/?year=2024").context["page"]
    assert city_page["goals"] == page["goals"]


def test_unit_dashboard_lists_key_projects_behind_schedule(users, goals, today):
    p1 = goals["p1"]
    # P1's 主体封顶 was due 2024-06-30 and is not done: behind schedule as of today
    response = client(users["linqing"]).get(f"/goals/units/{L}/?year=2024")
    behind = response.context["tables"]["behind"]
    assert [r[0] for r in behind.rows] == [p1.name]
    assert behind.rows[0][3] == dt.date(2024, 6, 30)


def test_leader_view(users, goals, today):
    p1, p4 = goals["p1"], goals["p4"]
    Project.objects.filter(pk=p1.pk).update(lead_leader=users["leader"])
    response = client(users["leader"]).get("/goals/leader/")
    assert response.status_code == 200
    page = response.context["page"]
    assert [p.name for p in page["mine"]] == [p1.name]
    assert {p.name for p in page["key"]} == {p1.name, p4.name}
    # P1 has two milestones and 6,000 verified: its funds are summed once, not once per milestone
    assert [p.verified_wan for p in page["mine"]] == [Decimal("6000.00")]
    assert {p.name: p.verified_wan for p in page["key"]} == {
        p1.name: Decimal("6000.00"),
        p4.name: Decimal("1000.00"),
    }
    overdue = [row["milestone"].title for row in page["milestones"]]
    assert overdue == ["主体封顶"]
    assert page["milestones"][0]["days_late"] == (today - dt.date(2024, 6, 30)).days
    # a county leader sees only their county's key projects
    page = client(users["linqing_leader"]).get("/goals/leader/").context["page"]
    assert {p.name for p in page["key"]} == {p1.name}
    assert page["mine"] == []
    # every link the leader's page offers leads to a page the leader may open (no placeholder)
    html = client(users["leader"]).get("/goals/leader/").content.decode()
    assert 'href="/service/problems/"' in html
    assert client(users["leader"]).get("/service/problems/").status_code == 200
    assert client(users["dept_land"]).get("/goals/leader/").status_code == 403


def test_indicator_records_page(users, goals):
    response = client(users["city"]).get(
        "/goals/indicators/funds_verified/", {"unit": L, "period": "2024Q1"}
    )
    assert response.status_code == 200
    assert response.context["value"]["value"] == Decimal("5500.00")
    assert len(response.context["page"].object_list) == 3
    bad = client(users["city"]).get("/goals/indicators/funds_verified/", {"period": "2024Q9"})
    assert bad.status_code == 400 and "无法识别的期间" in bad.content.decode()
    assert client(users["city"]).get("/goals/indicators/nope/").status_code == 404


def test_milestone_done_after_due_is_no_longer_behind(users, goals, today):
    Milestone.objects.filter(project=goals["p1"], done_on__isnull=True).update(done_on=today)
    data = client(users["city"]).get("/goals/?year=2024").context["data"]
    assert data["key_behind_schedule"] == []
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_cockpit_cache_follows_every_write(users, goals, funds):
    city = users["city"]
    first = dashboards.cockpit(user=city, year=YEAR)
    key = dashboards._cockpit_key(city, YEAR, None, first["data"]["on"])
    assert cache.get(key)["data"] == first["data"]  # the next viewer is served from the cache
    before = first["data"]["funds_by_month"]["this_year"][4]
    funds(goals["p1"], dt.date(2024, 5, 1), 800)  # a write: audited, so a new data version
    after = dashboards.cockpit(user=city, year=YEAR)["data"]["funds_by_month"]["this_year"][4]
    assert after == before + Decimal("800.00")
    # a county user's cockpit is cached apart from the city's
    county = dashboards.cockpit(user=users["linqing"], year=YEAR)
    assert [r["unit"] for r in county["data"]["by_unit"]] == [L]
