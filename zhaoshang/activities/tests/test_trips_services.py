"""Trips and events through their services and selectors: leader 人次 counted one per leader per
trip (staff never), a visit citing a trip of its own unit only, an event's signings with the
amounts read from the projects, a campaign's results from the records citing it (within the
user's scope), input checked in Chinese on the field, and edits versioned and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.activities.models import EventKind, LeaderLevel, Trip, VisitStatus
from zhaoshang.activities.selectors import (
    campaign_results,
    event_signings,
    leader_trip_person_times,
    trip_get,
)
from zhaoshang.activities.services import (
    MemberInput,
    event_create,
    event_update,
    trip_create,
    trip_update,
    visit_create_lead,
)
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.periods import month_period, range_period, year_period
from zhaoshang.projects.models import Campaign, EvidenceKind, FundsSource, Project, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    funds_verify,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db

MAYOR = MemberInput(name="王市长", level=LeaderLevel.CITY_MAIN, leads=True)
DEPUTY = MemberInput(name="李副市长", level=LeaderLevel.CITY)
CLERK = MemberInput(name="赵科员", level=LeaderLevel.STAFF)


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), content_type="application/pdf")


def sign(project: Project, actor, on: dt.date, amount: str) -> None:
    project_advance_stage(
        project=project, to=Stage.SIGNED, on=on, actor=actor,
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf("投资合同.pdf"))],
        contracted_investment_wan=Decimal(amount),
    )  # fmt: skip


def funds(project: Project, users, period: dt.date, amount: str, *, verify: bool) -> None:
    record = funds_submit(
        actor=users["linqing" if project.unit.code == "371581" else "dongchangfu"],
        project=project, period=period, amount_wan=Decimal(amount), source=FundsSource.OWN,
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf("进账单.pdf"))],
    )  # fmt: skip
    if verify:
        funds_verify(actor=users["city"], record=record)


@pytest.fixture
def trip_of(users, today):
    def factory(by: str = "linqing", people=(MAYOR, DEPUTY, CLERK), on=None, **fields):
        on = on or today - dt.timedelta(days=5)
        fields.setdefault("cities", "深圳、广州")
        return trip_create(
            actor=users[by], starts_on=on, ends_on=on + dt.timedelta(days=2),
            participants=list(people), **fields,
        )  # fmt: skip

    return factory


# --- 人次 -------------------------------------------------------------------------------------


def test_two_leaders_on_one_trip_are_two_person_times_and_staff_do_not_count(users, trip_of, today):
    trip_of()
    period = range_period(today - dt.timedelta(days=30), today)
    assert leader_trip_person_times(users["city"], period) == 2
    assert leader_trip_person_times(users["city"], period, level=LeaderLevel.CITY_MAIN) == 1
    assert leader_trip_person_times(users["city"], period, level=LeaderLevel.CITY) == 1
    assert leader_trip_person_times(users["city"], period, level=LeaderLevel.STAFF) == 0


def test_one_leader_on_two_trips_is_two_person_times(users, trip_of):
    first = dt.date(2024, 3, 4)
    trip_of(people=(MAYOR, CLERK), on=first)
    trip_of(people=(MAYOR,), on=first + dt.timedelta(days=10), cities="上海")
    trip_of(people=(MAYOR,), on=dt.date(2024, 4, 2), cities="苏州")  # another month
    assert leader_trip_person_times(users["city"], month_period(2024, 3)) == 2
    assert leader_trip_person_times(users["city"], year_period(2024)) == 3
    assert leader_trip_person_times(users["city"], year_period(2023)) == 0


def test_person_times_count_only_the_trips_the_user_may_see(users, trip_of):
    trip_of(on=dt.date(2024, 5, 6))
    trip_of(by="dongchangfu", people=(MAYOR,), on=dt.date(2024, 5, 7))
    assert leader_trip_person_times(users["city"], year_period(2024)) == 3
    assert leader_trip_person_times(users["linqing"], year_period(2024)) == 2
    assert leader_trip_person_times(users["dongchangfu"], year_period(2024)) == 1
    assert leader_trip_person_times(users["dept_land"], year_period(2024)) == 0


# --- trips ------------------------------------------------------------------------------------


def test_a_trip_is_saved_with_its_leader_projects_and_one_audit_entry(users, trip_of, make_project):
    project = make_project()
    trip = trip_of(projects=[project], purpose="对接新能源汽车配套")
    assert trip.unit.code == "371581"
    assert trip.leader.name == "王市长"
    assert [p.name for p in trip.participants.all()] == ["王市长", "李副市长", "赵科员"]
    assert list(trip.projects.all()) == [project]
    entry = AuditEntry.objects.get(
        object_id=str(trip.pk), content_type__model="trip", action="create"
    )
    assert entry.after["participants"] == [
        "王市长（市主要领导，带队）", "李副市长（市级领导）", "赵科员（工作人员）",
    ]  # fmt: skip
    assert entry.after["projects"] == [project.pk]


def test_bad_trip_input_is_refused_in_chinese_on_each_field_and_leaves_nothing(users, today):
    with pytest.raises(ValidationError) as caught:
        trip_create(
            actor=users["linqing"], starts_on=today, ends_on=today - dt.timedelta(days=1),
            cities="", participants=[DEPUTY, CLERK],
        )  # fmt: skip
    assert caught.value.message_dict == {
        "ends_on": ["返回日期不能早于出发日期"],
        "cities": ["请填写赴访城市"],
        "leader": ["请指定一名带队领导"],
    }
    with pytest.raises(ValidationError) as caught:
        trip_create(actor=users["linqing"], starts_on=None, ends_on=None, cities="上海",
                    participants=[])  # fmt: skip
    assert caught.value.message_dict == {
        "starts_on": ["请填写出发日期"],
        "ends_on": ["请填写返回日期"],
        "participants": ["请至少填写一名人员"],
    }
    assert not Trip.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="trip").exists()


def test_a_unit_cannot_record_a_trip_for_another_unit_and_a_leader_cannot_record_one(
    users, org, today
):
    with pytest.raises(PermissionDenied):
        trip_create(actor=users["linqing"], unit=org["dongchangfu"], starts_on=today,
                    ends_on=today, cities="上海", participants=[MAYOR])  # fmt: skip
    with pytest.raises(PermissionDenied):
        trip_create(actor=users["leader"], unit=org["linqing"], starts_on=today,
                    ends_on=today, cities="上海", participants=[MAYOR])  # fmt: skip
    trip = trip_create(actor=users["city"], unit=org["dongchangfu"], starts_on=today,
                       ends_on=today, cities="上海", participants=[MAYOR])  # fmt: skip
    assert trip.unit == org["dongchangfu"]


def test_another_units_trip_is_not_found(users, trip_of):
    from django.http import Http404

    trip = trip_of(by="dongchangfu")
    with pytest.raises(Http404):
        trip_get(user=users["linqing"], pk=trip.pk)
    assert trip_get(user=users["leader"], pk=trip.pk) == trip


def test_a_stale_trip_edit_writes_nothing_and_a_fresh_one_is_audited(users, trip_of):
    trip = trip_of()
    version = version_of(trip)
    trip_update(actor=users["city"], trip=trip, version=version, purpose="洽谈光伏")
    with pytest.raises(VersionConflict):
        trip_update(actor=users["linqing"], trip=trip, version=version, cities="成都")
    trip.refresh_from_db()
    assert (trip.cities, trip.purpose) == ("深圳、广州", "洽谈光伏")
    trip_update(actor=users["linqing"], trip=trip, version=version_of(trip),
                participants=[MemberInput(name="李副市长", level=LeaderLevel.CITY, leads=True)])  # fmt: skip
    assert [p.name for p in trip.participants.all()] == ["李副市长"]
    assert (
        AuditEntry.objects.filter(
            object_id=str(trip.pk), content_type__model="trip", action="update"
        ).count()
        == 2
    )


# --- the visit's trip ---------------------------------------------------------------------------


def test_a_visit_cites_a_trip_of_its_own_unit_only(users, firms, make_visit, trip_of):
    ours, theirs = trip_of(), trip_of(by="dongchangfu")
    visit = make_visit(enterprises=[firms["haier"]], trip=ours, outbound=True, city="深圳")
    assert list(ours.visits.all()) == [visit]
    with pytest.raises(ValidationError) as caught:
        make_visit(enterprises=[firms["other"]], trip=theirs)
    assert caught.value.message_dict == {"trip": ["只能选择本单位的外出招商"]}


# --- events ------------------------------------------------------------------------------------


def test_an_events_signings_carry_the_projects_own_contracted_amounts(
    users, firms, make_project, today
):
    bearing = make_project(name="高端轴承项目")
    glass = make_project(name="光伏玻璃项目")
    sign(bearing, users["linqing"], today - dt.timedelta(days=3), "12000")
    sign(glass, users["linqing"], today - dt.timedelta(days=3), "8000.5")
    event = event_create(
        actor=users["linqing"], name="临清轴承产业推介会", kind=EventKind.PROMOTION, date=today,
        place="深圳会展中心", outbound=True, enterprises=[firms["haier"]],
        participants=[MemberInput(name="王市长", level=LeaderLevel.CITY_MAIN)],
        projects_signed=[glass, bearing],
    )  # fmt: skip
    rows, total = event_signings(event)
    assert [(p.name, amount) for p, amount in rows] == [
        ("光伏玻璃项目", Decimal("8000.50")), ("高端轴承项目", Decimal("12000.00")),
    ]  # fmt: skip
    assert total == Decimal("20000.50")
    assert list(event.enterprises.all()) == [firms["haier"]]
    entry = AuditEntry.objects.get(object_id=str(event.pk), content_type__model="event")
    assert entry.after["projects_signed"] == sorted([bearing.pk, glass.pk])


def test_a_countys_event_lists_only_the_countys_projects_the_citys_any(
    users, org, make_project, today
):
    ours = make_project(name="高端轴承项目")
    theirs = make_project("dongchangfu", name="东昌府新材料项目")
    for project in (ours, theirs):
        sign(project, users["city"], today - dt.timedelta(days=3), "5000")
    with pytest.raises(ValidationError) as caught:
        event_create(
            actor=users["city"], name="临清推介会", kind=EventKind.PROMOTION, date=today,
            place="临清", unit=org["linqing"], projects_signed=[ours, theirs],
        )  # fmt: skip
    # 临清's readers would otherwise see 东昌府's project and amount on 临清's event
    assert caught.value.message_dict == {
        "projects_signed": ["只能选择临清市的项目：东昌府新材料项目"]
    }
    event = event_create(
        actor=users["city"], name="全市签约仪式", kind=EventKind.PROMOTION, date=today,
        place="聊城", unit=org["city"], projects_signed=[ours, theirs],
    )  # fmt: skip
    assert event_signings(event)[1] == Decimal("10000.00")


def test_an_event_refuses_unsigned_projects_and_bad_input_in_chinese(users, make_project, today):
    lead = make_project(name="新材料线索")
    with pytest.raises(ValidationError) as caught:
        event_create(actor=users["linqing"], name="", kind="party", date=None, place="",
                     projects_signed=[lead])  # fmt: skip
    assert caught.value.message_dict == {
        "date": ["请填写活动日期"],
        "kind": ["请选择活动类型"],
        "name": ["请填写活动名称"],
        "place": ["请填写活动地点"],
        "projects_signed": ["以下项目尚未签约（请先在项目中登记签约及合同投资）：新材料线索"],
    }


def test_an_event_edit_is_versioned_and_audited(users, today):
    event = event_create(actor=users["linqing"], name="企业家下午茶", kind=EventKind.TEA,
                         date=today, place="临清宾馆")  # fmt: skip
    version = version_of(event)
    event_update(actor=users["linqing"], event=event, version=version, place="临清会堂")
    with pytest.raises(VersionConflict):
        event_update(actor=users["linqing"], event=event, version=version, name="改名")
    with pytest.raises(PermissionDenied):
        event_update(actor=users["dongchangfu"], event=event, place="东昌府")
    event.refresh_from_db()
    assert (event.name, event.place) == ("企业家下午茶", "临清会堂")
    assert (
        AuditEntry.objects.filter(
            object_id=str(event.pk), content_type__model="event", action="update"
        ).count()
        == 1
    )


# --- a campaign's results ---------------------------------------------------------------------


def test_a_campaigns_results_come_from_the_records_citing_it_within_scope(
    users, firms, make_visit, make_project, trip_of, today
):
    drive = Campaign.objects.create(name="产业招商百日会战", year=today.year)
    other = Campaign.objects.create(name="高铁沿线城市招商", year=today.year)
    lead_visit = make_visit(enterprises=[firms["haier"]], campaign=drive)
    make_visit(enterprises=[firms["other"]], campaign=drive)
    make_visit(enterprises=[firms["other"]], campaign=drive, by="dongchangfu",
               acknowledge_conflicts=True)  # fmt: skip
    make_visit(enterprises=[firms["haier"]], campaign=other, acknowledge_conflicts=True)
    make_visit(enterprises=[firms["haier"]], campaign=drive, status=VisitStatus.PLANNED,
               on=today + dt.timedelta(days=30), acknowledge_conflicts=True)  # fmt: skip
    visit_create_lead(actor=users["linqing"], visit=lead_visit, enterprise=firms["haier"])
    signed = make_project(name="会战签约项目", campaign=drive)
    sign(signed, users["linqing"], today - dt.timedelta(days=20), "5000")
    month = today.replace(day=1) - dt.timedelta(days=1)
    funds(signed, users, month.replace(day=1), "300", verify=True)
    funds(signed, users, today.replace(day=1), "999", verify=False)  # awaiting: never counts
    theirs = make_project("dongchangfu", name="东昌府会战项目", campaign=drive)
    sign(theirs, users["dongchangfu"], today - dt.timedelta(days=20), "7000")
    funds(theirs, users, month.replace(day=1), "100", verify=True)
    make_project(name="别的会战项目", campaign=other)
    trip_of(campaign=drive)
    event_create(actor=users["dongchangfu"], name="招商周", kind=EventKind.WEEK, date=today,
                 place="东昌府", campaign=drive)  # fmt: skip

    assert campaign_results(users["city"], drive) == {
        "visits": 3, "trips": 1, "events": 1, "leads": 3, "signings": 2,
        "contracted_wan": Decimal("12000.00"), "funds_verified_wan": Decimal("400.00"),
    }  # fmt: skip
    assert campaign_results(users["linqing"], drive) == {
        "visits": 2, "trips": 1, "events": 0, "leads": 2, "signings": 1,
        "contracted_wan": Decimal("5000.00"), "funds_verified_wan": Decimal("300.00"),
    }  # fmt: skip
    assert campaign_results(users["dept_land"], drive)["visits"] == 0
