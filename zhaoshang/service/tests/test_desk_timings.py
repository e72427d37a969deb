"""Service timings in working days: assignment → first contact (from the audit log), problem
raised → acknowledged and → resolved; medians and distributions; the timings page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.periods import parse_period
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import project_update
from zhaoshang.service.models import ServiceKind
from zhaoshang.service.selectors.timings import (
    acknowledge_timings,
    assignments,
    first_contact_timings,
    resolve_timings,
    summarise,
    workday_ordinals,
)
from zhaoshang.service.services.servicelog import service_log_add

from .desk_support import build, simulated_time
from .test_desk_figures import Y2024

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def city(users, make_project):
    return build(users, make_project)


def log_on(user, project, day: dt.date, clock) -> None:
    clock.at(day, 16)
    service_log_add(actor=user, project=project, on=day, kind=ServiceKind.objects.get(code="visit"),
                    note="走访")  # fmt: skip


def test_working_day_ordinals_subtract_to_workdays_between():
    o = workday_ordinals([D(2024, 9, 27), D(2024, 10, 10), D(2024, 10, 8), None])
    assert o[D(2024, 10, 10)] - o[D(2024, 9, 27)] == 5
    assert o[D(2024, 10, 8)] - o[D(2024, 9, 27)] == 3  # 09-29 (调休 Sunday), 09-30, 10-08


def test_assignment_is_read_from_the_audit_log_and_a_new_commissioner_restarts_the_clock(
    users, city
):
    p1 = city["p1"]
    assert assignments([p1.pk]) == {p1.pk: (users["commissioner"].pk, D(2024, 9, 27))}
    with simulated_time(D(2024, 10, 9)) as clock:
        clock.at(D(2024, 10, 9), 11)
        log_on(users["commissioner"], p1, D(2024, 10, 8), clock)
        clock.at(D(2024, 10, 14), 9)
        project_update(actor=users["linqing"], project=p1, commissioner=users["leader"])
    assert assignments([p1.pk]) == {p1.pk: (users["leader"].pk, D(2024, 10, 14))}
    # The earlier visit was the old commissioner's: the new one has not made contact yet.
    [timing] = first_contact_timings(projects=Project.objects.filter(pk=p1.pk),
                                     today=D(2024, 10, 18))  # fmt: skip
    assert (timing.start, timing.end, timing.days, timing.waited) == (
        D(2024, 10, 14),
        None,
        None,
        4,
    )


def test_first_contact_counts_working_days_across_the_national_day_holiday(users, city):
    p1 = city["p1"]
    with simulated_time(D(2024, 10, 8)) as clock:
        log_on(users["commissioner"], p1, D(2024, 10, 8), clock)
        log_on(users["linqing"], p1, D(2024, 10, 9), clock)
    [timing] = first_contact_timings(projects=Project.objects.all(), period=Y2024)
    # Assigned Friday 09-27; first visit 10-08: 11 calendar days, 3 working days.
    assert (timing.object_id, timing.start, timing.end, timing.days) == (
        p1.pk,
        D(2024, 9, 27),
        D(2024, 10, 8),
        3,
    )
    assert timing.groups == {"commissioner": users["commissioner"].pk, "unit": p1.unit_id}
    assert first_contact_timings(projects=Project.objects.all(), period=parse_period("2023")) == []


def test_problem_timings_and_their_summary_by_department(city):
    from zhaoshang.service.models.problems import Problem

    today = D(2024, 10, 18)
    ack = {t.label: t.days for t in acknowledge_timings(problems=Problem.objects.all(),
                                                         period=Y2024, today=today)}  # fmt: skip
    assert ack == {"用地指标": 1, "规划调整": 1, "环评批复": 0, "排污许可": 1}
    res = resolve_timings(problems=Problem.objects.all(), period=Y2024, today=today)
    assert {t.label: t.days for t in res} == {
        "用地指标": 5,
        "规划调整": 10,
        "环评批复": 5,
        "排污许可": None,
    }
    names = lambda ids: {city["land"].pk: "自然资源和规划局", city["env"].pk: "生态环境局"}  # noqa: E731
    rows, total = summarise(res, by="department", names=names)
    land, env = rows[1], rows[0]  # sorted by name: 生态… before 自然…
    assert (land.name, land.done, land.median, land.waiting) == (
        "自然资源和规划局",
        2,
        Decimal("7.5"),
        0,
    )
    assert dict(land.distribution) == {"1个工作日内": 0, "2—3个工作日": 0, "4—5个工作日": 1,
                                       "6—10个工作日": 1, "10个工作日以上": 0}  # fmt: skip
    # 排污许可 raised 10-10, still open on 10-18: 10-11, 10-12 (调休), 10-14…18 = 7 working days.
    assert (env.done, env.median, env.waiting, env.longest_wait) == (1, Decimal("5.0"), 1, 7)
    assert (total.done, total.median, total.waiting) == (3, Decimal("5.0"), 1)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("norole", 403), ("auditor", 403), ("sysadmin", 403), ("city", 200),
     ("commissioner", 200), ("dept_land", 200), ("linqing", 200), ("inspector", 200)],
)  # fmt: skip
def test_timings_page_permissions(client, users, city, who, status):
    if who:
        client.force_login(users[who])
    assert client.get(reverse("service:timings"), {"period": "2024"}).status_code == status


def test_timings_page_shows_medians_within_the_users_scope(client, users, city):
    client.force_login(users["dept_land"])
    response = client.get(reverse("service:timings"), {"period": "2024"})
    ids = [s["id"] for s in response.context["sections"]]
    assert ids == ["acknowledge", "resolve"]  # a department sees no projects
    resolve = response.context["sections"][1]
    by_dept = resolve["groups"][0][1]
    assert [r.name for r in by_dept["rows"]] == ["自然资源和规划局"]
    assert by_dept["rows"][0].median == Decimal("7.5")
    client.force_login(users["city"])
    page = client.get(reverse("service:timings"), {"period": "2024"})
    assert [s["id"] for s in page.context["sections"]] == [
        "first-contact",
        "acknowledge",
        "resolve",
    ]
    assert "中位数" in page.content.decode()
