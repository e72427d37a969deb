"""五个一: the written plan, milestones and progress updates, as small htmx dialogs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from zhaoshang.core import htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.htmx import submitted

from .. import selectors
from ..forms import MilestoneCompleteForm, MilestoneForm, PlanForm, ProgressForm
from ..models import Milestone, ProgressUpdate, Project, ProjectPlan
from ..services import milestone_complete, milestone_create, plan_save, progress_add
from .common import project_trail, require_all


def _detail_url(project: Project, anchor: str) -> str:
    return reverse("projects:detail", args=[project.pk]) + f"#{anchor}"


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """编写或修改项目推进方案（一套方案）。"""
    require_all(request.user, [("add", ProjectPlan), ("change", ProjectPlan)])
    project = selectors.project_get(user=request.user, pk=pk)
    plan = ProjectPlan.objects.restrict(request.user, "view").filter(project=project).first()
    back = _detail_url(project, "plan")
    form = PlanForm(
        request.POST or None,
        initial={"content": plan.content if plan else ""},
        version=version_of(plan),
    )

    def write() -> str:
        plan_save(
            actor=request.user,
            project=project,
            content=form.cleaned_data["content"],
            version=form.cleaned_data["version"],
        )
        return "推进方案已保存"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "projects/dialogs/plan.html",
        {"form": form, "project": project},
        title=f"推进方案：{project.name}",
        back_url=back,
        breadcrumbs=project_trail(project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """新增推进节点（计划完成日期）。"""
    require_all(request.user, [("add", Milestone)])
    project = selectors.project_get(user=request.user, pk=pk)
    back = _detail_url(project, "milestones")
    form = MilestoneForm(request.POST or None)

    def write() -> str:
        milestone_create(actor=request.user, project=project, **form.cleaned_data)
        return f"已新增节点“{form.cleaned_data['title']}”"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "projects/dialogs/milestone.html",
        {"form": form, "project": project},
        title=f"新增推进节点：{project.name}",
        back_url=back,
        breadcrumbs=project_trail(project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """登记推进节点的实际完成日期。"""
    require_all(request.user, [("change", Milestone)])
    milestone = get_object_or_404(
        Milestone.objects.restrict(request.user, "change").select_related("project"), pk=pk
    )
    back = _detail_url(milestone.project, "milestones")
    form = MilestoneCompleteForm(request.POST or None, version=version_of(milestone))

    def write() -> str:
        milestone_complete(
            actor=request.user,
            milestone=milestone,
            done_on=form.cleaned_data["done_on"],
            version=form.cleaned_data["version"],
        )
        return f"节点“{milestone.title}”已完成"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "projects/dialogs/milestone_complete.html",
        {"form": form, "project": milestone.project, "milestone": milestone},
        title=f"完成节点：{milestone.title}",
        back_url=back,
        breadcrumbs=project_trail(milestone.project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def progress_create(request: HttpRequest, pk: int) -> HttpResponse:
    """填写项目进展，可附现场照片。"""
    require_all(request.user, [("add", ProgressUpdate)])
    project = selectors.project_get(user=request.user, pk=pk)
    back = _detail_url(project, "progress")
    form = ProgressForm(request.POST or None, request.FILES or None)

    def write() -> str:
        progress_add(actor=request.user, project=project, **form.service_kwargs())
        return "项目进展已记录"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "projects/dialogs/progress.html",
        {"form": form, "project": project},
        title=f"填写进展：{project.name}",
        back_url=back,
        breadcrumbs=project_trail(project),
    )
