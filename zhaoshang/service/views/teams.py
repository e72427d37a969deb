"""Pages of the service teams (五个一): what each leader, department and commissioner carries, the
city's overview, a project's team panel and the dialogs that set up and change a team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import htmx
from zhaoshang.core.concurrency import NEW, version_of
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import require_model_permission
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects import page_panels
from zhaoshang.projects.models import Project

from ..models import Instruction, ServiceTeam, TeamLevel, TeamMember
from ..selectors import instructions as instruction_selectors
from ..selectors import teams as selectors
from ..services import teams as services
from .tasks import DateInput

# --- what they carry ----------------------------------------------------------------------------


def _require_view(user: Any) -> None:
    require_model_permission(user, "view", ServiceTeam)


@login_required
@require_GET
def carry_overview(request: HttpRequest) -> HttpResponse:
    """包帮总览：每位领导、每个牵头部门、每位服务专员包帮几个项目，逾期节点、未办结督办事项。"""
    _require_view(request.user)
    today = timezone.localdate()
    context = {**selectors.overview(user=request.user, as_of=today), "today": today}
    return render(request, "service/teams/overview.html", context)


@login_required
@require_GET
def carry_mine(request: HttpRequest) -> HttpResponse:
    """“我包帮的项目”: a leader's or a commissioner's own page; a department's for its staff."""
    user = request.user
    _require_view(user)
    if user.role == Role.LEADER:
        return redirect("service:carry-leader", pk=user.pk)
    if user.role == Role.COMMISSIONER:
        return redirect("service:carry-commissioner", pk=user.pk)
    if user.department_id:
        return redirect("service:carry-department", pk=user.department_id)
    return redirect("service:carry-overview")


def _person(request: HttpRequest, pk: int, role: str) -> User:
    """A leader or commissioner the viewer may know of: the city sees all; others themselves
    or someone carrying a project in their scope (else 404, naming no one)."""
    person = get_object_or_404(User, pk=pk, role=role)
    user = request.user
    if user.scope == Scope.ALL or person.pk == user.pk:
        return person
    field = "lead_leader" if role == Role.LEADER else "commissioner"
    if not selectors.in_reach(user).filter(**{field: person}).exists():
        raise Http404
    return person


def _carry_page(request: HttpRequest, burden: selectors.Burden, title: str, kind: str):
    today = timezone.localdate()
    context: dict[str, Any] = {"burden": burden, "title": title, "kind": kind, "today": today}
    if kind == "leader" and has_model_permission(request.user, "view", Instruction):
        context["instructions"] = list(
            instruction_selectors.instructions_for(user=request.user, leader=burden.who)[:50]
        )
    return render(request, "service/teams/carry.html", context)


@login_required
@require_GET
def carry_leader(request: HttpRequest, pk: int) -> HttpResponse:
    """领导包帮的项目：阶段、逾期和临近节点、未办结督办事项、未办结问题；其批示的办理进度。"""
    _require_view(request.user)
    leader = _person(request, pk, Role.LEADER)
    burden = selectors.carried_by_leader(
        user=request.user, leader=leader, as_of=timezone.localdate()
    )
    return _carry_page(request, burden, f"{leader} 包帮的项目", "leader")


@login_required
@require_GET
def carry_commissioner(request: HttpRequest, pk: int) -> HttpResponse:
    """服务专员服务的项目。"""
    _require_view(request.user)
    person = _person(request, pk, Role.COMMISSIONER)
    burden = selectors.carried_by_commissioner(
        user=request.user, commissioner=person, as_of=timezone.localdate()
    )
    return _carry_page(request, burden, f"服务专员 {person} 服务的项目", "commissioner")


@login_required
@require_GET
def carry_department(request: HttpRequest, pk: int) -> HttpResponse:
    """部门牵头或参与的服务团队的项目。"""
    _require_view(request.user)
    department = get_object_or_404(Department, pk=pk)
    user = request.user
    if user.scope == Scope.DEPARTMENT and user.department_id != department.pk:
        raise Http404
    burden = selectors.carried_by_department(
        user=user, department=department, as_of=timezone.localdate()
    )
    return _carry_page(request, burden, f"{department} 牵头或参与的项目", "department")


# --- the project's team: panel and dialogs ---------------------------------------------------


class TeamForm(BootstrapFormMixin, VersionedFormMixin, forms.Form):
    level = forms.ChoiceField(label="帮包层级", choices=TeamLevel.choices)
    leader = forms.ModelChoiceField(label="包帮领导", queryset=User.objects.none())
    lead_department = forms.ModelChoiceField(label="牵头部门", queryset=Department.objects.all())
    commissioner = forms.ModelChoiceField(
        label="服务专员", queryset=User.objects.none(), required=False
    )
    assigned_on = forms.DateField(label="组建日期", widget=DateInput())

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = User.objects.filter(is_active=True).select_related("unit").order_by("unit", "pk")
        self.fields["leader"].queryset = active.filter(role=Role.LEADER).filter(
            unit__kind="city"
        ) | active.filter(role=Role.LEADER, unit=project.unit_id)
        self.fields["leader"].label_from_instance = lambda u: f"{u}（{u.unit.short_name}{u.title}）"
        self.fields["commissioner"].queryset = active.filter(role=Role.COMMISSIONER)


class MemberForm(BootstrapFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label="成员账号", queryset=User.objects.none(), required=False,
        help_text="平台内人员选账号；其他人员留空并填写姓名",
    )  # fmt: skip
    name = forms.CharField(label="姓名", max_length=30, required=False)
    department = forms.ModelChoiceField(
        label="所在部门", queryset=Department.objects.all(), required=False
    )
    duty = forms.CharField(label="职责", max_length=200)
    joined_on = forms.DateField(label="加入日期", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True,
            role__in=[Role.UNIT_STAFF, Role.DEPT_STAFF, Role.COMMISSIONER, Role.LEADER],
        ).order_by("role", "pk")


class LeaveForm(BootstrapFormMixin, forms.Form):
    left_on = forms.DateField(label="退出日期", widget=DateInput())
    reason = forms.CharField(label="退出原因", max_length=300)


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.restrict(request.user, "view"), pk=pk)


def _back(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk]) + "#panel-team"


def _trail(project: Project) -> list[tuple[str, str]]:
    return [("招商项目", reverse("projects:list")), (project.name, _back(project))]


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """组建或调整重点项目的服务团队（层级、包帮领导、牵头部门、服务专员）。"""
    require_model_permission(request.user, "change", ServiceTeam)
    project = _project(request, pk)
    team = ServiceTeam.objects.filter(project=project).first()
    level = team.level if team else TeamLevel.COUNTY
    if request.user.scope not in services.LEVEL_RULES[level].set_by:
        raise PermissionDenied("市级重点项目的服务团队由市级设置")
    initial = {
        "level": level,
        "leader": project.lead_leader_id,
        "commissioner": project.commissioner_id,
        "lead_department": team.lead_department_id if team else None,
        "assigned_on": team.assigned_on if team else timezone.localdate(),
    }
    form = TeamForm(
        request.POST if request.method == "POST" else None,
        project=project,
        initial=initial,
        version=version_of(team) if team else NEW,
    )

    def write() -> str:
        data = form.cleaned_data
        services.team_save(
            actor=request.user,
            project=project,
            level=data["level"],
            leader=data["leader"],
            lead_department=data["lead_department"],
            commissioner=data["commissioner"],
            assigned_on=data["assigned_on"],
            version=data.get("version"),
        )
        return "服务团队已保存"

    aliases = {"project": "__all__", "team": "__all__"}
    done = htmx.submitted(request, form, write, back_url=_back(project), aliases=aliases)
    return done or htmx.render_dialog(
        request, "core/dialogs/form.html", {"form": form},
        title=f"服务团队：{project.name}", back_url=_back(project), breadcrumbs=_trail(project),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """为服务团队增加成员（账号或姓名、所在部门、职责）。"""
    require_model_permission(request.user, "add", TeamMember)
    project = _project(request, pk)
    team = get_object_or_404(ServiceTeam.objects.restrict(request.user, "view"), project=project)
    form = MemberForm(
        request.POST if request.method == "POST" else None,
        initial={"joined_on": timezone.localdate()},
    )

    def write() -> str:
        member = services.member_add(actor=request.user, team=team, **form.cleaned_data)
        return f"已加入团队：{member.display_name}"

    done = htmx.submitted(
        request, form, write, back_url=_back(project), aliases={"team": "__all__"}
    )
    return done or htmx.render_dialog(
        request, "core/dialogs/form.html", {"form": form},
        title=f"增加团队成员：{project.name}", back_url=_back(project), breadcrumbs=_trail(project),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """团队成员退出（保留记录）。"""
    require_model_permission(request.user, "change", TeamMember)
    member = get_object_or_404(
        TeamMember.objects.restrict(request.user, "view").select_related("team__project"), pk=pk
    )
    project = member.team.project
    form = LeaveForm(
        request.POST if request.method == "POST" else None,
        initial={"left_on": timezone.localdate()},
    )

    def write() -> str:
        services.member_leave(actor=request.user, member=member, **form.cleaned_data)
        return f"{member.display_name} 已退出团队"

    done = htmx.submitted(
        request, form, write, back_url=_back(project), aliases={"team": "__all__"}
    )
    return done or htmx.render_dialog(
        request, "core/dialogs/form.html", {"form": form},
        title=f"成员退出：{member.display_name}", back_url=_back(project), breadcrumbs=_trail(project),
    )  # fmt: skip


@page_panels.register("team", order=10)
def project_team_panel(request: HttpRequest, project: Project) -> page_panels.Panel | None:
    """五个一 on the project page: level, leader, lead department, commissioner, members, and
    the leaders' instructions with their tasks' progress."""
    user = request.user
    if not (project.is_key and has_model_permission(user, "view", ServiceTeam)):
        return None
    team = selectors.team_of(user=user, project=project)
    members = list(selectors.members_of(user=user, team=team)) if team else []
    instructions = []
    if has_model_permission(user, "view", Instruction):
        instructions = list(instruction_selectors.instructions_for(user=user, project=project)[:10])
    ended = team is not None and (team.closed_on or project.stage in services.FINAL_STAGES)
    may_edit = (
        has_model_permission(user, "change", ServiceTeam)
        and not ended
        and user.role != Role.LEADER
        and user.scope in services.LEVEL_RULES[team.level if team else TeamLevel.COUNTY].set_by
    )
    actions = []
    if may_edit:
        label = "调整团队" if team else "组建服务团队"
        actions.append(page_panels.Action(label, reverse("service:team-edit", args=[project.pk])))
        if team and has_model_permission(user, "add", TeamMember):
            actions.append(
                page_panels.Action("增加成员", reverse("service:member-add", args=[project.pk]))
            )
    if user.role == Role.LEADER and has_model_permission(user, "add", Instruction):
        actions.append(
            page_panels.Action("作出批示", reverse("service:instruction-create", args=[project.pk]))
        )
    body = render_to_string(
        "service/teams/panel.html",
        {
            "project": project,
            "team": team,
            "members": members,
            "instructions": instructions,
            "ended": ended,
            "may_edit": may_edit,
        },
        request=request,
    )
    badge = "顶格" if team and team.is_top_level else ("已结束" if ended else "")
    return page_panels.Panel(title="五个一服务团队", body=body, actions=actions, badge=badge)
