"""The 服务专员's work queue: what waits on them today, each item with the link that acts on it.

First screen: their projects; then overdue and coming milestones, problems waiting on someone
(and for how many working days), projects without a progress update for N days, and open tasks
from decisions and instructions. The thresholds are data (`WorkQueueRule`). Everything starts
from `.restrict(user)` and is narrowed to the projects the user carries as commissioner (and
tasks owned by them), so nothing of another project appears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from zhaoshang.core.workdays import workdays_between
from zhaoshang.projects.models import Milestone, ProgressUpdate, Project, Stage

from ..models import ServiceLog, Task, TaskStatus, WorkQueueRule
from ..models.problems import OPEN_STATUSES, Problem, ProblemStatus
from ..reference import WORK_QUEUE_RULES

# Defaults when a rule row is missing (the reference loader creates them after every migrate).
RULE_DEFAULTS = {code: days for code, _label, days in WORK_QUEUE_RULES}
# Reminder thresholds that are a work-queue rule: the queue and the reminder use one number.
REMINDER_RULES = {("projects.stale", "days"): "stale_project_days"}
# Stages a commissioner still serves actively (一抓到底: until production).
SERVED_STAGES = (Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED)

# Whom an open problem waits on, by status: (label, the date field it has waited since).
WAITING_ON: dict[str, tuple[str, str]] = {
    ProblemStatus.RAISED: ("等待责任部门签收", "raised_on"),
    ProblemStatus.ACKNOWLEDGED: ("等待责任部门答复办理", "acknowledged_on"),
    ProblemStatus.ANSWERED: ("已答复，等待办结或确认", "answered_on"),
    ProblemStatus.RESOLVED: ("已办结，等待提出方确认", "resolved_on"),
    ProblemStatus.REOPENED: ("退回重办，等待责任部门办理", "updated_at"),
}


def rule_days(code: str) -> int:
    row = WorkQueueRule.objects.filter(code=code).values_list("days", flat=True).first()
    return row if row is not None else RULE_DEFAULTS[code]


def reminder_threshold(code: str, name: str) -> int | None:
    """The reminder registry's source for thresholds the city keeps as work-queue rules: the
    项目长期无进展 reminder waits as many days as the queue's 无进展 list (one setting, one meaning)."""
    rule = REMINDER_RULES.get((code, name))
    return rule_days(rule) if rule else None


@dataclass
class ProjectRow:
    project: Project
    last_service_on: dt.date | None
    last_progress_on: dt.date | None
    open_problems: int
    log_url: str
    service_url: str
    url: str


@dataclass
class Item:
    """One thing to do: what, on which project, since/until when, and the link that acts."""

    title: str
    project: Project | None
    on: dt.date | None  # the due date, or the date it has waited since
    days: int | None  # working days waited, or calendar days overdue (+) / left (-)
    note: str
    url: str
    action: str
    tone: str = "secondary"  # Bootstrap colour: danger overdue, warning soon


@dataclass
class WorkQueue:
    today: dt.date
    projects: list[ProjectRow] = field(default_factory=list)
    milestones_overdue: list[Item] = field(default_factory=list)
    milestones_coming: list[Item] = field(default_factory=list)
    problems: list[Item] = field(default_factory=list)
    stale: list[Item] = field(default_factory=list)
    tasks: list[Item] = field(default_factory=list)
    stale_days: int = 30
    ahead_days: int = 14

    @property
    def counts(self) -> dict[str, int]:
        return {
            "projects": len(self.projects),
            "milestones_overdue": len(self.milestones_overdue),
            "milestones_coming": len(self.milestones_coming),
            "problems": len(self.problems),
            "problems_overdue": sum(1 for i in self.problems if i.tone == "danger"),
            "stale": len(self.stale),
            "tasks": len(self.tasks),
            "tasks_overdue": sum(1 for i in self.tasks if i.tone == "danger"),
        }


def my_projects(user: Any):
    """The projects the user carries as 服务专员, within what they may see."""
    return Project.objects.restrict(user, "view").filter(commissioner=user)


def _project_url(project_id: int, anchor: str = "") -> str:
    return reverse("projects:detail", args=[project_id]) + (f"#{anchor}" if anchor else "")


def _project_rows(user: Any, projects: list[Project]) -> list[ProjectRow]:
    ids = [p.pk for p in projects]
    services = dict(
        ServiceLog.objects.filter(project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(last=Max("on"))
        .values_list("project_id", "last")
    )
    progress = dict(
        ProgressUpdate.objects.filter(project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(last=Max("on"))
        .values_list("project_id", "last")
    )
    problems = dict(
        Problem.objects.restrict(user, "view")
        .filter(project_id__in=ids, status__in=OPEN_STATUSES)
        .order_by()
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    return [
        ProjectRow(
            project=p,
            last_service_on=services.get(p.pk),
            last_progress_on=progress.get(p.pk),
            open_problems=problems.get(p.pk, 0),
            log_url=reverse("service:servicelog-project", args=[p.pk]),
            service_url=reverse("service:servicelog-create", args=[p.pk]),
            url=_project_url(p.pk),
        )
        for p in projects
    ]


def _milestones(user: Any, today: dt.date, ahead: int) -> tuple[list[Item], list[Item]]:
    rows = (
        Milestone.objects.restrict(user, "view")
        .filter(project__commissioner=user, done_on__isnull=True)
        .filter(due_on__lte=today + dt.timedelta(days=ahead))
        .exclude(project__stage=Stage.DROPPED)
        .select_related("project")
        .order_by("due_on", "id")
    )
    overdue, coming = [], []
    for m in rows:
        late = (today - m.due_on).days
        item = Item(
            title=m.title,
            project=m.project,
            on=m.due_on,
            days=late,
            note=f"逾期 {late} 天"
            if late > 0
            else ("今天到期" if late == 0 else f"{-late} 天后到期"),
            url=reverse("projects:milestone-complete", args=[m.pk]),
            action="完成节点",
            tone="danger" if late > 0 else "warning",
        )
        (overdue if late > 0 else coming).append(item)
    return overdue, coming


def _since(problem: Problem, date_field: str) -> dt.date:
    value = getattr(problem, date_field, None)
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value or problem.raised_on


def _problems(user: Any, today: dt.date) -> list[Item]:
    """Open problems of the user's projects (and those they raised), and resolved ones waiting
    for the raiser's side to confirm, longest waiting first."""
    rows = (
        Problem.objects.restrict(user, "view")
        .filter(Q(project__commissioner=user) | Q(raised_by=user))
        .filter(status__in=[*OPEN_STATUSES, ProblemStatus.RESOLVED])
        .select_related("project", "department")
    )
    items = []
    for p in rows:
        label, since_field = WAITING_ON[p.status]
        since = _since(p, since_field)
        waited = max(workdays_between(since, today), 0)
        overdue = p.status != ProblemStatus.RESOLVED and p.due_on < today
        note = f"{label} · {p.department.name} · 已等待 {waited} 个工作日"
        if overdue:
            note += f" · 已超期（时限 {p.due_on:%Y-%m-%d}）"
        items.append(
            Item(
                title=p.title,
                project=p.project,
                on=since,
                days=waited,
                note=note,
                url=reverse("service:problem-detail", args=[p.pk]),
                action="确认办结" if p.status == ProblemStatus.RESOLVED else "查看督办",
                tone="danger"
                if overdue
                else ("primary" if p.status == ProblemStatus.RESOLVED else "secondary"),
            )
        )
    items.sort(key=lambda i: (i.tone != "danger", i.tone != "primary", -(i.days or 0)))
    return items


def _stale(projects: list[ProjectRow], today: dt.date, days: int) -> list[Item]:
    """Served projects whose last progress update (or registration) is older than `days`."""
    items = []
    for row in projects:
        p = row.project
        if p.stage not in SERVED_STAGES:
            continue
        last = row.last_progress_on or timezone.localdate(p.created_at)
        idle = (today - last).days
        if idle < days:
            continue
        items.append(
            Item(
                title=p.name,
                project=p,
                on=last,
                days=idle,
                note=(
                    f"{idle} 天没有进展更新（上次 {last:%Y-%m-%d}）"
                    if row.last_progress_on
                    else f"登记 {idle} 天以来没有进展更新"
                ),
                url=reverse("projects:progress-create", args=[p.pk]),
                action="填写进展",
                tone="warning",
            )
        )
    items.sort(key=lambda i: -(i.days or 0))
    return items


def _tasks(user: Any, today: dt.date) -> list[Item]:
    rows = (
        Task.objects.restrict(user, "view")
        .filter(status=TaskStatus.OPEN)
        .filter(Q(owner_user=user) | Q(project__commissioner=user))
        .select_related("project", "owner_department", "owner_unit", "owner_user")
        .order_by("due_on", "id")
    )
    items = []
    for t in rows:
        late = (today - t.due_on).days
        owner = t.owner_user or t.owner_department or t.owner_unit
        note = f"{t.get_source_display()} · 责任：{owner} · " + (
            f"逾期 {late} 天" if late > 0 else f"{t.due_on:%Y-%m-%d} 到期"
        )
        items.append(
            Item(
                title=t.title,
                project=t.project,
                on=t.due_on,
                days=late,
                note=note,
                url=reverse("service:task-detail", args=[t.pk]),
                action="办理事项" if t.owner_user_id == user.pk else "查看事项",
                tone="danger" if late > 0 else ("warning" if late > -7 else "secondary"),
            )
        )
    return items


def work_queue(*, user: Any, today: dt.date | None = None) -> WorkQueue:
    """Everything on the commissioner's desk today (see the module docstring)."""
    today = today or timezone.localdate()
    stale_days = rule_days("stale_project_days")
    ahead = rule_days("milestone_ahead_days")
    projects = list(
        my_projects(user)
        .exclude(stage=Stage.DROPPED)
        .select_related("unit")
        .order_by("-is_key", "-total_investment_wan", "pk")
    )
    rows = _project_rows(user, projects)
    overdue, coming = _milestones(user, today, ahead)
    return WorkQueue(
        today=today,
        projects=rows,
        milestones_overdue=overdue,
        milestones_coming=coming,
        problems=_problems(user, today),
        stale=_stale(rows, today, stale_days),
        tasks=_tasks(user, today),
        stale_days=stale_days,
        ahead_days=ahead,
    )
