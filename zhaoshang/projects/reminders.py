"""The projects' reminders, run each morning by the notices app's job (`notices.reminders`).

What is reminded, to whom, and why those people:

| producer | when | to |
|---|---|---|
| `projects.milestone_due` | an open milestone (推进节点) is due within `days` (3) | the project's 服务专员; the unit's 招商人员 when the project has none |
| `projects.milestone_overdue` | an open milestone's date has passed (looked back `lookback_days`, 30) | the same, and the 包帮领导 (顶格推进: the leader hears of what slips) |
| `projects.funds_pending` | a funds record (到位资金) has waited for verification more than `days` (7) | every user whose role may verify it (projects.verify_fundsrecord) and who sees it, except who entered it |
| `projects.stale` | a project with a 服务专员, not yet 投产 nor 终止, has had no progress update (项目进展) for `days` (30) | the 服务专员 |

Each notice's key names the thing and the occasion (the milestone and its date, the funds
record, the project and its last update), so a rerun sends nothing twice and a milestone moved
to a new date, or a project stale again after a new update, is reminded again. Thresholds are
data (`notices.reminders.threshold`: settings REMINDER_THRESHOLDS, or a registered source).
Projects ended (终止) are not reminded of.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import User
from zhaoshang.accounts.roles import Role
from zhaoshang.core.permissions import in_scope
from zhaoshang.notices import kinds, reminders
from zhaoshang.notices.selectors import keys_sent
from zhaoshang.notices.services import notify

from .models import FundsRecord, FundsStatus, Milestone, Project, Stage

MILESTONE_DUE = "milestone_due"
MILESTONE_OVERDUE = "milestone_overdue"
FUNDS_PENDING = "funds_pending"
PROJECT_STALE = "project_stale"

# Who hears of a project's things, by the project's people (see the table above).
RECIPIENTS: dict[str, tuple[str, ...]] = {
    MILESTONE_DUE: ("commissioner", "unit_staff_if_no_commissioner"),
    MILESTONE_OVERDUE: ("commissioner", "lead_leader", "unit_staff_if_no_commissioner"),
    PROJECT_STALE: ("commissioner",),
}


class _People:
    """The people of projects, the units' staff read once per run."""

    def __init__(self) -> None:
        self._staff: dict[int, list[User]] | None = None

    def unit_staff(self, unit_id: int) -> list[User]:
        if self._staff is None:
            self._staff = defaultdict(list)
            for user in User.objects.filter(role=Role.UNIT_STAFF, is_active=True).order_by("pk"):
                self._staff[user.unit_id].append(user)
        return self._staff.get(unit_id, [])

    def of(self, project: Project, rule: str) -> list[User]:
        people: list[User] = []
        for who in RECIPIENTS[rule]:
            if who == "commissioner" and project.commissioner_id:
                people.append(project.commissioner)
            elif who == "lead_leader" and project.lead_leader_id:
                people.append(project.lead_leader)
            elif who == "unit_staff_if_no_commissioner" and not project.commissioner_id:
                people += self.unit_staff(project.unit_id)
        return people


def _send_new(
    items: Iterable[tuple[str, list[User], Callable[[], dict[str, str]]]], kind: str
) -> int:
    """notify() for each (key, recipients, message) not already sent to all its recipients."""
    items = list(items)
    sent = keys_sent([key for key, _, _ in items])
    created = 0
    for key, people, message in items:
        if not people or all((key, u.pk) in sent for u in people):
            continue
        created += len(notify(recipients=people, kind=kind, key=key, **message()))
    return created


def _project_url(project_id: int, anchor: str) -> str:
    return reverse("projects:detail", args=[project_id]) + f"#{anchor}"


def _milestones(today: dt.date) -> Any:
    return (
        Milestone.objects.filter(done_on__isnull=True)
        .exclude(project__stage=Stage.DROPPED)
        .select_related("project", "project__commissioner", "project__lead_leader")
        .order_by("due_on", "pk")
    )


def produce_milestones_due(*, today: dt.date) -> int:
    days = reminders.threshold("projects.milestone_due", "days")
    people = _People()

    def item(m: Milestone):
        return (
            f"milestone-due:{m.pk}:{m.due_on.isoformat()}",
            people.of(m.project, MILESTONE_DUE),
            lambda: {
                "title": f"推进节点{m.due_on:%m月%d日}到期：{m.project.name} · {m.title}",
                "body": f"项目：{m.project.name}\n计划完成：{m.due_on:%Y-%m-%d}",
                "url": _project_url(m.project_id, "milestones"),
            },
        )

    due = _milestones(today).filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days))
    return _send_new((item(m) for m in due), MILESTONE_DUE)


def produce_milestones_overdue(*, today: dt.date) -> int:
    lookback = reminders.threshold("projects.milestone_overdue", "lookback_days")
    people = _People()

    def item(m: Milestone):
        return (
            f"milestone-overdue:{m.pk}:{m.due_on.isoformat()}",
            people.of(m.project, MILESTONE_OVERDUE),
            lambda: {
                "title": f"推进节点逾期：{m.project.name} · {m.title}",
                "body": f"项目：{m.project.name}\n计划完成：{m.due_on:%Y-%m-%d}，尚未完成",
                "url": _project_url(m.project_id, "milestones"),
            },
        )

    overdue = _milestones(today).filter(
        due_on__lt=today, due_on__gte=today - dt.timedelta(lookback)
    )
    return _send_new((item(m) for m in overdue), MILESTONE_OVERDUE)


def verifiers() -> list[User]:
    """Active users whose role may verify funds records (the permission is data: the roles'
    groups), with their unit for the scope check."""
    roles = Group.objects.filter(
        permissions__content_type__app_label="projects",
        permissions__codename="verify_fundsrecord",
    ).values_list("name", flat=True)
    return list(
        User.objects.filter(role__in=list(roles), is_active=True)
        .select_related("unit")
        .order_by("pk")
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def produce_funds_pending(*, today: dt.date) -> int:
    days = reminders.threshold("projects.funds_pending", "days")
    deciders = verifiers()
    if not deciders:
        return 0
    waiting = (
        FundsRecord.objects.filter(
            status=FundsStatus.SUBMITTED, submitted_at__lt=_start_of(today - dt.timedelta(days))
        )
        .select_related("project", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    queue = reverse("projects:verify-queue")

    def item(r: FundsRecord):
        people = [u for u in deciders if u.pk != r.submitted_by_id and in_scope(u, r)]
        return (
            f"funds-pending:{r.pk}",
            people,
            lambda: {
                "title": f"到位资金待核实超过{days}天：{r.project.name} {r.period:%Y-%m}",
                "body": f"金额：{r.amount_wan}万元\n"
                f"填报：{r.submitted_by} {timezone.localtime(r.submitted_at):%Y-%m-%d}",
                "url": f"{queue}#funds-{r.pk}",
            },
        )

    return _send_new((item(r) for r in waiting), FUNDS_PENDING)


def produce_stale_projects(*, today: dt.date) -> int:
    days = reminders.threshold("projects.stale", "days")
    cutoff = today - dt.timedelta(days)
    stale = (
        Project.objects.filter(commissioner__isnull=False)
        .exclude(stage__in=[Stage.OPERATING, Stage.DROPPED])
        .annotate(last_update=Max("progress_updates__on"))
        .filter(
            Q(last_update__lt=cutoff)
            | Q(last_update__isnull=True, created_at__lt=_start_of(cutoff))
        )
        .select_related("commissioner")
        .order_by("pk")
    )
    people = _People()

    def item(p: Project):
        last = f"最近一次进展：{p.last_update:%Y-%m-%d}" if p.last_update else "尚无进展记录"
        return (
            f"project-stale:{p.pk}:{p.last_update.isoformat() if p.last_update else 'none'}",
            people.of(p, PROJECT_STALE),
            lambda: {
                "title": f"项目超过{days}天没有进展更新：{p.name}",
                "body": f"{last}\n请及时跟进并填报项目进展。",
                "url": _project_url(p.pk, "progress"),
            },
        )

    return _send_new((item(p) for p in stale), PROJECT_STALE)


def register() -> None:
    """The projects' notice kinds and reminder producers (from ProjectsConfig.ready)."""
    kinds.register(MILESTONE_DUE, "推进节点即将到期")
    # Overdue work of one's own is not something to silence.
    kinds.register(MILESTONE_OVERDUE, "推进节点逾期", mutable=False)
    kinds.register(FUNDS_PENDING, "到位资金待核实超期")
    kinds.register(PROJECT_STALE, "项目长期无进展")
    reminders.register(
        "projects.milestone_due",
        "推进节点即将到期",
        produce_milestones_due,
        thresholds={"days": 3},
    )
    reminders.register(
        "projects.milestone_overdue",
        "推进节点逾期",
        produce_milestones_overdue,
        thresholds={"lookback_days": 30},
    )
    reminders.register(
        "projects.funds_pending",
        "到位资金待核实超期",
        produce_funds_pending,
        thresholds={"days": 7},
    )
    reminders.register(
        "projects.stale", "项目长期无进展", produce_stale_projects, thresholds={"days": 30}
    )
