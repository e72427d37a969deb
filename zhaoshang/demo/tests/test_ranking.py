"""The demo's schemes, goals and published quarters (what load_demo calls)."""

from decimal import Decimal

import pytest

from zhaoshang.core.models import PeriodClose
from zhaoshang.demo.ranking import (
    SCHEME_2023,
    SCHEME_2024,
    publish_past_quarters,
    ranking_demo_setup,
)
from zhaoshang.goals import selectors
from zhaoshang.goals.models import Goal, RankingScheme, SchemeVersion
from zhaoshang.goals.ranking import verify_snapshot

pytestmark = pytest.mark.django_db


def test_setup_creates_two_schemes_and_goals_that_add_up(users):
    schemes = ranking_demo_setup(actor=users["city"])
    assert schemes[SCHEME_2023].name == "2023年办法"
    assert schemes[SCHEME_2024].is_default
    config = schemes[SCHEME_2024].current.config
    assert [t["name"] for t in config["tracks"]] == ["县市区", "功能区"]
    assert sum(Decimal(e["weight"]) for e in config["indicators"]) == 100
    assert len(schemes[SCHEME_2023].current.config["tracks"][0]["units"]) == 11
    city = {g.indicator: g.target for g in Goal.objects.filter(year=2024, unit=None)}
    assert city == {
        "funds_verified": Decimal("5000000.00"),
        "new_started_over_100m": Decimal("300.00"),
        "key_started": Decimal("30.00"),
    }
    matrix = selectors.goal_matrix(user=users["city"], year=2024)
    assert all(m["shares"]["match"] and not m["shares"]["missing"] for m in matrix)
    ranking_demo_setup(actor=users["city"])  # idempotent: no new version, no new goal
    assert SchemeVersion.objects.count() == 2 and Goal.objects.count() == 3 * 12


def test_publish_past_quarters_publishes_each_finished_quarter_once(users, world):
    schemes = ranking_demo_setup(actor=users["city"])
    old = publish_past_quarters(actor=users["city"], scheme=schemes[SCHEME_2023])
    assert [s.quarter for s in old] == ["2023Q4"]  # the world starts in October 2023
    seen = []
    new = publish_past_quarters(
        actor=users["city"], scheme=schemes[SCHEME_2024], close=True, before_each=seen.append
    )
    assert [q.label for q in seen] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert [s.quarter for s in new] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert new[1].previous == new[0]
    assert PeriodClose.objects.filter(label__in=["2024Q1", "2024Q4"]).count() == 2
    assert publish_past_quarters(actor=users["city"], scheme=schemes[SCHEME_2024]) == []
    assert all(verify_snapshot(s).ok for s in new)
    latest = selectors.ranking_latest(user=users["linqing"])
    assert latest["quarter"] == "2024Q4" and latest["scheme"]["code"] == SCHEME_2024
    assert [t["name"] for t in latest["tracks"]] == ["县市区", "功能区"]
    assert [len(t["units"]) for t in latest["tracks"]] == [8, 3]
    assert RankingScheme.objects.get(code=SCHEME_2024).snapshots.count() == 4
