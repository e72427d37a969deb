"""Fixtures of the joint-meeting tests: a fake agenda source the tests fill, meetings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from zhaoshang.accounts.models import Department
from zhaoshang.service import agenda_sources
from zhaoshang.service.agenda_sources import AgendaCandidate
from zhaoshang.service.services.meetings import TaskSpec, meeting_create

FAKE = "fake"


class FakeSource:
    """A registered agenda source whose candidates a test sets; records what it was asked."""

    def __init__(self) -> None:
        self.rows: list[AgendaCandidate] = []
        self.calls: list[dt.date] = []

    def add(self, object_id: int, *, since: dt.date, investment: str = "0", project=None,
            title: str = "") -> AgendaCandidate:  # fmt: skip
        candidate = AgendaCandidate(
            kind=FAKE,
            object_id=object_id,
            project_id=project.pk if project is not None else None,
            title=title or f"待协调事项{object_id}",
            since=since,
            investment_wan=Decimal(investment),
        )
        self.rows.append(candidate)
        return candidate

    def __call__(self, *, as_of: dt.date, user) -> list[AgendaCandidate]:
        self.calls.append(as_of)
        return [c for c in self.rows if c.since <= as_of]


class Clock:
    """The date the services see as today (tasks may not be due before it, a meeting is held
    on or after its date): the tests' story happens in 2024."""

    def __init__(self, day: dt.date) -> None:
        self.at(day)

    def at(self, day: dt.date, hour: int = 10) -> None:
        local = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))
        self.now = local.astimezone(dt.UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    clock = Clock(dt.date(2024, 3, 7))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def fake_source(monkeypatch) -> FakeSource:
    source = FakeSource()
    monkeypatch.setattr(agenda_sources, "_SOURCES", {FAKE: ("测试事项", source)})
    return source


@pytest.fixture
def departments(org) -> dict[str, Department]:
    return {d.code: d for d in Department.objects.all()}


@pytest.fixture
def make_meeting(users, departments):
    def factory(held_on: dt.date, **fields):
        defaults = dict(
            place=fields.pop("place", "市政府第一会议室"),
            chair=fields.pop("chair", users["leader"]),
            departments=fields.pop("departments", [departments["zrzy"]]),
        )
        return meeting_create(actor=users["city"], held_on=held_on, **defaults, **fields)

    return factory


def spec(department: Department | None = None, *, due_on: dt.date, unit=None, title: str = ""):
    return TaskSpec(due_on=due_on, owner_department=department, owner_unit=unit, title=title)
