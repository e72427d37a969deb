"""Enterprise registry pages: list with filters, detail with the user's visible projects, forms.

Writes go through `enterprises.services`, whose field errors (统一社会信用代码 check digit,
unknown division code …) are shown at the field they concern; nothing is saved on error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.core import audit
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.core.views import changed_fields
from zhaoshang.geo import divisions

from .forms import EnterpriseFilterForm, EnterpriseForm
from .models import Enterprise
from .selectors import enterprise_get, enterprise_projects, enterprises_for
from .services import enterprise_create, enterprise_update

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


def division_label(code: str) -> str:
    """ "山东省临清市" for 371581; marks abolished codes; "" when empty or unknown."""
    division = divisions.lookup(code) if code else None
    if division is None:
        return ""
    return division.full_name + ("（已撤销的代码）" if division.abolished else "")


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, "view")
    form = EnterpriseFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "tag": data["tag"],
            "local": {"1": True, "0": False}.get(data["local"]),
        }
    paginator = Paginator(enterprises_for(user=request.user, **filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
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
        },
    )


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "view")
    enterprise = enterprise_get(user=request.user, pk=pk)
    history = [
        {"entry": entry, "changes": changed_fields(entry)}
        for entry in audit.history_for(enterprise).select_related("content_type")[:HISTORY_SHOWN]
    ]
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "division": division_label(enterprise.division_code),
            "projects": enterprise_projects(user=request.user, enterprise=enterprise),
            "history": history,
            "can_change": has_model_permission(request.user, "change", Enterprise),
        },
    )


def _apply_errors(form: EnterpriseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _fields(form: EnterpriseForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "uscc": data["uscc"],
        "division_code": data["division_code"],
        "country": data["country"],
        "address": data["address"],
        "tags": list(data["tags"]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, "add")
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(actor=request.user, **_fields(form))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已登记企业：{enterprise.name}")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, "division": _form_division(form)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "change")
    enterprise = enterprise_get(user=request.user, pk=pk, action="change")
    form = EnterpriseForm(request.POST or None, initial=EnterpriseForm.initial_for(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(actor=request.user, enterprise=enterprise, **_fields(form))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已保存：{enterprise.name}")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, "enterprise": enterprise, "division": _form_division(form)},
    )


def _form_division(form: EnterpriseForm) -> str:
    code = form.data.get("division_code") if form.is_bound else form.initial.get("division_code")
    return division_label((code or "").strip())


@login_required
@require_GET
def division_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the name of the division code being typed, or why it is not valid."""
    _require(request.user, "view")
    code = request.GET.get("division_code", "").strip()
    return render(
        request,
        "enterprises/_division.html",
        {"code": code, "division": division_label(code)},
    )
