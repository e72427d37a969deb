"""Setting up and changing a key project's service team (五个一), its members, and closing it
after production ("一抓到底"). Who may: the city for every team and for city-level (顶格) ones;
a unit for the county-level teams of its own projects. Every change is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit
from zhaoshang.core.concurrency import NEW, check_version
from zhaoshang.core.permissions import Scope, require
from zhaoshang.projects.models import Project, Stage
from zhaoshang.projects.services import project_update

from ..models import ServiceTeam, TeamLevel, TeamMember


@dataclass(frozen=True)
class LevelRule:
    """What a level requires: whose leader carries it and who may set a team at this level."""

    leader_of: str  # "city": a leader bound to the city unit; "project": to the project's unit
    leader_error: str
    set_by: frozenset[Scope]  # the scopes that may set up or change a team of this level


LEVEL_RULES: dict[str, LevelRule] = {
    TeamLevel.CITY: LevelRule(
        leader_of="city",
        leader_error="市级重点项目须由市级领导顶格帮包",
        set_by=frozenset({Scope.ALL}),
    ),
    TeamLevel.COUNTY: LevelRule(
        leader_of="project",
        leader_error="县级重点项目须由项目所在县（市、区）的领导包帮",
        set_by=frozenset({Scope.ALL, Scope.UNIT}),
    ),
}

# The team ends with the project: at 投产 (or when the project is dropped).
FINAL_STAGES = frozenset({Stage.OPERATING, Stage.DROPPED})
ENDED = "项目已投产或终止，服务团队已结束（一抓到底）"


def team_ended(team: ServiceTeam) -> bool:
    """Closed, or its project (as stored now) produced or dropped."""
    return (
        team.closed_on is not None
        or Project.objects.filter(pk=team.project_id, stage__in=FINAL_STAGES).exists()
    )


def _check_setter(actor: Any, level: str, project: Project) -> None:
    rule = LEVEL_RULES[level]
    if actor.scope not in rule.set_by or actor.role == Role.LEADER:
        raise PermissionDenied(
            "市级重点项目的服务团队由市级设置" if level == TeamLevel.CITY else "无权设置此服务团队"
        )


def _leader_errors(level: str, project: Project, leader: User | None) -> list[str]:
    rule = LEVEL_RULES[level]
    if leader is None:
        return ["请指定包帮领导"]
    if leader.role != Role.LEADER or not leader.is_active or leader.unit_id is None:
        return ["包帮领导须为在岗的领导账号"]
    expected = (
        leader.unit.is_city if rule.leader_of == "city" else leader.unit_id == project.unit_id
    )
    return [] if expected else [rule.leader_error]


def team_save(
    *,
    actor: Any,
    project: Project,
    level: str,
    leader: User | None,
    lead_department: Department | None,
    assigned_on: dt.date,
    commissioner: User | None = None,
    version: str | Iterable[str] | None = None,
) -> ServiceTeam:
    """Set up (or change) a key project's team: its level, leader, lead department, commissioner.

    The leader and the commissioner are the project's own fields (`project_update`, audited
    there); the level decides which leader is valid (`LEVEL_RULES`). `version` is the team's
    version the editor read (`NEW` for a team not set up yet).
    """
    errors: dict[str, list[str]] = {}
    if level not in LEVEL_RULES:
        raise ValidationError({"level": ["请选择帮包层级"]})
    require(actor, "add", ServiceTeam(project=project))
    _check_setter(actor, level, project)
    if not project.is_key:
        errors["project"] = ["只有重点项目组建“五个一”服务团队"]
    if project.stage in FINAL_STAGES:
        errors["project"] = [ENDED]
    if leader_errors := _leader_errors(level, project, leader):
        errors["leader"] = leader_errors
    if lead_department is None:
        errors["lead_department"] = ["请选择牵头部门"]
    if commissioner is not None and (
        commissioner.role != Role.COMMISSIONER or not commissioner.is_active
    ):
        errors["commissioner"] = ["服务专员须为在岗的服务专员账号"]
    if not isinstance(assigned_on, dt.date):
        errors["assigned_on"] = ["请填写组建日期"]
    elif assigned_on > timezone.localdate():
        errors["assigned_on"] = ["组建日期不能晚于今天"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        team = ServiceTeam.objects.select_for_update().filter(project=project).first()
        check_version(
            team,
            version if team is not None or version is None else NEW,
            submitted={"level": level, "lead_department": lead_department},
        )
        if team is None:
            team = ServiceTeam(project=project, created_by=actor)
            before = None
        else:
            if team.closed_on:
                raise ValidationError({"project": [ENDED]})
            _check_setter(actor, team.level, project)  # a unit cannot take over a city team
            before = audit.snapshot(team)
        team.level, team.lead_department, team.assigned_on = level, lead_department, assigned_on
        require(actor, "add" if before is None else "change", team)
        team.save()
        if before is None:
            audit.record_create(actor=actor, obj=team, note=TeamLevel(level).label)
        else:
            audit.record_update(actor=actor, obj=team, before=before)
        if (project.lead_leader_id, project.commissioner_id) != (
            leader.pk if leader else None,
            commissioner.pk if commissioner else None,
        ):
            project_update(
                actor=actor, project=project, lead_leader=leader, commissioner=commissioner
            )
    return team


def _editable(actor: Any, team: ServiceTeam) -> None:
    require(actor, "change", team)
    _check_setter(actor, team.level, team.project)
    if team_ended(team):
        raise ValidationError({"team": [ENDED]})


def member_add(
    *,
    actor: Any,
    team: ServiceTeam,
    duty: str,
    joined_on: dt.date,
    user: User | None = None,
    name: str = "",
    unit: Unit | None = None,
    department: Department | None = None,
) -> TeamMember:
    """Add a person to the team with their duty: an account, or a named person without one."""
    _editable(actor, team)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if user is None and not name:
        errors["name"] = ["请选择成员账号或填写姓名"]
    if not (duty or "").strip():
        errors["duty"] = ["请填写职责"]
    if not isinstance(joined_on, dt.date):
        errors["joined_on"] = ["请填写加入日期"]
    elif joined_on > timezone.localdate():
        errors["joined_on"] = ["加入日期不能晚于今天"]
    if user is not None and team.members.filter(user=user, left_on__isnull=True).exists():
        errors["user"] = ["此人已在团队中"]
    if errors:
        raise ValidationError(errors)
    member = TeamMember(
        team=team,
        user=user,
        name=name if user is None else "",
        unit=unit if unit is not None else (user.unit if user else None),
        department=department if department is not None else (user.department if user else None),
        duty=duty.strip()[:200],
        joined_on=joined_on,
    )
    require(actor, "add", member)
    with transaction.atomic():
        member.save()
        audit.record_create(actor=actor, obj=member, note=member.duty)
    return member


def member_leave(*, actor: Any, member: TeamMember, left_on: dt.date, reason: str) -> TeamMember:
    """A member leaves the team on a date, with a reason; the row stays (who served when)."""
    _editable(actor, member.team)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["请填写退出原因"]
    if not isinstance(left_on, dt.date):
        errors["left_on"] = ["请填写退出日期"]
    elif left_on > timezone.localdate():
        errors["left_on"] = ["退出日期不能晚于今天"]
    elif left_on < member.joined_on:
        errors["left_on"] = ["退出日期不能早于加入日期"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stored = TeamMember.objects.select_for_update().get(pk=member.pk)
        if stored.left_on is not None:
            raise ValidationError({"left_on": ["此成员已退出团队"]})
        before = audit.snapshot(stored)
        stored.left_on, stored.leave_reason = left_on, reason[:300]
        stored.save()
        audit.record_update(actor=actor, obj=stored, before=before, note=f"退出：{reason}")
    return stored


def team_close(*, actor: Any, team: ServiceTeam, note: str = "") -> ServiceTeam:
    """Close the team once its project produces (or is dropped): "一抓到底", never before.

    The end date is the project's 投产 (or 终止) date; the team is kept, not deleted.
    """
    require(actor, "change", team)
    _check_setter(actor, team.level, team.project)
    with transaction.atomic():
        stored = ServiceTeam.objects.select_for_update().select_related("project").get(pk=team.pk)
        project = stored.project
        if stored.closed_on is not None:
            raise ValidationError({"team": ["服务团队已结束"]})
        if project.stage not in FINAL_STAGES:
            raise ValidationError({"team": ["一抓到底：项目投产前服务团队不能撤销"]})
        before = audit.snapshot(stored)
        stored.closed_on = project.operating_on or project.dropped_on or timezone.localdate()
        stored.close_note = (note or "").strip()[:300] or (
            "项目投产，团队完成帮包" if project.stage == Stage.OPERATING else "项目终止"
        )
        stored.save()
        audit.record_update(actor=actor, obj=stored, before=before, note=stored.close_note)
    return stored
