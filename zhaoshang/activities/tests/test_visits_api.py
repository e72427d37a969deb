"""`/api/visits/`: the published shape, the scope (another unit's visit is a 404), who may
write, and the conflict answered 409 with its warnings until `force`."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.activities.models import LeaderLevel, Visit
from zhaoshang.activities.services import ParticipantInput
from zhaoshang.core.tests.api_support import client_for

pytestmark = pytest.mark.django_db


def test_the_list_has_the_published_shape(users, firms, make_visit, today):
    visit = make_visit(
        enterprises=[firms["haier"]], outbound=True, city="青岛",
        participants=[ParticipantInput(name="张县长", level=LeaderLevel.COUNTY_MAIN),
                      ParticipantInput(name="王科长")],
    )  # fmt: skip
    response = client_for(users["linqing"]).get("/api/visits/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": visit.pk, "date": today.isoformat(), "unit": "371581", "status": "done",
            "enterprise": firms["haier"].pk, "enterprises": [firms["haier"].pk],
            "organisation_name": "", "outbound": True, "city": "青岛",
            "leader_level": "county_main", "purpose": "", "outcome": "advancing",
            "follow_up_on": None, "project": None, "projects": [], "trip": None,
        }
    ]  # fmt: skip


def test_another_units_visit_is_invisible_and_a_404(users, firms, make_visit):
    visit = make_visit(by="dongchangfu", enterprises=[firms["haier"]])
    client = client_for(users["linqing"])
    assert client.get("/api/visits/").json()["count"] == 0
    assert client.get(f"/api/visits/{visit.pk}/").status_code == 404
    city = client_for(users["city"]).get(f"/api/visits/{visit.pk}/")
    assert city.status_code == 200 and city["ETag"]


def test_the_list_filters_by_leader_level_and_unit(users, firms, make_visit):
    make_visit(enterprises=[firms["haier"]],
               participants=[ParticipantInput(name="李市长", level=LeaderLevel.CITY_MAIN)])  # fmt: skip
    make_visit(by="dongchangfu", enterprises=[firms["other"]])
    client = client_for(users["city"])
    rows = client.get("/api/visits/", {"level": "city_main"}).json()["results"]
    assert [(r["unit"], r["leader_level"]) for r in rows] == [("371581", "city_main")]
    rows = client.get("/api/visits/", {"unit": "371502"}).json()["results"]
    assert [r["enterprise"] for r in rows] == [firms["other"].pk]


def test_a_conflicting_post_is_a_409_with_warnings_and_force_saves_it(
    users, firms, make_visit, today
):
    make_visit(by="dongchangfu", enterprises=[firms["haier"]], on=today - dt.timedelta(days=1))
    client = client_for(users["linqing"])
    body = {"date": today.isoformat(), "enterprise": firms["haier"].pk, "outcome": "none"}
    response = client.post("/api/visits/", body, format="json")
    assert response.status_code == 409
    assert response.json()["warnings"] == [
        {"kind": "visit", "enterprise": firms["haier"].pk, "visit": None, "date": None,
         "message": "海尔集团：另一单位已于 1 天内拜访该企业"}
    ]  # fmt: skip
    assert Visit.objects.count() == 1
    response = client.post("/api/visits/?force=true", body, format="json")
    assert response.status_code == 201
    created = response.json()
    assert (created["unit"], created["leader_level"], created["enterprise"]) == (
        "371581", "staff", firms["haier"].pk,
    )  # fmt: skip
    assert [w["message"] for w in created["warnings"]] == [
        "海尔集团：另一单位已于 1 天内拜访该企业"
    ]


def test_bad_input_is_a_400_by_field_and_an_organisation_may_be_visited(users, today):
    client = client_for(users["linqing"])
    response = client.post("/api/visits/", {"date": today.isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "outcome": ["请选择拜访成效"],
        "enterprises": ["请选择拜访的企业，或登记商协会/机构"],
    }
    response = client.post(
        "/api/visits/",
        {"date": today.isoformat(), "organisation_name": "深圳山东商会",
         "organisation_kind": "association", "organisation_city": "深圳", "outbound": True,
         "city": "深圳", "outcome": "new_lead",
         "participants": [{"name": "李市长", "level": "city_main"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    assert (response.json()["organisation_name"], response.json()["leader_level"]) == (
        "深圳山东商会", "city_main",
    )  # fmt: skip


@pytest.mark.parametrize("who", ["leader", "linqing_leader", "inspector", "dept_land"])
def test_leaders_inspectors_and_departments_cannot_post(users, firms, today, who):
    response = client_for(users[who]).post(
        "/api/visits/",
        {"date": today.isoformat(), "enterprise": firms["haier"].pk, "outcome": "none"},
        format="json",
    )
    assert response.status_code == 403
    assert Visit.objects.count() == 0


def test_a_county_leader_reads_its_countys_visits_only(users, firms, make_visit):
    make_visit(enterprises=[firms["haier"]])
    make_visit(by="dongchangfu", enterprises=[firms["other"]])
    rows = client_for(users["linqing_leader"]).get("/api/visits/").json()["results"]
    assert [r["unit"] for r in rows] == ["371581"]
    assert client_for(users["commissioner"]).get("/api/visits/").status_code == 403
