"""`/api/trips/` and `/api/events/`: the published shapes (an event's signings with the amounts
read from the projects), the scope (another unit's record is a 404), who may write, and bad
input answered 400 in Chinese by field."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.activities.models import Event, EventKind, LeaderLevel, Trip
from zhaoshang.activities.services import MemberInput, event_create, trip_create
from zhaoshang.core.tests.api_support import client_for

from .test_trips_services import sign

pytestmark = pytest.mark.django_db


def test_a_posted_trip_has_the_published_shape_and_counts_its_leaders(
    users, make_project, firms, make_visit, today
):
    project = make_project()
    client = client_for(users["linqing"])
    start = today - dt.timedelta(days=3)
    response = client.post(
        "/api/trips/",
        {"starts_on": start.isoformat(), "ends_on": today.isoformat(), "cities": "深圳、东莞",
         "purpose": "对接新能源配套", "projects": [project.pk],
         "participants": [{"name": "张书记", "level": "county_main", "leads": True},
                          {"name": "李县长", "level": "county_main"},
                          {"name": "王科长", "level": "staff"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    trip = Trip.objects.get()
    assert response["ETag"]
    visit = make_visit(enterprises=[firms["haier"]], trip=trip, outbound=True, city="深圳")
    assert client.get(f"/api/trips/{trip.pk}/").json() == {
        "id": trip.pk, "unit": "371581", "starts_on": start.isoformat(),
        "ends_on": today.isoformat(), "cities": "深圳、东莞", "purpose": "对接新能源配套",
        "leader": "张书记", "leader_level": "county_main",
        "participants": [
            {"name": "张书记", "level": "county_main", "leads": True},
            {"name": "李县长", "level": "county_main", "leads": False},
            {"name": "王科长", "level": "staff", "leads": False},
        ],
        "person_times": 2, "visits": [visit.pk], "projects": [project.pk], "campaign": None,
    }  # fmt: skip


def test_another_units_trip_is_invisible_and_a_404(users, today):
    trip = trip_create(
        actor=users["dongchangfu"], starts_on=today, ends_on=today, cities="上海",
        participants=[MemberInput(name="刘区长", level=LeaderLevel.COUNTY_MAIN, leads=True)],
    )  # fmt: skip
    client = client_for(users["linqing"])
    assert client.get("/api/trips/").json()["count"] == 0
    assert client.get(f"/api/trips/{trip.pk}/").status_code == 404
    assert client_for(users["leader"]).get(f"/api/trips/{trip.pk}/").status_code == 200
    rows = client_for(users["city"]).get("/api/trips/", {"level": "county_main"}).json()
    assert [r["id"] for r in rows["results"]] == [trip.pk]
    assert client_for(users["city"]).get("/api/trips/", {"level": "city"}).json()["count"] == 0


def test_bad_trip_input_is_a_400_in_chinese_and_saves_nothing(users, today):
    client = client_for(users["linqing"])
    response = client.post(
        "/api/trips/",
        {"starts_on": today.isoformat(), "ends_on": (today - dt.timedelta(days=1)).isoformat(),
         "cities": "上海", "participants": [{"name": "王科长", "level": "staff"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "ends_on": ["返回日期不能早于出发日期"],
        "leader": ["请指定一名带队领导"],
    }
    response = client.post("/api/trips/", {"cities": "上海"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"starts_on", "participants"}
    assert Trip.objects.count() == 0


def test_leaders_and_inspectors_read_trips_and_events_but_may_not_post_them(users, today):
    for who in ("leader", "inspector"):
        client = client_for(users[who])
        assert client.get("/api/trips/").status_code == 200
        assert client.get("/api/events/").status_code == 200
        assert client.post("/api/trips/", {}, format="json").status_code == 403
        assert client.post("/api/events/", {}, format="json").status_code == 403
    for who in ("dept_land", "commissioner"):
        assert client_for(users[who]).get("/api/trips/").status_code == 403
        assert client_for(users[who]).get("/api/events/").status_code == 403


def test_a_posted_event_lists_its_signings_with_the_projects_contracted_amounts(
    users, make_project, firms, today
):
    bearing = make_project(name="高端轴承项目")
    sign(bearing, users["linqing"], today - dt.timedelta(days=2), "15000")
    client = client_for(users["linqing"])
    response = client.post(
        "/api/events/",
        {"name": "临清轴承产业推介会", "kind": "signing", "date": today.isoformat(),
         "place": "临清市民中心", "enterprises": [firms["haier"].pk],
         "participants": [{"name": "王市长", "level": "city_main"}],
         "projects_signed": [bearing.pk]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    event = Event.objects.get()
    assert response.json() == {
        "id": event.pk, "name": "临清轴承产业推介会", "kind": "signing",
        "date": today.isoformat(), "place": "临清市民中心", "unit": "371581", "outbound": False,
        "enterprises": [firms["haier"].pk],
        "participants": [{"name": "王市长", "level": "city_main"}],
        "signings": [{"project": bearing.pk, "name": "高端轴承项目",
                      "contracted_investment_wan": "15000.00"}],
        "contracted_total_wan": "15000.00", "campaign": None,
    }  # fmt: skip


def test_bad_event_input_is_a_400_in_chinese_and_another_units_event_is_a_404(
    users, make_project, today
):
    lead = make_project(name="新材料线索")
    client = client_for(users["linqing"])
    response = client.post(
        "/api/events/",
        {"name": "招商周", "kind": "week", "date": today.isoformat(), "place": "上海",
         "projects_signed": [lead.pk]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "projects_signed": ["以下项目尚未签约（请先在项目中登记签约及合同投资）：新材料线索"]
    }
    response = client.post(
        "/api/events/", {"name": "招商周", "kind": "party", "date": "昨天", "place": "上海"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and set(response.json()) == {"kind", "date"}
    theirs = event_create(actor=users["dongchangfu"], name="企业家沙龙", kind=EventKind.SALON,
                          date=today, place="东昌府")  # fmt: skip
    assert client.get(f"/api/events/{theirs.pk}/").status_code == 404
    assert client.get("/api/events/").json()["count"] == 0
    city = client_for(users["city"]).get("/api/events/", {"kind": "salon"}).json()
    assert [r["id"] for r in city["results"]] == [theirs.pk]
    assert Event.objects.count() == 1


def test_a_visit_posted_on_a_trip_cites_it_and_the_trips_filter_by_month(users, firms, today):
    trip = trip_create(
        actor=users["linqing"], starts_on=dt.date(2024, 3, 4), ends_on=dt.date(2024, 3, 6),
        cities="深圳", participants=[MemberInput(name="张书记", level="county_main", leads=True)],
    )  # fmt: skip
    client = client_for(users["linqing"])
    response = client.post(
        "/api/visits/",
        {"date": "2024-03-05", "enterprise": firms["haier"].pk, "outbound": True,
         "city": "深圳", "outcome": "advancing", "trip": trip.pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["trip"] == trip.pk
    assert client.get(f"/api/trips/{trip.pk}/").json()["visits"] == [response.json()["id"]]
    assert client.get("/api/trips/", {"month": "2024-03"}).json()["count"] == 1
    assert client.get("/api/trips/", {"month": "2024-04"}).json()["count"] == 0
    assert client.get("/api/trips/", {"month": "三月"}).status_code == 400
