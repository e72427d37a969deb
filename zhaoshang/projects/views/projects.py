"""Project list (filters, sorting, pages, Excel export), detail, and the create and edit forms."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.accounts.models import Unit
from zhaoshang.core import audit
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.converters import parse_id
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Direction, Industry
from zhaoshang.projects.models import Campaign

from .. import exports, page_panels, selectors, timeline
from ..figures import is_pending, is_verified
from ..filters import ProjectFilter
from ..forms import ProjectForm
from ..models import (
    OVER_100M_WAN,
    STAGE_ORDER,
    AttractionMode,
    Evidence,
    FundsRecord,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectPlan,
    Stage,
    StageChange,
)
from ..services import duplicate_candidates, project_create, project_update
from ..stage_rules import FUNDS_STAGES
from .common import CountedPaginator, apply_service_errors, is_partial, require_model_permission
from .history import history_rows

PAGE_SIZE = 50

# Sortable columns of the list: ordering key (ProjectFilter's `ordering`) → header.
SORTABLE = {
    "name": "项目名称",
    "stage": "阶段",
    "total_investment_wan": "总投资",
    "signed_on": "签约日期",
    "started_on": "开工日期",
    "created": "录入时间",
}


def _sort_headers(ordering: str) -> list[dict[str, str]]:
    """Each sortable column with the ordering its header link sets and its current state."""
    headers = []
    for key, label in SORTABLE.items():
        if ordering == key:
            state, next_value = "ascending", f"-{key}"
        elif ordering == f"-{key}":
            state, next_value = "descending", key
        else:
            state, next_value = "", key if key in ("name", "stage") else f"-{key}"
        headers.append({"key": key, "label": label, "state": state, "next": next_value})
    return headers


_MORE_FILTERS = (
    "industry",
    "direction",
    "attraction_mode",
    "campaign",
    "is_out_of_province",
    "is_top500",
    "signed_on_after",
    "signed_on_before",
    "started_on_after",
    "started_on_before",
    "min_investment",
)


def _filter_context(request: HttpRequest) -> dict[str, Any]:
    """What the filter form needs: the bound filter form (for its errors) and the choices."""
    filterset = ProjectFilter(request.GET or None, queryset=Project.objects.none())
    form = filterset.form
    if request.GET:
        form.is_valid()
    params = request.GET
    return {
        "filter_form": form,
        "params": params,
        "sort_headers": _sort_headers(params.get("ordering", "")),
        "stages": Stage.choices,
        "selected_stages": params.getlist("stage"),
        "modes": AttractionMode.choices,
        "units": Unit.objects.restrict(request.user, "view"),
        "show_unit_filter": request.user.scope == Scope.ALL,
        "industries": Industry.objects.all(),
        "directions": Direction.objects.select_related("industry"),
        "campaigns": Campaign.objects.all(),
        "more_filters_open": any(params.get(k) for k in _MORE_FILTERS),
        "filters_active": any(
            v for k, values in params.lists() if k not in ("page", "ordering") for v in values
        ),
    }


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """招商项目列表：按单位、阶段、产业等筛选，排序、分页，统计数与总投资。"""
    require_model_permission(request.user, "view", Project)
    qs, figures = selectors.project_list(
        user=request.user, filters=request.GET, page_size=PAGE_SIZE
    )
    page = CountedPaginator(qs, PAGE_SIZE, count=figures["projects_total"]).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "figures": figures,
        "can_add": has_model_permission(request.user, "add", Project),
        **_filter_context(request),
    }
    template = (
        "projects/partials/project_results.html"
        if is_partial(request, "project-results")
        else "projects/project_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@require_GET
def project_export(request: HttpRequest) -> HttpResponse:
    """Excel of exactly the filtered projects; the export itself is written to the audit log."""
    require_model_permission(request.user, "view", Project)
    qs = selectors.projects_for(user=request.user, filters=request.GET)
    filters = {k: v if len(v) > 1 else v[0] for k, v in request.GET.lists() if any(v)}
    content, count = exports.projects_workbook(qs)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        note=json.dumps(filters, ensure_ascii=False, sort_keys=True),
        object_repr=f"招商项目导出（{count} 条）",
    )
    return exports.xlsx_response(content, "招商项目")


@login_required
@require_GET
def investor_search(request: HttpRequest) -> HttpResponse:
    """Enterprises matching a name or 统一社会信用代码, as checkboxes for the project form."""
    require_model_permission(request.user, "view", Enterprise)
    query = request.GET.get("investor_q", "")
    chosen = [pk for v in request.GET.getlist("investors") if (pk := parse_id(v)) is not None]
    return render(
        request,
        "projects/partials/investor_options.html",
        {"results": _search_enterprises(request.user, query, exclude=chosen), "query": query},
    )


def _search_enterprises(user: Any, text: str, exclude: Iterable[Any] = ()) -> list[Enterprise]:
    """Up to 20 enterprises whose name contains `text` or whose 统一社会信用代码 is `text`."""
    text = text.strip()
    if len(text) < 2:
        return []
    qs = Enterprise.objects.restrict(user, "view").prefetch_related("tags").exclude(pk__in=exclude)
    return list(qs.filter(Q(name__icontains=text) | Q(uscc=text.upper())).order_by("name")[:20])


def _form_context(request: HttpRequest, form: ProjectForm) -> dict[str, Any]:
    search = request.POST.get("investor_q", "") if request.method == "POST" else ""
    selected = form.selected_investors()
    return {
        "form": form,
        "selected_investors": selected,
        "investor_q": search,
        "investor_results": _search_enterprises(request.user, search, [e.pk for e in selected]),
        "show_duplicate_reason": bool(form.duplicates or form["duplicate_reason"].value()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_create_view(request: HttpRequest) -> HttpResponse:
    """登记新项目（线索阶段）；疑似重复时列出其他单位的项目并要求填写理由。"""
    require_model_permission(request.user, "add", Project)
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and "_search" not in request.POST and form.is_valid():
        kwargs = form.service_kwargs()
        investors = list(form.cleaned_data["investors"])
        try:
            project = project_create(
                actor=request.user,
                investors=investors,
                duplicate_reason=form.cleaned_data.get("duplicate_reason") or "",
                lead_on=form.cleaned_data["lead_on"],
                **kwargs,
            )
        except ValidationError as exc:
            if "duplicate_reason" in getattr(exc, "error_dict", {}):
                form.duplicates = duplicate_candidates(
                    name=kwargs["name"], investors=investors, unit_id=kwargs["unit"].pk
                )
                form.fields["duplicate_reason"].widget.attrs["required"] = "required"
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已登记项目“{project.name}”")
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {**_form_context(request, form), "title": "登记招商项目"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改项目信息；所属单位、投资方变更后派生标识随之重算。"""
    require_model_permission(request.user, "change", Project)
    project = selectors.project_get(user=request.user, pk=pk, action="change")
    form = ProjectForm(
        request.POST or None, user=request.user, project=project, version=version_of(project)
    )
    if request.method == "POST" and "_search" not in request.POST and form.is_valid():
        try:
            project_update(
                actor=request.user,
                project=project,
                investors=list(form.cleaned_data["investors"]),
                version=form.cleaned_data["version"],
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            project.refresh_from_db()
        else:
            messages.success(request, "项目信息已保存")
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {**_form_context(request, form), "title": f"修改项目：{project.name}", "project": project},
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """项目详情：派生标识、阶段记录、到位资金与图表、五个一方案、节点、进展、变更记录。"""
    require_model_permission(request.user, "view", Project)
    user = request.user
    project = selectors.project_get(user=user, pk=pk)
    evidence = Evidence.objects.restrict(user, "view").order_by("uploaded_at", "id")
    stage_changes = (
        StageChange.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("actor")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("on", "id")
    )
    funds = list(
        FundsRecord.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("submitted_by", "verified_by")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("period", "id")
    )
    verified_by_month: dict[str, Decimal] = OrderedDict()
    for record in funds:
        if is_verified(record):
            key = record.period_label
            verified_by_month[key] = verified_by_month.get(key, Decimal("0")) + record.amount_wan
    verified_total = sum(verified_by_month.values(), Decimal("0"))
    pending_total = sum((r.amount_wan for r in funds if is_pending(r)), Decimal("0"))
    plan = ProjectPlan.objects.restrict(user, "view").filter(project=project).first()
    milestones = list(Milestone.objects.restrict(user, "view").filter(project=project))
    progress = (
        ProgressUpdate.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("actor")
        .prefetch_related(Prefetch("photos", queryset=evidence))
    )
    perms = _actions(user, project)
    # The stage log and the events other apps contribute (joint reviews …), in date order.
    timeline_rows = [{"on": c.on, "change": c} for c in stage_changes]
    timeline_rows += [
        {"on": e.on, "event": e} for e in timeline.events_for(project=project, user=user)
    ]
    timeline_rows.sort(key=lambda row: row["on"])
    context = {
        "project": project,
        "investors": project.investors.prefetch_related("tags").order_by("name"),
        "stage_changes": stage_changes,
        "timeline_rows": timeline_rows,
        "stage_path": _stage_path(project),
        "funds": funds,
        "verified_by_month": list(verified_by_month.items()),
        "chart_data": {
            "months": list(verified_by_month.keys()),
            "amounts": [str(v) for v in verified_by_month.values()],
        },
        "verified_total": verified_total,
        "pending_total": pending_total,
        "funds_ratio": (
            (verified_total / project.total_investment_wan * 100)
            if project.total_investment_wan
            else None
        ),
        "plan": plan,
        "milestones": milestones,
        "milestones_overdue": sum(1 for m in milestones if m.is_overdue),
        "progress": progress,
        "history": history_rows(project, limit=50),
        "over_100m_wan": OVER_100M_WAN,
        "page_panels": page_panels.panels_for(request, project),
        **perms,
    }
    return render(request, "projects/project_detail.html", context)


def _actions(user: Any, project: Project) -> dict[str, bool]:
    """Which buttons to show: only the actions the user may actually take."""
    can_change = has_model_permission(user, "change", Project)
    return {
        "can_edit": can_change,
        "can_stage": can_change and has_model_permission(user, "add", StageChange),
        "can_add_funds": has_model_permission(user, "add", FundsRecord)
        and project.stage in FUNDS_STAGES,
        "can_plan": has_model_permission(user, "add", ProjectPlan)
        and has_model_permission(user, "change", ProjectPlan),
        "can_add_milestone": has_model_permission(user, "add", Milestone),
        "can_complete_milestone": has_model_permission(user, "change", Milestone),
        "can_add_progress": has_model_permission(user, "add", ProgressUpdate),
    }


def _stage_path(project: Project) -> list[dict[str, Any]]:
    """The five forward stages with the project's date for each (a progress strip)."""
    dates = {
        Stage.NEGOTIATING: project.negotiating_on,
        Stage.SIGNED: project.signed_on,
        Stage.STARTED: project.started_on,
        Stage.OPERATING: project.operating_on,
    }
    current = project.stage_index
    return [
        {
            "stage": stage.value,
            "label": stage.label,
            "on": dates.get(stage),
            "reached": current >= i,
            "current": project.stage == stage,
        }
        for i, stage in enumerate(STAGE_ORDER)
    ]
