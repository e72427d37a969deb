"""The leader's home: key projects behind schedule and the latest 竞赛榜, within the leader's
scope (a county leader: their county's projects and their own track)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.goals import dashboards
from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.goals.tests.conftest import (  # noqa: F401 (fixtures)
    advance,
    funds,
    investors,
    tags,
    world,
)
from zhaoshang.goals.tests.test_ranking import CONFIG
from zhaoshang.projects.services import milestone_complete, milestone_create

pytestmark = pytest.mark.django_db

L, DCF, CP, GT = "371581", "371502", "371503", "371526"


def home(client, user):
    client.force_login(user)
    return client.get(reverse("portal:home"))


@pytest.fixture
def behind(users, make_project, today):
    """Key projects with overdue milestones, by days late: C 50 (东昌府), A 40 (two overdue),
    B 30, D 20, E 5, F 1; G is due later, H was done, N is not a key project."""
    city = users["city"]

    def key(name, who="linqing", is_key=True):
        return make_project(who, name=name, is_key=is_key)

    def due(project, title, days_ago):
        return milestone_create(
            actor=city, project=project, title=title, due_on=today - dt.timedelta(days=days_ago)
        )

    projects = {name: key(f"{name} 项目") for name in "ABDEFGH"}
    projects["C"] = key("C 项目", who="dongchangfu")
    projects["N"] = key("N 项目", is_key=False)
    due(projects["A"], "环评批复", 10)
    due(projects["A"], "土地摘牌", 40)
    due(projects["B"], "主体封顶", 30)
    due(projects["C"], "设备进场", 50)
    due(projects["D"], "规划许可", 20)
    due(projects["E"], "施工许可", 5)
    due(projects["F"], "开工仪式", 1)
    due(projects["G"], "竣工验收", -5)
    done = due(projects["H"], "签订协议", 60)
    milestone_complete(actor=city, milestone=done, done_on=today - dt.timedelta(days=55))
    due(projects["N"], "土地摘牌", 70)
    return projects


def test_a_city_leader_sees_the_count_and_the_five_key_projects_overdue_longest(
    client, users, behind
):
    response = home(client, users["leader"])
    assert response.status_code == 200
    assert response.templates[0].name == "portal/home_leader.html"
    assert response.context["behind_count"] == 6
    assert [
        (r["name"], r["unit_short"], r["milestone"], r["overdue"], r["days_late"])
        for r in response.context["behind"]
    ] == [
        ("C 项目", "东昌府", "设备进场", 1, 50),
        ("A 项目", "临清", "土地摘牌", 2, 40),
        ("B 项目", "临清", "主体封顶", 1, 30),
        ("D 项目", "临清", "规划许可", 1, 20),
        ("E 项目", "临清", "施工许可", 1, 5),
    ]
    html = response.content.decode()
    assert 'data-figure="behind-count">6 个<' in html
    assert "节点：土地摘牌" in html and "等 2 个" in html and "逾期 40 天" in html
    assert "F 项目" not in html  # the sixth is behind the link to the leader's view
    assert 'href="/goals/leader/"' in html


def test_a_county_leader_sees_only_their_countys_key_projects_behind_schedule(
    client, users, behind
):
    response = home(client, users["linqing_leader"])
    assert response.context["behind_count"] == 5
    assert [r["name"] for r in response.context["behind"]] == [
        "A 项目",
        "B 项目",
        "D 项目",
        "E 项目",
        "F 项目",
    ]
    assert "C 项目" not in response.content.decode()


def test_a_leader_home_without_overdue_nodes_or_ranking_says_so(client, users):
    response = home(client, users["leader"])
    html = response.content.decode()
    assert response.context["behind_count"] == 0 and response.context["ranking"] is None
    assert "没有逾期未完成推进节点的重点项目。" in html and "尚未发布竞赛榜。" in html


@pytest.fixture
def published(users, request):
    request.getfixturevalue("world")
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, CP: 1000, GT: 1000},
    )
    scheme = scheme_create(
        actor=users["city"], code="test", name="测试办法", config=CONFIG, is_default=True
    )
    snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    return scheme


def card_rows(response):
    return [
        (t["name"], [(r["rank"], r["short_name"], r["total"], r["rank_change"]) for r in t["rows"]])
        for t in response.context["ranking"]["tracks"]
    ]


def test_the_ranking_card_shows_the_first_three_of_the_latest_published_quarter(
    client, users, published
):
    # 2024Q1 alone: no previous quarter, so no change (—)
    response = home(client, users["leader"])
    assert response.context["ranking"]["title"] == "2024年第一季度"
    assert card_rows(response) == [
        (
            "测试赛道",
            [
                (1, "东昌府", Decimal("110.00"), None),
                (2, "临清", Decimal("96.00"), None),
                (3, "茌平", Decimal("34.00"), None),
            ],
        )
    ]
    html = response.content.decode()
    assert "110.00 分" in html and "第1名" in html
    assert 'href="/goals/rankings/2024Q1/?scheme=test"' in html
    # 2024Q2 published: the card moves on, each rank against Q1's (the same ranks: 持平)
    snapshot_publish(actor=users["city"], scheme=published, quarter="2024Q2")
    response = home(client, users["leader"])
    assert response.context["ranking"]["title"] == "2024年第二季度"
    assert card_rows(response) == [
        (
            "测试赛道",
            [
                (1, "东昌府", Decimal("104.00"), 0),
                (2, "临清", Decimal("80.90"), 0),
                (3, "茌平", Decimal("51.00"), 0),
            ],
        )
    ]
    assert "80.90 分" in response.content.decode() and "持平" in response.content.decode()


def test_a_county_leaders_card_marks_their_unit_and_keeps_it_when_it_ranks_lower(
    client, users, published
):
    response = home(client, users["linqing_leader"])
    rows = response.context["ranking"]["tracks"][0]["rows"]
    assert [(r["short_name"], r["own"]) for r in rows] == [
        ("东昌府", False),
        ("临清", True),
        ("茌平", False),
    ]
    assert 'aria-current="true" data-unit="371581"' in response.content.decode()
    # with only the first shown, the county's own row still follows it
    ranking = {
        "quarter": "2024Q1",
        "scheme": {"code": "test", "name": "测试办法"},
        "tracks": [
            {
                "name": "县市区",
                "units": [
                    {
                        "unit": u,
                        "unit_name": n,
                        "short_name": n,
                        "total": t,
                        "rank": k,
                        "rank_change": c,
                    }
                    for u, n, t, k, c in [
                        (DCF, "东昌府", "90.00", 1, 1),
                        (CP, "茌平", "80.00", 2, -1),
                        (L, "临清", "70.00", 3, None),
                    ]
                ],
            },
            {
                "name": "功能区",
                "units": [{"unit": "LCZ01", "unit_name": "开发区", "total": "50", "rank": 1}],
            },
        ],
    }
    card = dashboards.ranking_card(ranking, unit_code=L, top=1)
    assert [(r["rank"], r["short_name"], r["own"]) for t in card["tracks"] for r in t["rows"]] == [
        (1, "东昌府", False),
        (3, "临清", True),
    ]
    assert card["url"] == "/goals/rankings/2024Q1/?scheme=test"
    # a city leader sees every track; a unit in none of them, none
    assert [t["name"] for t in dashboards.ranking_card(ranking)["tracks"]] == ["县市区", "功能区"]
    assert dashboards.ranking_card(ranking, unit_code="LCZ02")["tracks"] == []
