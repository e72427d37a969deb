"""Goals: setting them (city only, audited), progress against the calendar, shares, 开门红, cockpit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction
from zhaoshang.goals import selectors
from zhaoshang.goals.models import Goal
from zhaoshang.goals.services import goal_set, goals_set

pytestmark = pytest.mark.django_db

L, DCF = "371581", "371502"
D = dt.date


@pytest.fixture
def goals(users, world):
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000},  # 60,000: short of the city's 62,000
    )
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="new_started_over_100m",
        city_target=4,
        shares={L: 2, DCF: 2},
    )


def test_goal_set_is_city_only_audited_and_updates_in_place(users, org):
    goal = goal_set(actor=users["city"], year=2024, indicator="funds_verified", target="5000000")
    assert goal.unit is None and goal.target == Decimal("5000000.00")
    again = goal_set(actor=users["city2"], year=2024, indicator="funds_verified", target=4800000)
    assert again.pk == goal.pk and again.set_by == users["city2"]
    assert [e.action for e in audit.history_for(goal).order_by("id")] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
    ]
    with pytest.raises(PermissionDenied, match="没有新增年度目标的权限"):
        goal_set(actor=users["linqing"], year=2024, indicator="funds_verified", target=1,
                 unit=org["linqing"])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        goal_set(actor=users["city"], year=2024, indicator="nope", target=1)
    assert "indicator" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        goal_set(actor=users["city"], year=2024, indicator="funds_verified", target=-1)
    assert exc.value.message_dict["target"] == ["目标值不能为负数"]
    with pytest.raises(ValidationError) as exc:
        goals_set(actor=users["city"], year=2024, indicator="funds_verified", city_target=1,
                  shares={"000000": 1})  # fmt: skip
    assert "shares" in exc.value.message_dict
    assert Goal.objects.count() == 1


def test_city_progress_against_the_calendar_and_the_shares_flag(users, goals):
    rows = selectors.goal_progress(user=users["city"], year=2024, on=D(2024, 3, 31))
    funds = next(r for r in rows if r["indicator"] == "funds_verified")
    # 66,500 of 62,000; by 31 March 91 of 366 days have passed: 62,000 × 91 / 366 = 15,415.30
    assert funds["actual"] == Decimal("66500.00")
    assert funds["completion_pct"] == Decimal("107.26")
    assert funds["expected_pct"] == Decimal("24.86")
    assert funds["expected_value"] == Decimal("15415.30")
    assert funds["gap"] == Decimal("51084.70") and funds["on_track"] is True
    assert funds["shares"]["match"] is False and funds["shares"]["difference"] == Decimal(
        "-2000.00"
    )
    started = next(r for r in rows if r["indicator"] == "new_started_over_100m")
    assert (started["actual"], started["remaining"]) == (2, 2)
    assert started["shares"]["match"] is True


def test_unit_progress_is_its_own_and_no_other(users, goals):
    rows = selectors.goal_progress(user=users["linqing"], year=2024, unit_code=L, on=D(2024, 6, 30))
    funds = next(r for r in rows if r["indicator"] == "funds_verified")
    assert (funds["actual"], funds["completion_pct"], funds["remaining"]) == (
        Decimal("6500.00"),
        Decimal("65.00"),
        Decimal("3500.00"),
    )
    with pytest.raises(PermissionDenied, match="无权查看其他单位的实时指标"):
        selectors.goal_progress(user=users["linqing"], year=2024, unit_code=DCF)
    with pytest.raises(PermissionDenied, match="没有查看目标与指标的权限"):
        selectors.goal_progress(user=users["norole"], year=2024)
    matrix = selectors.goal_matrix(user=users["linqing"], year=2024, on=D(2024, 6, 30))
    assert [r["unit"] for r in matrix[0]["units"]] == [L]


def test_kaimenhong_first_quarter(users, goals):
    data = selectors.kaimenhong(user=users["city"], year=2024)
    assert data["period"]["label"] == "2024Q1" and data["expected_pct"] == Decimal("24.86")
    funds = data["indicators"][0]
    assert funds["indicator"] == "funds_verified"
    by_unit = {r["unit"]: r for r in funds["units"]}
    assert by_unit[DCF]["completion_pct"] == Decimal("122.00") and by_unit[DCF]["rank"] == 1
    assert by_unit[L]["completion_pct"] == Decimal("55.00") and by_unit[L]["rank"] == 2
    assert by_unit[L]["last_year"] == 0 and by_unit[L]["growth_pct"] is None
    assert funds["city"]["actual"] == Decimal("66500.00")


def test_cockpit_data(users, goals, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        data = selectors.cockpit_data(user=users["city"], year=2024, on=D(2024, 12, 31))
    assert data["funds_by_month"]["this_year"][:5] == [
        Decimal("1000.00"),
        Decimal("3500.00"),
        Decimal("62000.00"),
        Decimal("1000.00"),
        Decimal("0.00"),
    ]
    assert sum(data["funds_by_month"]["last_year"]) == 0
    stages = {s["stage"]: s["count"] for s in data["pipeline"]}
    assert stages["started"] == 4 and stages["signed"] == 1
    by_unit = {u["unit"]: u for u in data["by_unit"]}
    assert by_unit[L]["funds_verified_wan"] == Decimal("6500.00")
    assert (by_unit[L]["started_over_100m"], by_unit[DCF]["started_over_100m"]) == (1, 2)
    assert [p["name"] for p in data["key_behind_schedule"]] == ["P1 高端轴承基地"]
    assert data["key_behind_schedule"][0]["earliest_due"] == D(2024, 6, 30)
    assert {g["indicator"] for g in data["gauges"]} == {"funds_verified", "new_started_over_100m"}
    county = selectors.cockpit_data(user=users["linqing"], year=2024, on=D(2024, 12, 31))
    assert [u["unit"] for u in county["by_unit"]] == [L]
    assert county["funds_by_month"]["this_year"][2] == Decimal("2000.00")


def test_unit_dashboard(users, goals):
    data = selectors.unit_dashboard(user=users["linqing"], unit_code=L, year=2024)
    lacking = {row["indicator"]: row["remaining"] for row in data["lacking"]}
    assert lacking == {"funds_verified": Decimal("3500.00"), "new_started_over_100m": 1}
    assert data["rank"] is None


def test_indicator_by_unit_for_the_map(users, world):
    rows = selectors.indicator_by_unit(user=users["city"], key="funds_verified", period="2024Q1")
    assert len(rows) == 11
    values = {r["unit"]: r["value"] for r in rows}
    assert values[L] == Decimal("5500.00") and values["LCZ01"] == 0
