"""Trip, event and campaign pages: entering a trip on the form (its leader chosen on a row),
errors in Chinese on the fields, a stale edit refused, a visit's form offering its unit's trips,
an event's signings with the projects' amounts, a campaign's results in the user's scope, and
another unit's records answered 404."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.activities.models import EventKind, LeaderLevel, Trip
from zhaoshang.activities.services import MemberInput, event_create, trip_create, trip_update
from zhaoshang.core.concurrency import version_of
from zhaoshang.projects.models import Campaign

from .test_trips_services import sign

pytestmark = pytest.mark.django_db

TRIPS = "/visits/trips/"
EVENTS = "/visits/events/"


def logged_in(client, user):
    client.force_login(user)
    return client


def trip_post(today, **extra) -> dict:
    data = {
        "starts_on": today.isoformat(), "ends_on": today.isoformat(), "cities": "深圳",
        "participant_0_name": "张书记", "participant_0_level": "county_main",
        "participant_1_name": "王科长", "participant_1_level": "staff", "leader": "0",
    }  # fmt: skip
    data.update(extra)
    return data


def test_a_unit_enters_a_trip_on_the_form_and_sees_its_person_times(client, users, today):
    logged_in(client, users["linqing"])
    page = client.get(f"{TRIPS}new/")
    assert page.status_code == 200 and 'name="leader"' in page.content.decode()
    response = client.post(f"{TRIPS}new/", trip_post(today))
    trip = Trip.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{TRIPS}{trip.pk}/"
    assert trip.leader.name == "张书记" and trip.unit.code == "371581"
    detail = client.get(f"{TRIPS}{trip.pk}/").content.decode()
    assert '<dd class="col-8 col-md-10" data-figure="person-times">1</dd>' in detail
    listing = client.get(TRIPS).content.decode()
    assert "领导 1 人次" in listing and "张书记（县党政主要负责同志）带队" in listing


def test_a_trip_form_without_a_leader_shows_the_error_in_chinese_and_saves_nothing(
    client, users, today
):
    logged_in(client, users["linqing"])
    response = client.post(f"{TRIPS}new/", trip_post(today, leader=""))
    assert response.status_code == 200
    assert "请指定一名带队领导" in response.content.decode()
    response = client.post(f"{TRIPS}new/", trip_post(today, ends_on="2000-01-01"))
    assert "返回日期不能早于出发日期" in response.content.decode()
    assert Trip.objects.count() == 0


def test_a_stale_trip_edit_is_refused_and_writes_nothing(client, users, today):
    trip = trip_create(actor=users["linqing"], starts_on=today, ends_on=today, cities="深圳",
                       participants=[MemberInput(name="张书记", level="county_main", leads=True)])  # fmt: skip
    old = version_of(trip)
    trip_update(actor=users["city"], trip=trip, purpose="对接光伏")  # meanwhile
    logged_in(client, users["linqing"])
    response = client.post(f"{TRIPS}{trip.pk}/edit/", trip_post(today, purpose="改了", version=old))
    assert response.status_code == 200 and "他人已修改" in response.content.decode()
    trip.refresh_from_db()
    assert trip.purpose == "对接光伏"


def test_another_units_trip_and_event_are_404_and_missing_from_the_lists(client, users, today):
    trip = trip_create(actor=users["dongchangfu"], starts_on=today, ends_on=today, cities="上海",
                       participants=[MemberInput(name="刘区长", level="county_main", leads=True)])  # fmt: skip
    event = event_create(actor=users["dongchangfu"], name="东昌府企业沙龙", kind=EventKind.SALON,
                         date=today, place="东昌府")  # fmt: skip
    logged_in(client, users["linqing"])
    assert client.get(f"{TRIPS}{trip.pk}/").status_code == 404
    assert client.get(f"{TRIPS}{trip.pk}/edit/").status_code == 404
    assert client.get(f"{EVENTS}{event.pk}/").status_code == 404
    assert "上海" not in client.get(TRIPS).content.decode()
    assert "东昌府企业沙龙" not in client.get(EVENTS).content.decode()


def test_the_visit_form_offers_the_trips_of_the_users_unit_only(client, users, today):
    ours = trip_create(actor=users["linqing"], starts_on=today, ends_on=today, cities="深圳",
                       participants=[MemberInput(name="张书记", level="county_main", leads=True)])  # fmt: skip
    trip_create(actor=users["dongchangfu"], starts_on=today, ends_on=today, cities="上海",
                participants=[MemberInput(name="刘区长", level="county_main", leads=True)])  # fmt: skip
    body = logged_in(client, users["linqing"]).get("/visits/new/").content.decode()
    assert f'<option value="{ours.pk}">{today:%Y-%m-%d} 深圳（' in body
    assert "上海（" not in body


def test_an_events_page_shows_its_signings_with_the_projects_amounts(
    client, users, make_project, today
):
    project = make_project(name="高端轴承项目")
    sign(project, users["linqing"], today - dt.timedelta(days=1), "12345.6")
    event = event_create(
        actor=users["linqing"], name="轴承签约仪式", kind=EventKind.SIGNING, date=today,
        place="临清", projects_signed=[project],
        participants=[MemberInput(name="王市长", level=LeaderLevel.CITY_MAIN)],
    )  # fmt: skip
    body = logged_in(client, users["linqing"]).get(f"{EVENTS}{event.pk}/").content.decode()
    assert 'data-figure="contracted-total">12,345.60 万元</td>' in body
    assert "王市长（市主要领导）" in body


def test_an_event_form_with_an_unknown_kind_is_refused_in_chinese(client, users, today):
    logged_in(client, users["linqing"])
    response = client.post(
        f"{EVENTS}new/",
        {"name": "招商周", "kind": "party", "date": today.isoformat(), "place": "上海"},
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()


def test_the_campaign_page_shows_its_results_within_the_users_scope(
    client, users, firms, make_visit, today
):
    drive = Campaign.objects.create(name="产业招商百日会战", year=today.year)
    make_visit(enterprises=[firms["haier"]], campaign=drive)
    make_visit(by="dongchangfu", enterprises=[firms["other"]], campaign=drive)
    mine = logged_in(client, users["linqing"]).get(f"/visits/campaigns/{drive.pk}/")
    assert '<div class="fs-5" data-figure="visits">1</div>' in mine.content.decode()
    city = logged_in(client, users["city"]).get(f"/visits/campaigns/{drive.pk}/")
    assert '<div class="fs-5" data-figure="visits">2</div>' in city.content.decode()
    assert client.get("/visits/campaigns/").status_code == 200
    assert logged_in(client, users["dept_land"]).get("/visits/campaigns/").status_code == 403
