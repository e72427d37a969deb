"""The stage-change dialog: target stage, date, evidence uploads (several files, each a kind)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from zhaoshang.core import htmx

from .. import selectors
from ..forms import StageForm, discard_kept_files, keep_chosen_files, stage_requirements
from ..models import Project, Stage, StageChange
from ..services import project_advance_stage
from .common import apply_service_errors, done, project_trail, require_all


@login_required
@require_http_methods(["GET", "POST"])
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """变更项目阶段。GET 返回对话框（htmx）或整页；POST 带证明材料提交。"""
    require_all(request.user, [("change", Project), ("add", StageChange)])
    project = selectors.project_get(user=request.user, pk=pk, action="change")
    detail_url = reverse("projects:detail", args=[project.pk])
    if request.method == "POST":
        form = StageForm(request.POST, request.FILES, user=request.user, project=project)
        if form.is_valid():
            try:
                change = project_advance_stage(
                    project=project, actor=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                discard_kept_files(form, owner=request.user)
                messages.success(
                    request,
                    f"项目已变更为“{Stage(change.to_stage).label}”（{change.on:%Y-%m-%d}）",
                )
                return done(request, detail_url)
        keep_chosen_files(form, owner=request.user)  # sent back: the chosen files stay chosen
    else:
        initial = {"to": request.GET["to"]} if request.GET.get("to") in Stage.values else {}
        form = StageForm(user=request.user, project=project, initial=initial)
    return htmx.render_dialog(
        request,
        "projects/dialogs/stage.html",
        {"form": form, "project": project, "requirements": stage_requirements()},
        title=f"变更阶段：{project.name}",
        back_url=detail_url,
        breadcrumbs=project_trail(project),
    )
