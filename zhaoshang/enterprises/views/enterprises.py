"""Enterprise library pages: list with filters and Excel export, the full record, forms.

Writes go through `enterprises.services`, whose field errors (统一社会信用代码 check digit,
unknown division code …) are shown at the field they concern; nothing is saved on error.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.core import audit
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import CountedPaginator, render_dialog, submitted
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.core.views import changed_fields

from .. import exports
from ..filters import EnterpriseFilter, enterprise_page
from ..forms import EnterpriseFilterForm, EnterpriseForm
from ..importing.parsing import industry_label
from ..models import (
    Contact,
    Enterprise,
    ImportJob,
    Placement,
    PlacementSource,
    Relation,
    Signal,
    TargetEntry,
)
from ..selectors import (
    contacts_for,
    division_label,
    enterprise_get,
    enterprise_projects,
    enterprises_for,
    placements_for,
    relations_for,
    signals_for,
    target_entries_for,
)
from ..services import (
    can_reveal_contacts,
    enterprise_contact_rules_set,
    enterprise_create,
    enterprise_update,
    is_curator,
    may_set_contact_rules,
)
from .common import apply_service_errors

PAGE_SIZE = 30
HISTORY_SHOWN = 20

_DENIED = {
    "view": "您的角色不能查看企业库",
    "add": "您的角色不能新增企业",
    "change": "您的角色不能修改企业信息",
}


def _require(user: Any, action: str) -> None:
    if not has_model_permission(user, action, Enterprise):
        raise PermissionDenied(_DENIED[action])


def _filtered(request: HttpRequest) -> tuple[EnterpriseFilterForm, EnterpriseFilter]:
    """The page's form (its widgets and choices) and the filter set that reads the same query
    string for the list, the export and the API."""
    form = EnterpriseFilterForm(request.GET or None)
    filterset = EnterpriseFilter(request.GET or None, queryset=enterprises_for(user=request.user))
    return form, filterset


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, "view")
    form = EnterpriseFilterForm(request.GET or None)
    found, count = enterprise_page(request.GET or None, user=request.user, page_size=PAGE_SIZE)
    page = CountedPaginator(found, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    rows = [{"enterprise": e, "division": division_label(e.division_code)} for e in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "querystring": query.urlencode(),
            "can_add": has_model_permission(request.user, "add", Enterprise),
            "can_import": has_model_permission(request.user, "add", ImportJob)
            and has_model_permission(request.user, "add", Enterprise)
            and has_model_permission(request.user, "change", Enterprise),
            "can_view_targets": has_model_permission(request.user, "view", TargetEntry),
        },
    )


@login_required
@require_GET
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """Excel of exactly the filtered enterprises; contacts' phone numbers masked; audited."""
    _require(request.user, "view")
    _form, filterset = _filtered(request)
    qs = filterset.qs
    total = qs.count()
    if total > exports.EXPORT_MAX:
        messages.error(
            request,
            f"筛选结果共 {total:,} 家，超过单次导出上限 {exports.EXPORT_MAX:,} 家，请缩小范围后再导出。",
        )
        return redirect(f"{reverse('enterprises:list')}?{request.GET.urlencode()}")
    content, count = exports.enterprises_workbook(qs)
    used = {
        key: [tag.code for tag in value] if key == "tag" else value
        for key, value in (filterset.form.cleaned_data if filterset.is_valid() else {}).items()
        if value not in ("", None) and not (key == "tag" and not value)
    }
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        note=json.dumps(
            {"filters": used},
            ensure_ascii=False,
            sort_keys=True,
        ),
        object_repr=f"企业库导出（{count} 条）",
    )
    return exports.xlsx_response(content, "企业库")


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "view")
    user = request.user
    enterprise = enterprise_get(user=user, pk=pk)
    history = [
        {"entry": entry, "changes": changed_fields(entry)}
        for entry in audit.history_for(enterprise).select_related("content_type")[:HISTORY_SHOWN]
    ]
    today = timezone.localdate()
    placements = list(placements_for(user=user, enterprise=enterprise))
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "division": division_label(enterprise.division_code),
            "native_division": division_label(enterprise.founder_native_code),
            "industry": industry_label(enterprise.industry_code),
            "projects": enterprise_projects(user=user, enterprise=enterprise),
            "history": history,
            "placements": placements,
            "manual": PlacementSource.MANUAL,
            "contacts": contacts_for(user=user, enterprise=enterprise),
            "relations": relations_for(user=user, enterprise=enterprise),
            "signals": signals_for(user=user, enterprise=enterprise, today=today),
            "subsidiaries": Enterprise.objects.restrict(user, "view")
            .filter(parent=enterprise)
            .order_by("name")[:50],
            "targets": target_entries_for(user=user, filters={"enterprise": enterprise}),
            "today": today,
            "can_change": has_model_permission(user, "change", Enterprise),
            "can_reveal_contacts": can_reveal_contacts(user),
            "can_view_contacts": has_model_permission(user, "view", Contact),
            "can_add_contact": has_model_permission(user, "add", Contact),
            "can_change_contact": has_model_permission(user, "change", Contact),
            "can_view_relations": has_model_permission(user, "view", Relation),
            "can_add_relation": has_model_permission(user, "add", Relation),
            "can_delete_relation": has_model_permission(user, "delete", Relation),
            "can_view_signals": has_model_permission(user, "view", Signal),
            "can_add_signal": has_model_permission(user, "add", Signal),
            "can_delete_signal": has_model_permission(user, "delete", Signal),
            "can_view_placements": has_model_permission(user, "view", Placement),
            "can_decide_placement": has_model_permission(user, "add", Placement)
            and has_model_permission(user, "change", Placement),
            "can_view_targets": has_model_permission(user, "view", TargetEntry),
            "can_add_target": is_curator(user),
            "can_set_contact_rules": may_set_contact_rules(user),
        },
    )


def _fields(form: EnterpriseForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "uscc": data["uscc"],
        "division_code": data["division_code"],
        "country": data["country"],
        "address": data["address"],
        "tags": list(data["tags"]),
        "legal_representative": data["legal_representative"],
        "registered_capital_wan": data["registered_capital_wan"],
        "founded_on": data["founded_on"],
        "industry_code": data["industry_code"],
        "business_scope": data["business_scope"],
        "revenue_band": data["revenue_band"],
        "staff_band": data["staff_band"],
        "annual_output_wan": data["annual_output_wan"],
        "founder_native_code": data["founder_native_code"],
        "group_name": data["group_name"],
        "parent": data["parent_uscc"],
    }


_ALIASES = {"parent": "parent_uscc"}


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, "add")
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(actor=request.user, **_fields(form))
        except ValidationError as exc:
            apply_service_errors(form, exc, _ALIASES)
        else:
            messages.success(request, f"已登记企业：{enterprise.name}")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, **_form_divisions(form)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "change")
    enterprise = enterprise_get(user=request.user, pk=pk, action="change")
    form = EnterpriseForm(
        request.POST or None,
        initial=EnterpriseForm.initial_for(enterprise),
        version=version_of(enterprise),
    )
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                version=form.cleaned_data["version"],
                **_fields(form),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, _ALIASES)
        else:
            messages.success(request, f"已保存：{enterprise.name}")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, "enterprise": enterprise, **_form_divisions(form)},
    )


def _form_divisions(form: EnterpriseForm) -> dict[str, str]:
    def label(name: str) -> str:
        code = form.data.get(name) if form.is_bound else form.initial.get(name)
        return division_label((code or "").strip())

    return {"division": label("division_code"), "native_division": label("founder_native_code")}


@login_required
@require_GET
def division_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the name of the division code being typed, or why it is not valid."""
    _require(request.user, "view")
    field = "founder_native_code" if "founder_native_code" in request.GET else "division_code"
    code = request.GET.get(field, "").strip()
    return render(
        request,
        "enterprises/_division.html",
        {
            "code": code,
            "division": division_label(code),
            "target_id": "native-name" if field == "founder_native_code" else "division-name",
        },
    )


class ContactRulesForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    do_not_disturb = forms.BooleanField(
        label="请勿打扰", required=False,
        help_text="各单位登记拜访该企业时将收到提醒，须确认后才能保存",
    )  # fmt: skip
    contact_preference = forms.CharField(
        label="联系偏好", max_length=200, required=False,
        help_text="如：请先联系市投资促进局；只接受书面预约",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_contact_rules(request: HttpRequest, pk: int) -> HttpResponse:
    """请勿打扰与联系偏好（市投资促进局设置，留痕）。"""
    _require(request.user, "change")
    if not may_set_contact_rules(request.user):
        raise PermissionDenied("只有市投资促进局可以设置请勿打扰和联系偏好")
    enterprise = enterprise_get(user=request.user, pk=pk, action="change")
    back = reverse("enterprises:detail", args=[enterprise.pk])
    form = ContactRulesForm(
        request.POST or None,
        initial={
            "do_not_disturb": enterprise.do_not_disturb,
            "contact_preference": enterprise.contact_preference,
        },
        version=version_of(enterprise),
    )

    def write() -> str:
        data = form.cleaned_data
        enterprise_contact_rules_set(
            actor=request.user, enterprise=enterprise, version=data.get("version"),
            do_not_disturb=data["do_not_disturb"], contact_preference=data["contact_preference"],
        )  # fmt: skip
        return f"已保存：{enterprise.name}的请勿打扰与联系偏好"

    if response := submitted(request, form, write, back_url=back):
        return response
    return render_dialog(
        request, "core/dialogs/form.html", {"form": form}, title=f"请勿打扰：{enterprise.name}",
        back_url=back, breadcrumbs=[("企业库", reverse("enterprises:list")),
                                    (enterprise.name, back)],
    )  # fmt: skip
