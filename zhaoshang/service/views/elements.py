"""Pages of 要素保障: the project's element panel (request and allocate, POST only), the overview
of where projects wait for land or energy with each unit's totals against its quotas, and the
city's quota settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.accounts.models import Unit
from zhaoshang.core.converters import parse_id
from zhaoshang.core.htmx import require_model_permission
from zhaoshang.core.periods import statistics_year
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects import page_panels
from zhaoshang.projects.models import Project

from ..models import ElementAllocation, ElementKind, ElementNeed, ElementQuota
from ..selectors import elements as selectors
from ..services import elements as services


class NeedForm(forms.Form):
    kind = forms.ModelChoiceField(label="要素", queryset=ElementKind.objects.all())
    requested_amount = forms.DecimalField(
        label="需求量", max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    requested_on = forms.DateField(label="提出日期")
    note = forms.CharField(label="说明", max_length=300, required=False)


class AllocationForm(forms.Form):
    amount = forms.DecimalField(
        label="配置量", max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    allocated_on = forms.DateField(label="配置日期")
    note = forms.CharField(label="批复文号等", max_length=300, required=False)


def _errors(request: HttpRequest, errors: Any) -> None:
    """A POST-only form's errors become messages on the page it returns to (by field label)."""
    if isinstance(errors, ValidationError):
        texts = errors.messages
    else:
        texts = [m for field_errors in errors.values() for m in field_errors]
    for text in texts:
        messages.error(request, text)


def _back(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk]) + "#panel-elements"


@login_required
@require_POST
def need_request(request: HttpRequest, pk: int) -> HttpResponse:
    """提出（或更正）项目的要素需求。"""
    require_model_permission(request.user, "add", ElementNeed)
    project = get_object_or_404(Project.objects.restrict(request.user, "view"), pk=pk)
    form = NeedForm(request.POST)
    if not form.is_valid():
        _errors(request, form.errors)
        return redirect(_back(project))
    try:
        need = services.need_save(actor=request.user, project=project, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已提出{need.kind.name}需求")
    return redirect(_back(project))


@login_required
@require_POST
def allocation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """配置要素（该要素的配置部门或市级），可分次配置。"""
    require_model_permission(request.user, "add", ElementAllocation)
    need = get_object_or_404(
        ElementNeed.objects.restrict(request.user, "view").select_related("kind", "project"),
        pk=pk,
    )
    form = AllocationForm(request.POST)
    if not form.is_valid():
        _errors(request, form.errors)
        return redirect(_back(need.project))
    try:
        services.allocation_add(actor=request.user, need=need, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已配置{need.kind.name}")
    return redirect(_back(need.project))


@page_panels.register("elements", order=40)
def project_elements_panel(request: HttpRequest, project: Project) -> page_panels.Panel | None:
    user = request.user
    if not has_model_permission(user, "view", ElementNeed):
        return None
    today = timezone.localdate()
    needs = list(selectors.needs_of(user=user, project=project))
    for need in needs:
        need.waiting_days = (today - need.requested_on).days if need.gap else None
        need.may_allocate = (
            need.gap > 0
            and has_model_permission(user, "add", ElementAllocation)
            and services.may_allocate(user, need.kind)
        )
    may_request = has_model_permission(user, "add", ElementNeed) and (
        user.scope == Scope.ALL or user.unit_id == project.unit_id
    )
    if not needs and not may_request:
        return None
    body = render_to_string(
        "service/elements/panel.html",
        {"project": project, "needs": needs, "may_request": may_request, "kinds": selectors.kinds(),
         "today": today},
        request=request,
    )  # fmt: skip
    waiting = sum(1 for n in needs if n.gap)
    return page_panels.Panel(
        title="要素保障",
        body=body,
        badge=f"{waiting} 项待配置" if waiting else "",
        actions=[page_panels.Action("要素保障总览", reverse("service:element-overview"))],
    )


def _year(request: HttpRequest) -> int:
    year = parse_id(request.GET.get("year"))
    return year if year is not None and 2000 <= year <= 2100 else statistics_year()


@login_required
@require_GET
def element_overview(request: HttpRequest) -> HttpResponse:
    """要素保障总览：项目在等哪些要素（需求、已配置、缺口、等待天数，等待最久在前），以及各单位年度指标使用情况。"""
    require_model_permission(request.user, "view", ElementNeed)
    today = timezone.localdate()
    kind = request.GET.get("kind", "")
    kind = kind if kind in {k.code for k in selectors.kinds()} else ""
    year = _year(request)
    context = {
        "waiting": selectors.waiting(user=request.user, as_of=today, kind=kind),
        "rows": selectors.totals(user=request.user, year=year)
        if has_model_permission(request.user, "view", ElementQuota)
        else [],
        "kinds": selectors.kinds(),
        "kind": kind,
        "year": year,
        "years": list(range(today.year - 3, today.year + 2)),
        "may_set_quotas": has_model_permission(request.user, "change", ElementQuota),
    }
    return render(request, "service/elements/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quota_settings(request: HttpRequest) -> HttpResponse:
    """市级设置各单位年度要素指标（用地、能耗……）。"""
    require_model_permission(request.user, "change", ElementQuota)
    require_model_permission(request.user, "add", ElementQuota)
    year = _year(request)
    units = list(Unit.objects.exclude(kind="city"))
    kinds = selectors.kinds()
    quotas = selectors.quotas_for(user=request.user, year=year)
    errors: list[str] = []
    if request.method == "POST":
        wanted = []  # parse every cell first: a bad one saves nothing (all or nothing)
        for unit in units:
            for kind in kinds:
                raw = (request.POST.get(f"q-{unit.pk}-{kind.pk}") or "").strip()
                stored = quotas.get((unit.pk, kind.pk))
                if raw == "" and stored is None:
                    continue
                try:
                    amount = Decimal(raw or "0")
                    services.check_amount(amount, "amount", zero_ok=True)
                except (InvalidOperation, ValidationError):
                    errors.append(f"{unit.short_name} {kind.name}：请填写不超过两位小数的非负数")
                    continue
                if stored is None or stored.amount != amount:
                    wanted.append((unit, kind, amount))
        if not errors:
            with transaction.atomic():
                for unit, kind, amount in wanted:
                    services.quota_set(
                        actor=request.user, unit=unit, year=year, kind=kind, amount=amount
                    )
            messages.success(request, f"{year}年要素指标已保存（{len(wanted)} 项有变化）")
            return redirect(reverse("service:element-quotas") + f"?year={year}")
    grid = [(unit, [(kind, quotas.get((unit.pk, kind.pk))) for kind in kinds]) for unit in units]
    today: dt.date = timezone.localdate()
    return render(
        request,
        "service/elements/quotas.html",
        {
            "year": year,
            "years": list(range(today.year - 3, today.year + 2)),
            "kinds": kinds,
            "grid": grid,
            "errors": errors,
        },
    )
