"""A year of 重点项目联席会议 in the demo city, written through the meetings services.

One meeting a month in 2024 (the second Tuesday): the city calls it a week before (the
agenda opens with the last meetings' decisions still open), picks the platform's proposals
(escalated problems, pending reviews, requested elements — whatever the topics registered
and the earlier demo modules created) and, where there are few, adds items of its own about key
projects; confirms the agenda two days before; the meeting decides each item with tasks to
departments and units; the minutes are issued two days later. The owners close most tasks on
time, some late, and leave a few open, which the next meeting carries. December's meeting is
still in preparation on the reference date (called, agenda proposed and picked).

Runs after the other service demo modules (they create what the agendas draw from), under
the demo clock, from a seeded `random.Random`: the same seed gives the same year.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable
from typing import Any

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.projects.models import Project
from zhaoshang.service.models import JointMeeting, Task, TaskStatus
from zhaoshang.service.models.meetings import CARRIED
from zhaoshang.service.selectors.meetings import agenda_proposals
from zhaoshang.service.services import meetings as services
from zhaoshang.service.services.tasks import task_close

from .reference import REFERENCE_DATE

YEAR = 2024
PLACES = ("市政府第一会议室", "市政府第三会议室", "市投资促进局会议室")
ATTENDING = ("zrzy", "sthj", "fgw", "zjj", "xzsp", "gdgs")
# What the city brings itself about a key project: (topic, owner department, decision, task).
OWN_TOPICS: tuple[tuple[str, str, str, str], ...] = (
    (
        "用地指标保障",
        "zrzy",
        "自然资源和规划局优先保障项目新增建设用地指标，加快组卷报批。",
        "完成用地组卷报批",
    ),
    ("环评审批", "sthj", "生态环境局提前介入指导，开辟环评审批绿色通道。", "完成环评批复"),
    ("能耗指标", "fgw", "发展改革委统筹调剂能耗指标，完成节能审查。", "完成节能审查"),
    ("施工许可", "xzsp", "行政审批服务局实行容缺受理，并联办理施工许可。", "办结施工许可"),
    ("电力接入", "gdgs", "供电公司制定专项供电方案，按期完成外线接入。", "完成外线接入"),
    ("配套道路", "zjj", "住房和城乡建设局协调配套道路和管网建设。", "完成配套道路施工"),
)
RESULTS = (
    "已按会议要求办结。",
    "已完成，相关批复已送达项目单位。",
    "已办结并向市投资促进局报送情况。",
)
CLOSED_ON_TIME, CLOSED_LATE = 0.7, 0.15  # the rest stay open


def _second_tuesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


class _Timeline:
    """Events run in date order; an event may schedule later ones (a task's closing)."""

    def __init__(self) -> None:
        self._heap: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def at(self, day: dt.date, hour: int, action: Callable[[], None]) -> None:
        when = dt.datetime.combine(day, dt.time(hour))
        heapq.heappush(self._heap, (when, next(self._order), action))

    def run(self, clock: Any, until: dt.date) -> None:
        while self._heap:
            when, _, action = heapq.heappop(self._heap)
            if when.date() > until:
                continue
            clock.at(when.date(), when.hour)
            action()


def meetings_load(*, clock: Any, users: dict[str, User], seed: int) -> int:
    """Load the year's meetings; returns how many meetings were called."""
    rng = random.Random(f"service-meetings-{seed}")
    city, leader = users["city"], users["leader"]
    departments = {d.code: d for d in Department.objects.all()}
    key_projects = list(
        Project.objects.filter(is_key=True, signed_on__isnull=False)
        .select_related("unit")
        .order_by("id")
    )
    unit_staff = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT_STAFF).order_by("id")}
    dept_staff = {
        u.department_id: u for u in User.objects.filter(role=Role.DEPT_STAFF).order_by("id")
    }
    timeline = _Timeline()
    # December's meeting (the year-end one, on the 24th) is still in preparation on the
    # reference date: its agenda proposed, not confirmed.
    dates = [_second_tuesday(YEAR, month) for month in range(1, 12)] + [dt.date(YEAR, 12, 24)]

    def closer(task: Task) -> User:
        if task.owner_department_id and task.owner_department_id in dept_staff:
            return dept_staff[task.owner_department_id]
        if task.owner_unit_id and task.owner_unit_id in unit_staff:
            return unit_staff[task.owner_unit_id]
        return city  # the city's supervision records it for owners without an account

    def plan_closing(task: Task) -> None:
        roll = rng.random()
        if roll < CLOSED_ON_TIME:
            span = max((task.due_on - task.created_at.date()).days, 1)
            day = task.created_at.date() + dt.timedelta(days=rng.randint(max(span // 3, 1), span))
        elif roll < CLOSED_ON_TIME + CLOSED_LATE:
            day = task.due_on + dt.timedelta(days=rng.randint(3, 40))
        else:
            return

        def close() -> None:
            fresh = Task.objects.get(pk=task.pk)
            if fresh.status == TaskStatus.OPEN:
                task_close(actor=closer(fresh), task=fresh, result=rng.choice(RESULTS), done_on=day)

        timeline.at(day, 17, close)

    def decide(meeting_id: int) -> None:
        meeting = JointMeeting.objects.get(pk=meeting_id)
        services.meeting_hold(actor=city, meeting=meeting)
        for item in meeting.agenda_items.select_related("project", "project__unit").order_by(
            "order"
        ):
            topic = OWN_TOPICS[rng.randrange(len(OWN_TOPICS))]
            department = departments[topic[1]]
            due = meeting.held_on + dt.timedelta(days=rng.choice((15, 20, 30, 45)))
            specs = [services.TaskSpec(due_on=due, owner_department=department, title=topic[3])]
            if item.kind == CARRIED:
                # The owners still on it are given a new deadline by the new decision.
                late = Task.objects.filter(decision_id=item.object_id, status=TaskStatus.OPEN)
                specs = [
                    services.TaskSpec(
                        due_on=due,
                        owner_department=t.owner_department,
                        owner_unit=t.owner_unit,
                        title=t.title,
                    )
                    for t in late.select_related("owner_department", "owner_unit").order_by("id")
                ] or specs
                owners = "、".join(str(s.owner_department or s.owner_unit) for s in specs)
                text = f"会议听取了办理情况汇报，要求{owners}加快办理，按新的时限办结。"
            else:
                text = topic[2]
                if item.project_id and rng.random() < 0.5:
                    specs.append(
                        services.TaskSpec(
                            due_on=due,
                            owner_unit=item.project.unit,
                            title="做好项目单位对接和要件准备",
                        )
                    )
            decision = services.decision_record(actor=city, item=item, text=text, tasks=specs)
            for task in decision.tasks.all():
                plan_closing(task)

    def call(day: dt.date, number: int) -> None:
        meeting = services.meeting_create(
            actor=city,
            held_on=day,
            place=PLACES[number % len(PLACES)],
            chair=leader,
            departments=[departments[c] for c in ATTENDING if c in departments],
            copy_to="市委办公室，市人大常委会办公室，市政府办公室，市政协办公室",
        )
        picked = 0
        for proposal in agenda_proposals(meeting=meeting, user=city):
            if proposal.candidate.kind == CARRIED or picked >= 4:
                continue
            services.agenda_add(
                actor=city,
                meeting=meeting,
                kind=proposal.candidate.kind,
                object_id=proposal.candidate.object_id,
            )
            picked += 1
        for project in rng.sample(key_projects, k=min(len(key_projects), max(0, 3 - picked))):
            topic = OWN_TOPICS[rng.randrange(len(OWN_TOPICS))]
            services.agenda_add_free(
                actor=city,
                meeting=meeting,
                title=f"研究协调{project.name}{topic[0]}问题",
                project=project,
            )
        if day <= REFERENCE_DATE:
            timeline.at(day - dt.timedelta(days=2), 16, lambda: services.agenda_confirm(
                actor=city, meeting=meeting
            ))  # fmt: skip
            timeline.at(day, 15, lambda: decide(meeting.pk))
            issued = day + dt.timedelta(days=2)
            timeline.at(issued, 10, lambda: services.minutes_issue(
                actor=city, meeting=meeting, issued_on=issued
            ))  # fmt: skip

    for number, day in enumerate(dates, start=1):
        if day - dt.timedelta(days=7) <= REFERENCE_DATE:
            timeline.at(day - dt.timedelta(days=7), 9, lambda d=day, n=number: call(d, n))
    timeline.run(clock, REFERENCE_DATE)
    return JointMeeting.objects.filter(year=YEAR).count()
