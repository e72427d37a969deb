"""Funds in place: entry with evidence, the list, and the city's verification queue.

Maker-checker: the queue never shows a user their own entries, and the service refuses a
decision on one's own entry even when it is posted directly.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.accounts.models import Unit
from zhaoshang.core import htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.converters import parse_id
from zhaoshang.core.permissions import Scope, require_perm

from .. import selectors
from ..figures import funds_of_records, verified_funds_by_project
from ..forms import (
    BootstrapFormMixin,
    FundsEditForm,
    FundsForm,
    FundsWithdrawForm,
    RejectForm,
    discard_kept_files,
    keep_chosen_files,
)
from ..models import FUNDS_DEAD, FundsRecord, FundsSource, FundsStatus, Project
from ..services import (
    funds_correct,
    funds_reject,
    funds_resubmit,
    funds_submit,
    funds_verify,
    funds_withdraw,
)
from ..services.funds import is_submitting_side
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
QUEUE_PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def funds_create(request: HttpRequest, pk: int) -> HttpResponse:
    """填报某月到位资金（须附银行进账单或验资报告），提交后待市级核实。"""
    require_all(request.user, [("view", Project), ("add", FundsRecord)])
    project = selectors.project_get(user=request.user, pk=pk)
    detail_url = reverse("projects:detail", args=[project.pk])
    if request.method == "POST":
        form = FundsForm(request.POST, request.FILES, user=request.user, project=project)
        if form.is_valid():
            try:
                record = funds_submit(actor=request.user, project=project, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                discard_kept_files(form, owner=request.user)
                messages.success(
                    request, f"已填报 {record.period_label} 到位资金，待市级核实后计入统计"
                )
                return done(request, detail_url)
        keep_chosen_files(form, owner=request.user)  # sent back: the chosen files stay chosen
    else:
        form = FundsForm(user=request.user, project=project)
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
    """市级核实队列：他人填报、待核实的到位资金，按单位、月份、超总投资筛选，分页。"""
    require_perm(request.user, "projects.verify_fundsrecord")
    filterset = selectors.verification_queue(user=request.user, filters=request.GET)
    if filterset.is_bound:
        filterset.is_valid()
    page = Paginator(filterset.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    _add_live_totals(page.object_list)
    context = {
        "page": page,
        "filter": filterset,
        "params": request.GET,
        "units": Unit.objects.restrict(request.user, "view"),
        "months": _queue_months(request.user),
        "total_count": selectors.verification_queue_count(user=request.user),
        "back": request.GET.urlencode(),
    }
    template = (
        "projects/partials/verify_results.html"
        if is_partial(request, "queue-results")
        else "projects/verify_queue.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _queue_months(user: Any) -> list[dt.date]:
    """The months the user's queue holds records of, newest first (the 月份 filter's choices)."""
    rows = selectors.verification_queue(user=user).queryset
    return list(rows.order_by("-period").values_list("period", flat=True).distinct()[:60])


def _add_live_totals(records: Any) -> None:
    """Per row: the project's submitted plus verified funds (to spot inflation)."""
    records = list(records)
    ids = {r.project_id for r in records}
    live = dict(
        FundsRecord.objects.filter(project_id__in=ids)
        .exclude(status__in=FUNDS_DEAD)
        .order_by()
        .values_list("project_id")
        .annotate(live=Sum("amount_wan"))
    )
    for record in records:
        record.project_live_wan = live.get(record.project_id, Decimal("0"))


def amount_text(amount: Decimal) -> str:
    """万元 with thousands separators, decimals only when there are any: 5000 → "5,000"."""
    amount = amount.quantize(Decimal("0.01"))
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def record_label(record: FundsRecord) -> str:
    """What a decision is about: "临清·高端轴承基地 2024-10 5,000万元"."""
    project = record.project
    return (
        f"{project.unit.short_name}·{project.name} {record.period_label} "
        f"{amount_text(record.amount_wan)}万元"
    )


class VerifyForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="核实说明（可不填）", max_length=300, required=False)


def _decision_target(request: HttpRequest, pk: int) -> FundsRecord:
    require_perm(request.user, "projects.verify_fundsrecord")
    qs = FundsRecord.objects.restrict(request.user, "view").select_related(
        "project", "project__unit", "submitted_by"
    )
    return get_object_or_404(qs, pk=pk)


def _queue_params(request: HttpRequest) -> QueryDict:
    """The queue's filters the dialog was opened from (its `back` parameter)."""
    return QueryDict(request.GET.get("back", "")[:1000])


def _queue_url(request: HttpRequest) -> str:
    params = _queue_params(request).urlencode()
    return reverse("projects:verify-queue") + (f"?{params}" if params else "")


def _decided(request: HttpRequest, record: FundsRecord, message: str) -> HttpResponse:
    """After a decision (or on finding the record decided already): without htmx back to the
    queue; with htmx the row is removed in place, the counts and a status line updated, and
    the dialog closed."""
    if not getattr(request, "htmx", None):
        messages.success(request, message)
        return redirect(_queue_url(request))
    filterset = selectors.verification_queue(user=request.user, filters=_queue_params(request))
    context = {
        "record": record,
        "message": message,
        "total_count": selectors.verification_queue_count(user=request.user),
        "shown_count": filterset.qs.count() if filterset.is_valid() else None,
    }
    response = render(request, "projects/partials/verify_decided.html", context)
    response["HX-Trigger"] = json.dumps({"zhaoshang:close-modal": True, "queue:decided": record.pk})
    return response


def _decision_dialog(
    request: HttpRequest,
    record: FundsRecord,
    form: forms.Form,
    *,
    template: str,
    title: str,
) -> HttpResponse:
    verified = verified_funds_by_project({record.project_id}).get(record.project_id, Decimal("0"))
    context = {
        "form": form,
        "record": record,
        "label": record_label(record),
        "project_verified_wan": verified,
        "over_cap": verified + record.amount_wan > record.project.total_investment_wan,
        "evidence": record.evidence.all(),
    }
    return htmx.render_dialog(
        request,
        template,
        context,
        title=title,
        back_url=_queue_url(request),
        breadcrumbs=[("到位资金核实", _queue_url(request))],
    )


def _refused(request: HttpRequest, record: FundsRecord, form: forms.Form, exc: ValidationError):
    """A decision the service refused: the reasons on the dialog (or as messages without
    htmx). A record someone else decided meanwhile also leaves the queue."""
    current = FundsRecord.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    if not getattr(request, "htmx", None):
        for message in exc.messages:
            messages.error(request, f"{record_label(record)}：{message}")
        return redirect(_queue_url(request))
    apply_service_errors(form, exc)
    if current != FundsStatus.SUBMITTED:
        return _decided(request, record, f"{record_label(record)}：{exc.messages[0]}")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def funds_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """核实一条到位资金记录（不能核实本人填报的记录）：对话框写明核实的单位、项目、月份和金额。"""
    record = _decision_target(request, pk)
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            funds_verify(actor=request.user, record=record, note=form.cleaned_data["note"])
        except ValidationError as exc:
            refused = _refused(request, record, form, exc)
            if refused is not None:
                return refused
        else:
            return _decided(request, record, f"已核实：{record_label(record)}")
    return _decision_dialog(
        request, record, form, template="projects/dialogs/verify.html", title="核实到位资金"
    )


@login_required
@require_http_methods(["GET", "POST"])
def funds_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    """退回一条到位资金记录，必须说明原因。"""
    record = _decision_target(request, pk)
    form = RejectForm(request.POST if request.method == "POST" else None)
    form.fields["reason"].error_messages["required"] = "退回必须说明原因"
    if request.method == "POST" and not form.is_valid() and not getattr(request, "htmx", None):
        messages.error(request, f"{record_label(record)}：退回必须说明原因")
        return redirect(_queue_url(request))
    if request.method == "POST" and form.is_valid():
        try:
            funds_reject(actor=request.user, record=record, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            refused = _refused(request, record, form, exc)
            if refused is not None:
                return refused
        else:
            return _decided(request, record, f"已退回：{record_label(record)}")
    return _decision_dialog(
        request, record, form, template="projects/dialogs/verify_reject.html", title="退回到位资金"
    )


# --- the submitting unit: withdraw, correct, resubmit --------------------------------------------


def _own_target(request: HttpRequest, pk: int) -> FundsRecord:
    """A funds record the user may see and change (the service checks unit and status)."""
    require_all(request.user, [("view", FundsRecord), ("change", FundsRecord)])
    qs = FundsRecord.objects.restrict(request.user, "view").select_related(
        "project", "project__unit"
    )
    record = get_object_or_404(qs, pk=pk)
    if not is_submitting_side(request.user, record):
        raise PermissionDenied("只有填报单位可以修改、撤回或重新提交该记录")
    return record


def _back(request: HttpRequest, record: FundsRecord) -> str:
    """Where the dialog returns: the page it was opened from (`next`), else the project's funds."""
    target = request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return reverse("projects:detail", args=[record.project_id]) + "#funds"


@login_required
@require_http_methods(["GET", "POST"])
def funds_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改待核实的到位资金记录，或修改后重新提交已退回的记录（回到市级核实队列）。"""
    record = _own_target(request, pk)
    back = _back(request, record)
    resubmit = record.status == FundsStatus.REJECTED
    verb = "重新提交" if resubmit else "修改"
    if request.method == "POST":
        form = FundsEditForm(
            request.POST, request.FILES, user=request.user, record=record,
            version=version_of(record),
        )  # fmt: skip
        if form.is_valid():
            service = funds_resubmit if resubmit else funds_correct
            try:
                record = service(actor=request.user, record=record, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                discard_kept_files(form, owner=request.user)
                messages.success(
                    request,
                    f"已{verb} {record.period_label} 到位资金（{amount_text(record.amount_wan)}"
                    "万元），待市级核实后计入统计",
                )
                return done(request, back)
        keep_chosen_files(form, owner=request.user)  # sent back: the chosen files stay chosen
    else:
        form = FundsEditForm(user=request.user, record=record, version=version_of(record))
    return htmx.render_dialog(
        request,
        "projects/dialogs/funds_edit.html",
        {
            "form": form,
            "project": record.project,
            "record": record,
            "resubmit": resubmit,
            "evidence": record.evidence.order_by("uploaded_at", "id"),
        },
        title=f"{verb}到位资金：{record.project.name} {record.period_label}",
        back_url=back,
        breadcrumbs=project_trail(record.project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def funds_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回待核实的到位资金记录：退出核实队列和统计，记录保留为“已撤回”。"""
    record = _own_target(request, pk)
    back = _back(request, record)
    label = record_label(record)
    if request.method == "POST":
        form = FundsWithdrawForm(request.POST, version=version_of(record))
        if form.is_valid():
            try:
                funds_withdraw(
                    actor=request.user,
                    record=record,
                    version=form.cleaned_data.get("version") or "",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已撤回：{label}")
                return done(request, back)
    else:
        form = FundsWithdrawForm(version=version_of(record))
    return htmx.render_dialog(
        request,
        "projects/dialogs/funds_withdraw.html",
        {"form": form, "record": record, "label": label},
        title="撤回到位资金",
        back_url=back,
        breadcrumbs=project_trail(record.project),
    )
