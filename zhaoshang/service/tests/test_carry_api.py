"""`GET /api/teams/`, `/api/element-needs/`, `/api/service-logs/`: what carries a project, each
record within what the token's user may see, the contact's phone masked, read only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.accounts.models import Department
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.service.models import ElementKind, ServiceKind, TeamLevel
from zhaoshang.service.services.elements import allocation_add, need_save
from zhaoshang.service.services.servicelog import service_log_add
from zhaoshang.service.services.teams import member_add, team_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def carried(users, org, make_project, today):
    """A 临清 key project with its team, a land need half allocated and a service log entry;
    and a 东昌府 key project with a team of its own."""
    land = Department.objects.get(code="zrzy")
    linqing = make_project(name="临清轴承项目", is_key=True, commissioner=users["commissioner"])
    other = make_project("dongchangfu", name="东昌府新材料项目", is_key=True)
    team = team_save(
        actor=users["city"], project=linqing, level=TeamLevel.CITY, leader=users["leader"],
        lead_department=land, assigned_on=today, commissioner=users["commissioner"],
    )  # fmt: skip
    member_add(actor=users["city"], team=team, user=users["dept_land"], duty="负责用地报批",
               joined_on=today)  # fmt: skip
    gone = member_add(actor=users["city"], team=team, name="王建国", duty="企业联络",
                      joined_on=today)  # fmt: skip
    from zhaoshang.service.services.teams import member_leave

    member_leave(actor=users["city"], member=gone, left_on=today, reason="工作调整")
    team_save(
        actor=users["city"], project=other, level=TeamLevel.CITY, leader=users["leader"],
        lead_department=Department.objects.get(code="fgw"), assigned_on=today,
    )  # fmt: skip
    need = need_save(
        actor=users["linqing"], project=linqing, kind=ElementKind.objects.get(code="land"),
        requested_amount=Decimal("120"), requested_on=today,
    )  # fmt: skip
    allocation_add(actor=users["dept_land"], need=need, amount=Decimal("80"), allocated_on=today,
                   note="聊自然资规〔2024〕12号")  # fmt: skip
    log = service_log_add(
        actor=users["commissioner"], project=linqing, on=today,
        kind=ServiceKind.objects.get(code="visit"), note="走访企业，了解用地进展",
        contact_name="王经理", contact_phone="13812345678",
    )  # fmt: skip
    return {"linqing": linqing, "other": other, "team": team, "need": need, "log": log}


def _get(user, url, **params):
    response = client_for(user).get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_team_lists_its_leader_department_commissioner_and_current_members(users, carried, today):
    body = _get(users["city"], "/api/teams/", project=carried["linqing"].pk)
    assert body["count"] == 1
    assert body["results"][0] == {
        "id": carried["team"].pk,
        "project": carried["linqing"].pk,
        "unit": "371581",
        "level": "city",
        "leader": users["leader"].pk,
        "commissioner": users["commissioner"].pk,
        "lead_department": "zrzy",
        "assigned_on": today.isoformat(),
        "closed_on": None,
        "close_note": "",
        "members": [
            {
                "name": "dept_land",
                "user": users["dept_land"].pk,
                "unit": None,
                "department": "zrzy",
                "duty": "负责用地报批",
                "joined_on": today.isoformat(),
                "left_on": None,
            }
        ],
    }


def test_each_user_sees_only_the_teams_in_their_scope(users, carried):
    def projects(user, **params):
        return sorted(r["project"] for r in _get(user, "/api/teams/", **params)["results"])

    both = sorted([carried["linqing"].pk, carried["other"].pk])
    assert projects(users["city"]) == both
    assert projects(users["city"], unit="371502") == [carried["other"].pk]
    assert projects(users["linqing"]) == [carried["linqing"].pk]
    # a department sees the teams it leads or has a member on; 自然资源 leads 临清's only
    assert projects(users["dept_land"]) == [carried["linqing"].pk]
    assert projects(users["commissioner"]) == [carried["linqing"].pk]
    other_team = carried["other"].service_team.pk
    assert client_for(users["linqing"]).get(f"/api/teams/{other_team}/").status_code == 404
    assert client_for(None).get("/api/teams/").status_code == 401


def test_an_element_need_shows_its_gap_and_allocations(users, carried, today):
    body = _get(users["linqing"], "/api/element-needs/", kind="land", met="false")
    assert body["count"] == 1
    row = body["results"][0]
    assert {k: row[k] for k in ("project", "unit", "kind", "measure", "requested_amount",
                                "allocated_amount", "gap", "met_on")} == {
        "project": carried["linqing"].pk, "unit": "371581", "kind": "land", "measure": "亩",
        "requested_amount": "120.00", "allocated_amount": "80.00", "gap": "40.00", "met_on": None,
    }  # fmt: skip
    assert row["allocations"] == [
        {"amount": "80.00", "allocated_on": today.isoformat(), "department": "zrzy",
         "note": "聊自然资规〔2024〕12号"},
    ]  # fmt: skip
    assert _get(users["linqing"], "/api/element-needs/", met="true")["count"] == 0
    assert _get(users["dongchangfu"], "/api/element-needs/")["count"] == 0


def test_a_service_log_entry_has_its_contacts_phone_masked(users, carried, today):
    body = _get(users["commissioner"], "/api/service-logs/", kind="visit")
    assert body["results"] == [
        {
            "id": carried["log"].pk,
            "project": carried["linqing"].pk,
            "unit": "371581",
            "on": today.isoformat(),
            "kind": "visit",
            "actor": users["commissioner"].pk,
            "note": "走访企业，了解用地进展",
            "contact_name": "王经理",
            "contact_phone": "138****5678",
            "help_given": "",
        }
    ]
    assert "13812345678" not in client_for(users["city"]).get("/api/service-logs/").content.decode()
    assert _get(users["dongchangfu"], "/api/service-logs/")["count"] == 0


def test_the_read_api_refuses_writes_and_bad_filters_in_chinese(users, carried):
    client = client_for(users["city"])
    for url in ("/api/teams/", "/api/element-needs/", "/api/service-logs/"):
        assert client.post(url, {}, format="json").status_code == 405, url
    bad = client.get("/api/service-logs/", {"on_after": "2024-13-01"})
    assert bad.status_code == 400
    assert "日期" in bad.content.decode() or "有效" in bad.content.decode()
    assert client.get("/api/teams/", {"unit": "999999"}).status_code == 400


def test_a_date_range_narrows_the_service_log(users, carried, today):
    later = (today + dt.timedelta(days=1)).isoformat()
    assert _get(users["city"], "/api/service-logs/", on_after=later)["count"] == 0
    assert _get(users["city"], "/api/service-logs/", on_before=later)["count"] == 1


def test_a_team_reached_twice_through_its_department_is_still_one_record(users, carried):
    from zhaoshang.service.models import ServiceTeam

    # 自然资源 leads the team and has a member on it: two ways in, one team
    mine = ServiceTeam.objects.restrict(users["dept_land"], "view")
    assert mine.get(project=carried["linqing"]) == carried["team"]
    assert mine.count() == 1
