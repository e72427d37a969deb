"""Funds in place: entry with evidence, the list, and the city's verification queue.

Maker-checker: the queue never shows a user their own entries, and the service refuses a
decision on one's own entry even when it is posted directly.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.accounts.models import Unit
from zhaoshang.core import htmx
from zhaoshang.core.converters import parse_id
from zhaoshang.core.permissions import Scope, require_perm

from .. import selectors
from ..figures import funds_of_records, verified_funds_by_project
from ..forms import FundsForm, RejectForm
from ..models import FundsRecord, FundsSource, FundsStatus, Project
from ..services import funds_reject, funds_submit, funds_verify
from .common import (
    CountedPaginator,
    apply_service_errors,
    done,
    is_partial,
    project_trail,
    require_all,
    require_model_permission,
)

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def funds_create(request: HttpRequest, pk: int) -> HttpResponse:
    """填报某月到位资金（须附银行进账单或验资报告），提交后待市级核实。"""
    require_all(request.user, [("view", Project), ("add", FundsRecord)])
    project = selectors.project_get(user=request.user, pk=pk)
    detail_url = reverse("projects:detail", args=[project.pk])
    if request.method == "POST":
        form = FundsForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                record = funds_submit(actor=request.user, project=project, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"已填报 {record.period_label} 到位资金，待市级核实后计入统计"
                )
                return done(request, detail_url)
    else:
        form = FundsForm(user=request.user)
    return htmx.render_dialog(
        request,
        "projects/dialogs/funds.html",
        {"form": form, "project": project},
        title=f"填报到位资金：{project.name}",
        back_url=detail_url,
        breadcrumbs=project_trail(project),
    )


@login_required
@require_GET
def funds_list(request: HttpRequest) -> HttpResponse:
    """到位资金记录列表：按单位、状态、来源、月份筛选。"""
    require_model_permission(request.user, "view", FundsRecord)
    qs = selectors.funds_for(user=request.user, filters=request.GET).prefetch_related("evidence")
    figures = funds_of_records(qs)
    page = CountedPaginator(qs, PAGE_SIZE, count=figures["count"]).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "figures": figures,
        "units": Unit.objects.restrict(request.user, "view"),
        "show_unit_filter": request.user.scope == Scope.ALL,
        "statuses": FundsStatus.choices,
        "sources": FundsSource.choices,
        "params": request.GET,
        "can_verify": request.user.has_perm("projects.verify_fundsrecord"),
        "only_project": _only_project(request),
    }
    template = (
        "projects/partials/funds_results.html"
        if is_partial(request, "funds-results")
        else "projects/funds_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _only_project(request: HttpRequest) -> Project | None:
    """The project the list is narrowed to (from a project's page), if the user may see it."""
    pk = parse_id(request.GET.get("project"))
    if pk is None:
        return None
    return Project.objects.restrict(request.user, "view").filter(pk=pk).first()


@login_required
@require_GET
def verify_queue(request: HttpRequest) -> HttpResponse:
    """市级核实队列：他人填报、待核实的到位资金，附证明材料。"""
    require_perm(request.user, "projects.verify_fundsrecord")
    records = list(selectors.verification_queue(user=request.user)[:200])
    totals = _project_totals({r.project_id for r in records})
    for record in records:
        verified, live = totals.get(record.project_id, (Decimal("0"), Decimal("0")))
        record.project_verified_wan = verified
        record.project_live_wan = live
        record.exceeds_total = live > record.project.total_investment_wan
    return render(
        request,
        "projects/verify_queue.html",
        {
            "records": records,
            "total_count": selectors.verification_queue(user=request.user).count(),
            "reject_form": RejectForm(),
        },
    )


def _project_totals(project_ids: set[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Per project: verified funds, and submitted plus verified funds (to spot inflation)."""
    if not project_ids:
        return {}
    verified = verified_funds_by_project(project_ids)
    live = (
        FundsRecord.objects.filter(project_id__in=project_ids)
        .exclude(status=FundsStatus.REJECTED)
        .order_by()
        .values_list("project_id")
        .annotate(live=Sum("amount_wan"))
    )
    return {pk: (verified.get(pk, Decimal("0")), total) for pk, total in live}


def _decision_target(request: HttpRequest, pk: int) -> FundsRecord:
    require_perm(request.user, "projects.verify_fundsrecord")
    return get_object_or_404(FundsRecord.objects.restrict(request.user, "view"), pk=pk)


def _back(request: HttpRequest) -> HttpResponse:
    return redirect("projects:verify-queue")


@login_required
@require_POST
def funds_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """核实一条到位资金记录（不能核实本人填报的记录）。"""
    record = _decision_target(request, pk)
    try:
        funds_verify(actor=request.user, record=record, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{record.project.name} {record.period_label}：{message}")
    else:
        messages.success(
            request,
            f"已核实：{record.project.name} {record.period_label} {record.amount_wan:,.2f} 万元",
        )
    return _back(request)


@login_required
@require_POST
def funds_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    """退回一条到位资金记录，必须说明原因。"""
    record = _decision_target(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{record.project.name} {record.period_label}：退回必须说明原因")
        return _back(request)
    try:
        funds_reject(actor=request.user, record=record, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{record.project.name} {record.period_label}：{message}")
    else:
        messages.success(request, f"已退回：{record.project.name} {record.period_label}")
    return _back(request)
