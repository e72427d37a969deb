"""A small fixture city for the service figures, timings and the work queue: four problems on
two projects in October 2024 (around the National Day holiday and its 调休), and decision tasks.

The figures it must give (period 2024), worked out by hand:

======================  =========  ===========  ======  =======  =====
figure                   linqing   dongchangfu  zrzy    sthj     total
======================  =========  ===========  ======  =======  =====
问题数                    2          2            2       2        4
办结率 %                  100.0      50.0         100.0   50.0     75.0
按期办结率 %              50.0       100.0        50.0    100.0    66.7
平均办结用时 (工作日)     7.5        5.0          7.5     5.0      6.7
满意度                    5.0        3.0          5.0     3.0      4.0
======================  =========  ===========  ======  =======  =====

A: 09-27 (Fri) → resolved 10-10: 5 working days (09-29 Sunday is worked, 10-01…07 holiday).
B: 10-08 → resolved 10-21, after its deadline 10-15: 10 working days (10-12 Saturday is worked).
C: 10-09 → resolved on its deadline 10-15: 5 working days. D: 10-10, acknowledged, open.
Decisions (Task source=decision, due in 2024, not cancelled): zrzy one on time, one late
(50.0 %); sthj one overdue and open (0.0 %); linqing's unit one overdue and open (0.0 %); in
total 1 of 4 (25.0 %), whichever grouping. An instruction and a cancelled task do not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone

from zhaoshang.accounts.models import Department
from zhaoshang.core.workdays import add_workdays
from zhaoshang.service.models import Task, TaskSource, TaskStatus
from zhaoshang.service.models.problems import Problem, ProblemCategory, ProblemStatus

D = dt.date


class _Clock:
    """`timezone.now` for the records written inside `simulated_time`: a local date and hour."""

    def __init__(self, day: dt.date) -> None:
        self.at(day, 9)

    def at(self, day: dt.date, hour: int = 10) -> None:
        local = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))
        self._now = local.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now


@contextmanager
def simulated_time(day: dt.date) -> Iterator[_Clock]:
    """Write records as if on `day` (the audit log's `at`, "not in the future" checks)."""
    clock = _Clock(day)
    with mock.patch.object(timezone, "now", clock.now):
        yield clock


def category(code: str, department: Department) -> ProblemCategory:
    found, _ = ProblemCategory.objects.get_or_create(
        code=code, defaults={"name": code, "department": department, "limit_workdays": 5}
    )
    return found


def problem(project, department: Department, raised_on: dt.date, **fields) -> Problem:
    return Problem.objects.create(
        project=project,
        title=fields.pop("title", f"问题{raised_on:%m%d}"),
        description="具体情况",
        category=category(department.code, department),
        department=department,
        channel="commissioner",
        raised_on=raised_on,
        due_on=fields.pop("due_on", add_workdays(raised_on, 5)),
        **fields,
    )


def build(users, make_project) -> dict:
    """The fixture city (see the module docstring); projects registered on 2024-09-27."""
    land = Department.objects.get(code="zrzy")
    env = Department.objects.get(code="sthj")
    with simulated_time(D(2024, 9, 27)) as clock:
        clock.at(D(2024, 9, 27), 10)
        p1 = make_project(name="轴承项目", commissioner=users["commissioner"], is_key=True,
                          lead_on=D(2024, 9, 27))  # fmt: skip
        p2 = make_project("dongchangfu", name="新材料项目", lead_on=D(2024, 9, 27))
    a = problem(p1, land, D(2024, 9, 27), status=ProblemStatus.CONFIRMED,
                acknowledged_on=D(2024, 9, 29), resolved_on=D(2024, 10, 10),
                confirmed_on=D(2024, 10, 11), satisfaction=5, title="用地指标")  # fmt: skip
    b = problem(p1, land, D(2024, 10, 8), status=ProblemStatus.RESOLVED,
                acknowledged_on=D(2024, 10, 9), resolved_on=D(2024, 10, 21), title="规划调整")  # fmt: skip
    c = problem(p2, env, D(2024, 10, 9), status=ProblemStatus.CONFIRMED,
                acknowledged_on=D(2024, 10, 9), resolved_on=D(2024, 10, 15),
                confirmed_on=D(2024, 10, 16), satisfaction=3, title="环评批复")  # fmt: skip
    d = problem(p2, env, D(2024, 10, 10), status=ProblemStatus.ACKNOWLEDGED,
                acknowledged_on=D(2024, 10, 11), title="排污许可")  # fmt: skip
    old = problem(p1, land, D(2023, 12, 1), status=ProblemStatus.CONFIRMED,
                  resolved_on=D(2023, 12, 5), satisfaction=1, title="去年的问题")  # fmt: skip
    city = users["city"]

    def task(title, due_on, *, source=TaskSource.DECISION, status=TaskStatus.OPEN, **kw):
        return Task.objects.create(source=source, title=title, due_on=due_on, status=status,
                                   created_by=city, **kw)  # fmt: skip

    tasks = {
        "t1": task("落实用地指标", D(2024, 10, 31), owner_department=land, project=p1,
                   status=TaskStatus.DONE, done_on=D(2024, 10, 30)),
        "t2": task("完成规划调整", D(2024, 11, 15), owner_department=land, project=p1,
                   status=TaskStatus.DONE, done_on=D(2024, 11, 20)),
        "t3": task("提供项目用工计划", D(2024, 12, 1), owner_unit=p1.unit, project=p1),
        "t4": task("已撤销的事项", D(2024, 11, 1), owner_department=land,
                   status=TaskStatus.CANCELLED),
        "t5": task("领导批示：加快推进", D(2024, 10, 20), source=TaskSource.INSTRUCTION,
                   owner_user=users["commissioner"], project=p1),
        "t6": task("另一项目的事项", D(2024, 10, 25), owner_department=env, project=p2),
    }  # fmt: skip
    return {"p1": p1, "p2": p2, "a": a, "b": b, "c": c, "d": d, "old": old,
            "land": land, "env": env, **tasks}  # fmt: skip


PERIOD_FIGURES = {
    "unit": {
        "service_problems_raised": {"linqing": Decimal(2), "dongchangfu": Decimal(2), None: Decimal(4)},
        "service_resolution_rate": {"linqing": Decimal("100.0"), "dongchangfu": Decimal("50.0"), None: Decimal("75.0")},
        "service_on_time_rate": {"linqing": Decimal("50.0"), "dongchangfu": Decimal("100.0"), None: Decimal("66.7")},
        "service_resolve_workdays": {"linqing": Decimal("7.5"), "dongchangfu": Decimal("5.0"), None: Decimal("6.7")},
        "service_satisfaction": {"linqing": Decimal("5.0"), "dongchangfu": Decimal("3.0"), None: Decimal("4.0")},
    },
}  # fmt: skip
