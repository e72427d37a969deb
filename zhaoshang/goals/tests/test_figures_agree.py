"""Every page, API, export and ranking that publishes a figure shows the same value for it, and
the same value as the indicator registry: 到位资金, 待核实资金, 项目总数（含终止）, 在库项目, 重点项目,
新签约项目 and 新开工过亿元项目 (count and total investment).

The exact world of conftest.py, plus P6: a 临清 key project, dropped (终止). Its figures for 2024,
by hand (万元):

==========================  ======  ======  ======
figure                      city    临清    东昌府
==========================  ======  ======  ======
到位资金                     67,500   6,500  61,000
待核实资金 (P4 2024-02)         700       0     700
项目总数（含终止）                 6       4       2
在库项目                          5       3       2
重点项目 (P1, P4; not P6)         2       1       1
新签约项目 (P1, P2, P3, P5)       4       3       1
新开工过亿元项目 (P1, P3, P4)     3       1       2
  their total investment    750,000 120,000 630,000
==========================  ======  ======  ======
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from zhaoshang.accounts.models import Unit
from zhaoshang.core.periods import year_period
from zhaoshang.core.templatetags.zs import wan
from zhaoshang.goals import selectors
from zhaoshang.goals.indicators import evaluate
from zhaoshang.goals.ranking import compute_quarter
from zhaoshang.goals.services import goals_set, scheme_create
from zhaoshang.projects import figures
from zhaoshang.projects.models import Project, Stage

pytestmark = pytest.mark.django_db

L, DCF = "371581", "371502"
YEAR = 2024
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)

EXPECTED = {
    None: {
        "funds_verified": Decimal("67500.00"),
        "funds_pending": Decimal("700.00"),
        "projects_total": 6,
        "projects_live": 5,
        "key_projects": 2,
        "signed": 4,
        "started_over_100m": 3,
        "started_over_100m_investment": Decimal("750000.00"),
    },
    L: {
        "funds_verified": Decimal("6500.00"),
        "funds_pending": Decimal("0.00"),
        "projects_total": 4,
        "projects_live": 3,
        "key_projects": 1,
        "signed": 3,
        "started_over_100m": 1,
        "started_over_100m_investment": Decimal("120000.00"),
    },
    DCF: {
        "funds_verified": Decimal("61000.00"),
        "funds_pending": Decimal("700.00"),
        "projects_total": 2,
        "projects_live": 2,
        "key_projects": 1,
        "signed": 1,
        "started_over_100m": 2,
        "started_over_100m_investment": Decimal("630000.00"),
    },
}
# the registry's indicator behind each figure it also computes
REGISTRY = {
    "funds_verified": "funds_verified",
    "signed": "new_signed_count",
    "started_over_100m": "new_started_over_100m",
    "started_over_100m_investment": "new_started_over_100m_investment_wan",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city_world(users, world, make_project, advance, investors):
    p6 = make_project(
        "linqing",
        name="P6 撤资项目",
        total_investment_wan=Decimal(50000),
        investors=[investors["jinan"]],
        lead_on=dt.date(2023, 10, 9),
        is_key=True,
    )
    advance(p6, Stage.DROPPED, dt.date(2024, 4, 1), note="投资方撤资")
    units = [u.code for u in Unit.objects.exclude(code="371500")]
    for indicator, target in (("funds_verified", 100000), ("new_started_over_100m", 11)):
        goals_set(
            actor=users["city"],
            year=YEAR,
            indicator=indicator,
            city_target=target,
            shares={c: Decimal(target) / len(units) for c in units},
        )
    return {**world, "p6": p6}


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def figure(html: str, name: str) -> str:
    """The text of the element marked data-figure="name" (one only)."""
    found = re.findall(rf'data-figure="{name}">([^<]*)<', html)
    assert len(found) == 1, (name, found)
    return found[0].strip()


def registry(key: str, unit_code: str | None) -> Decimal:
    unit_id = Unit.objects.get(code=unit_code).pk if unit_code else None
    return evaluate(key, year_period(YEAR)).value(unit_id)


def test_the_indicator_registry_computes_the_figures_by_hand(city_world):
    for unit_code, expected in EXPECTED.items():
        for name, key in REGISTRY.items():
            assert registry(key, unit_code) == expected[name], (unit_code, name)


def test_the_figures_module_agrees_with_the_registry(users, city_world):
    city = users["city"]
    by_unit = figures.verified_funds_by_unit(city, start=START, end=END)
    for unit_code, expected in EXPECTED.items():
        projects = Project.objects.all()
        if unit_code:
            unit = Unit.objects.get(code=unit_code)
            projects = projects.filter(unit=unit)
            assert by_unit[unit.pk] == expected["funds_verified"]
        counts = figures.project_figures(projects, start=START, end=END)
        for name in ("projects_total", "projects_live", "key_projects", "signed"):
            assert counts[name] == expected[name], (unit_code, name)
        assert counts["started_over_100m"] == expected["started_over_100m"]
        assert (
            counts["started_over_100m_investment_wan"] == expected["started_over_100m_investment"]
        )
        # the records path and the monthly totals agree
        assert (
            figures.verified_funds_of_projects(projects, start=START, end=END)
            == (expected["funds_verified"])
        )
    totals = figures.funds_totals(city, start=START, end=END)
    assert (totals["verified_wan"], totals["pending_wan"], totals["pending_count"]) == (
        Decimal("67500.00"),
        Decimal("700.00"),
        1,
    )
    assert figures.verified_funds(city, start=START, end=END) == Decimal("67500.00")
    by_month = figures.verified_funds_by_month(city, start=START, end=END)
    assert sum(by_month.values()) == Decimal("67500.00")


def test_home_pages_of_the_city_and_a_county_show_the_same_figures(users, city_world):
    for who, unit_code in (("city", None), ("linqing", L), ("dongchangfu", DCF)):
        expected = EXPECTED[unit_code]
        response = client(users[who]).get("/", {"year": YEAR})
        shown = response.context["figures"]
        assert shown["funds_verified_wan"] == expected["funds_verified"], who
        assert shown["funds_pending_wan"] == expected["funds_pending"], who
        assert shown["projects_total"] == expected["projects_total"], who
        assert shown["projects_active"] == expected["projects_live"], who
        assert shown["key_projects"] == expected["key_projects"], who
        assert shown["signed_in_year"] == expected["signed"], who
        assert shown["started_over_100m"] == expected["started_over_100m"], who
        assert (
            shown["started_over_100m_investment_wan"] == (expected["started_over_100m_investment"])
        ), who
        html = response.content.decode()
        assert figure(html, "funds-verified") == wan(expected["funds_verified"])
        assert figure(html, "funds-pending") == wan(expected["funds_pending"])
        assert figure(html, "projects-active") == f"{expected['projects_live']} 个"
        assert figure(html, "projects-total") == str(expected["projects_total"])
        assert figure(html, "key-projects") == str(expected["key_projects"])
        assert figure(html, "signed") == str(expected["signed"])
        assert figure(html, "started-over-100m") == f"{expected['started_over_100m']} 个"
        # each figure under its one label
        for name in (
            "projects_total",
            "projects_live",
            "key_projects",
            "signed",
            "started_over_100m",
            "funds_verified",
            "funds_pending",
        ):
            assert figures.LABELS[name] in html, name
        for name, key in REGISTRY.items():
            assert registry(key, unit_code) == expected[name]
    # the city's table of funds by unit
    rows = client(users["city"]).get("/", {"year": YEAR}).context["funds_by_unit"]
    by_name = {r["unit"]: (r["verified"], r["pending"]) for r in rows}
    # every unit, the ones without funds at zero
    zero = (Decimal(0), Decimal(0))
    assert len(by_name) == 11 and all(
        v == zero for k, v in by_name.items() if k not in ("临清市", "东昌府区")
    )
    assert (by_name["临清市"], by_name["东昌府区"]) == (
        (EXPECTED[L]["funds_verified"], EXPECTED[L]["funds_pending"]),
        (EXPECTED[DCF]["funds_verified"], EXPECTED[DCF]["funds_pending"]),
    )


def test_project_list_api_and_funds_list_show_the_same_totals(users, city_world):
    for who, unit_code in (("city", None), ("linqing", L)):
        expected = EXPECTED[unit_code]
        response = client(users[who]).get("/projects/")
        shown = response.context["figures"]
        assert (shown["projects_total"], shown["projects_live"]) == (
            expected["projects_total"],
            expected["projects_live"],
        ), who
        html = response.content.decode()
        assert figure(html, "projects-total") == str(expected["projects_total"])
        assert figure(html, "projects-live") == str(expected["projects_live"])
        assert figures.LABELS["projects_total"] in html and figures.LABELS["projects_live"] in html
        # 重点项目: the live ones among the projects marked key
        key = client(users[who]).get("/projects/", {"is_key": "true"}).context["figures"]
        assert key["projects_live"] == expected["key_projects"], who
        api = APIClient()
        api.force_authenticate(users[who])
        assert api.get("/api/projects/").json()["count"] == expected["projects_total"]
        # the funds list, all of 2024 (the world's records are all of 2024)
        funds = client(users[who]).get(
            "/projects/funds/", {"period_from": "2024-01", "period_to": "2024-12"}
        )
        assert funds.context["figures"]["verified_wan"] == expected["funds_verified"]
        assert funds.context["figures"]["pending_wan"] == expected["funds_pending"]
        html = funds.content.decode()
        assert figure(html, "funds-verified") == wan(expected["funds_verified"])
        assert figure(html, "funds-pending") == wan(expected["funds_pending"])
        assert figures.LABELS["funds_verified"] in html and figures.LABELS["funds_pending"] in html


def test_project_pages_the_export_and_the_leader_view_agree_per_project(users, city_world):
    city = users["city"]
    per_project = figures.verified_funds_by_project(
        set(Project.objects.values_list("pk", flat=True))
    )
    expected = {
        city_world["p1"].pk: Decimal("6000.00"),
        city_world["p2"].pk: Decimal("500.00"),
        city_world["p3"].pk: Decimal("60000.00"),
        city_world["p4"].pk: Decimal("1000.00"),
    }
    assert per_project == expected
    for pk, amount in expected.items():
        detail = client(city).get(f"/projects/{pk}/")
        assert detail.context["verified_total"] == amount
        assert detail.context["pending_total"] == (
            Decimal("700.00") if pk == city_world["p4"].pk else 0
        )
    # the Excel export: one row per project, the column of verified funds
    workbook = load_workbook(io.BytesIO(client(city).get("/projects/export.xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    column = rows[0].index("已核实到位资金（万元）")
    exported = {row[0]: Decimal(str(row[column])) for row in rows[1:]}
    assert len(exported) == EXPECTED[None]["projects_total"]
    assert {pk: v for pk, v in exported.items() if v} == expected
    assert sum(exported.values()) == EXPECTED[None]["funds_verified"]
    # the leader's view: key projects (P1 has two milestones: no multiplied sums)
    Project.objects.filter(pk=city_world["p1"].pk).update(lead_leader=users["leader"])
    page = client(users["leader"]).get("/goals/leader/").context["page"]
    assert {p.pk: p.verified_wan for p in page["mine"]} == {city_world["p1"].pk: Decimal("6000.00")}
    assert {p.pk: p.verified_wan for p in page["key"]} == {
        city_world["p1"].pk: Decimal("6000.00"),
        city_world["p4"].pk: Decimal("1000.00"),
    }
    assert page["key_count"] == EXPECTED[None]["key_projects"]


def test_cockpit_unit_dashboard_and_indicator_api_agree_with_the_registry(users, city_world):
    city = users["city"]
    data = client(city).get("/goals/", {"year": YEAR}).context["data"]
    assert data == selectors.cockpit_data(user=city, year=YEAR)
    by_unit = {r["unit"]: r for r in data["by_unit"]}
    for unit_code in (L, DCF):
        expected = EXPECTED[unit_code]
        row = by_unit[unit_code]
        assert row["funds_verified_wan"] == expected["funds_verified"]
        assert row["count"] == expected["projects_live"]
        assert row["started_over_100m"] == expected["started_over_100m"]
        assert row["funds_verified_wan"] == registry("funds_verified", unit_code)
        assert row["started_over_100m"] == registry("new_started_over_100m", unit_code)
    assert sum(data["funds_by_month"]["this_year"]) == EXPECTED[None]["funds_verified"]
    assert sum(p["count"] for p in data["pipeline"]) == EXPECTED[None]["projects_total"]
    assert sum(r["count"] for r in data["by_industry"]) == EXPECTED[None]["projects_live"]
    gauges = {g["indicator"]: g["actual"] for g in data["gauges"]}
    assert gauges == {
        "funds_verified": registry("funds_verified", None),
        "new_started_over_100m": registry("new_started_over_100m", None),
    }
    # the county's own figures (its home in goals is its unit dashboard) and that dashboard
    county = selectors.cockpit_data(user=users["linqing"], year=YEAR)
    row = next(r for r in county["by_unit"] if r["unit"] == L)
    assert (row["funds_verified_wan"], row["count"]) == (
        EXPECTED[L]["funds_verified"],
        EXPECTED[L]["projects_live"],
    )
    for who in ("city", "linqing"):
        page = client(users[who]).get(f"/goals/units/{L}/", {"year": YEAR}).context["page"]
        assert page["figures"]["funds_year_wan"] == EXPECTED[L]["funds_verified"]
        assert page["figures"]["projects"] == EXPECTED[L]["projects_live"]
    # the indicator API, for the city and each unit
    api = APIClient()
    api.force_authenticate(city)
    for unit_code, expected in EXPECTED.items():
        for name, key in REGISTRY.items():
            params = {"indicator": key, "period": str(YEAR)}
            if unit_code:
                params["unit"] = unit_code
            body = api.get("/api/indicators/", params).json()
            assert Decimal(body["value"]) == expected[name], (unit_code, name)


def test_a_quarterly_ranking_scores_the_same_figures(users, city_world):
    config = {
        "title": "一致性",
        "years": [YEAR],
        "total_points": "100",
        "tracks": [{"name": "全部", "units": [L, DCF]}],
        "indicators": [
            {"id": "funds", "indicator": "funds_verified", "weight": "50",
             "method": "completion", "span": "ytd", "cap": "120"},
            {"id": "started", "indicator": "new_started_over_100m", "weight": "50",
             "method": "rank_points", "step": "5", "span": "ytd"},
        ],
        "bonuses": [],
        "deductions": [],
        "tie_break": ["funds"],
        "preview": "own_unit",
    }  # fmt: skip
    scheme = scheme_create(actor=users["city"], code="agree", name="一致性", config=config)
    inputs = compute_quarter(scheme, f"{YEAR}Q4").inputs["figures"]
    for unit_code in (L, DCF):
        assert (
            Decimal(inputs["funds"]["units"][unit_code]["value"])
            == (EXPECTED[unit_code]["funds_verified"])
        )
        assert (
            Decimal(inputs["started"]["units"][unit_code]["value"])
            == (EXPECTED[unit_code]["started_over_100m"])
        )
