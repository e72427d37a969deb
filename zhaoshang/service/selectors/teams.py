"""Reads of the service teams: a project's team, and what each leader, department and
commissioner carries (their projects with stage, milestones overdue and coming, open tasks),
with the city's overview. Every query starts from `.restrict()`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhaoshang.accounts.models import Department, User
from zhaoshang.projects.models import Milestone, Project

from ..models import ServiceTeam, Task, TaskStatus, TeamMember
from ..models.problems import OPEN_STATUSES, Problem

COMING_DAYS = 30  # a milestone due within this many days is "coming"


def team_of(*, user: Any, project: Project) -> ServiceTeam | None:
    return (
        ServiceTeam.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("lead_department", "project", "project__lead_leader")
        .first()
    )


def members_of(*, user: Any, team: ServiceTeam) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.restrict(user, "view")
        .filter(team=team)
        .select_related("user", "unit", "department")
    )


@dataclass
class Carried:
    """One project someone carries, with the figures the pages show."""

    project: Project
    team: ServiceTeam | None
    overdue_milestones: int = 0
    coming_milestones: int = 0
    open_tasks: int = 0
    overdue_tasks: int = 0
    open_problems: int = 0


@dataclass
class Burden:
    """What one person or department carries: projects and their sums."""

    who: Any
    rows: list[Carried] = field(default_factory=list)

    @property
    def projects(self) -> int:
        return len(self.rows)

    @property
    def top_level(self) -> int:
        return sum(1 for r in self.rows if r.team is not None and r.team.is_top_level)

    @property
    def overdue_milestones(self) -> int:
        return sum(r.overdue_milestones for r in self.rows)

    @property
    def coming_milestones(self) -> int:
        return sum(r.coming_milestones for r in self.rows)

    @property
    def open_tasks(self) -> int:
        return sum(r.open_tasks for r in self.rows)

    @property
    def overdue_tasks(self) -> int:
        return sum(r.overdue_tasks for r in self.rows)

    @property
    def open_problems(self) -> int:
        return sum(r.open_problems for r in self.rows)


def _carried(user: Any, projects: QuerySet[Project], as_of: dt.date) -> list[Carried]:
    """Figures for each project (grouped queries, whatever the number of projects).

    `projects` is already the user's reach (`_in_service`): the figures are counts over those
    projects only, so a lead department sees how its projects stand without reading their
    milestones or tasks one by one."""
    projects = list(
        projects.select_related("unit", "lead_leader", "commissioner").order_by(
            "-total_investment_wan", "id"
        )
    )
    ids = [p.pk for p in projects]
    teams = {
        t.project_id: t
        for t in ServiceTeam.objects.filter(project_id__in=ids).select_related("lead_department")
    }
    soon = as_of + dt.timedelta(days=COMING_DAYS)
    milestones = {
        r["project"]: r
        for r in Milestone.objects.filter(project_id__in=ids, done_on__isnull=True)
        .values("project")
        .annotate(
            overdue=Count("pk", filter=Q(due_on__lt=as_of)),
            coming=Count("pk", filter=Q(due_on__gte=as_of, due_on__lte=soon)),
        )
    }
    tasks = {
        r["project"]: r
        for r in Task.objects.filter(project_id__in=ids, status=TaskStatus.OPEN)
        .values("project")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=as_of)))
    }
    problems = dict(
        Problem.objects.filter(project_id__in=ids, status__in=OPEN_STATUSES)
        .values_list("project")
        .annotate(n=Count("pk"))
    )
    rows = []
    for p in projects:
        m, t = milestones.get(p.pk, {}), tasks.get(p.pk, {})
        rows.append(
            Carried(
                project=p,
                team=teams.get(p.pk),
                overdue_milestones=m.get("overdue", 0),
                coming_milestones=m.get("coming", 0),
                open_tasks=t.get("open", 0),
                overdue_tasks=t.get("overdue", 0),
                open_problems=problems.get(p.pk, 0),
            )
        )
    return rows


def _in_service(user: Any) -> QuerySet[Project]:
    """Key projects in the user's reach whose service is not over (not produced, not dropped):
    those the user may see, and those whose team the user may see (a lead department)."""
    visible = Project.objects.restrict(user, "view").values("pk")
    teams = ServiceTeam.objects.restrict(user, "view").values("project")
    return (
        Project.objects.filter(Q(pk__in=visible) | Q(pk__in=teams))
        .filter(is_key=True)
        .exclude(stage__in=["operating", "dropped"])
    )


def in_reach(user: Any) -> QuerySet[Project]:
    return _in_service(user)


def carried_by_leader(*, user: Any, leader: User, as_of: dt.date) -> Burden:
    return Burden(leader, _carried(user, _in_service(user).filter(lead_leader=leader), as_of))


def carried_by_commissioner(*, user: Any, commissioner: User, as_of: dt.date) -> Burden:
    projects = _in_service(user).filter(commissioner=commissioner)
    return Burden(commissioner, _carried(user, projects, as_of))


def carried_by_department(*, user: Any, department: Department, as_of: dt.date) -> Burden:
    """Projects whose team the department leads or has a member on."""
    led = ServiceTeam.objects.filter(lead_department=department).values("project")
    member = TeamMember.objects.filter(department=department, left_on__isnull=True).values(
        "team__project"
    )
    projects = _in_service(user).filter(Q(pk__in=led) | Q(pk__in=member))
    return Burden(department, _carried(user, projects, as_of))


def overview(*, user: Any, as_of: dt.date) -> dict[str, list[Burden]]:
    """The city's view: per leader, department and commissioner, what each carries."""
    rows = _carried(user, _in_service(user), as_of)
    by_leader: dict[Any, Burden] = {}
    by_commissioner: dict[Any, Burden] = {}
    by_department: dict[Any, Burden] = {}
    for row in rows:
        p = row.project
        if p.lead_leader_id:
            by_leader.setdefault(p.lead_leader_id, Burden(p.lead_leader)).rows.append(row)
        if p.commissioner_id:
            by_commissioner.setdefault(p.commissioner_id, Burden(p.commissioner)).rows.append(row)
        if row.team is not None:
            dept = row.team.lead_department
            by_department.setdefault(dept.pk, Burden(dept)).rows.append(row)

    def ordered(burdens: dict[Any, Burden]) -> list[Burden]:
        return sorted(burdens.values(), key=lambda b: (-b.projects, str(b.who)))

    return {
        "leaders": ordered(by_leader),
        "departments": ordered(by_department),
        "commissioners": ordered(by_commissioner),
        "unassigned": [r for r in rows if r.team is None],
    }


def team_counts(rows: list[Carried]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts["projects"] += 1
        counts["overdue_milestones"] += r.overdue_milestones
        counts["open_tasks"] += r.open_tasks
    return dict(counts)
