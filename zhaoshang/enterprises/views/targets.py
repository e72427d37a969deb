"""Key target list (重点目标企业): per year and chain, owner unit, status, next step.

The city curates (adds, re-assigns, removes); a unit sees and updates its own entries — another
unit's entry is a 404. Every write goes through `services.targets`, which audits it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.accounts.models import Unit
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.converters import parse_id
from zhaoshang.core.permissions import has_model_permission

from ..forms import TargetEntryForm, TargetFilterForm
from ..models import TargetEntry
from ..selectors import target_entries_for, target_entry_get
from ..services import (
    is_curator,
    target_entry_create,
    target_entry_delete,
    target_entry_update,
)
from .common import apply_service_errors, require_model

PAGE_SIZE = 50
_ALIASES = {"enterprise": "enterprise_uscc"}


@login_required
@require_GET
def target_list(request: HttpRequest) -> HttpResponse:
    require_model(request.user, "view", TargetEntry, "您的角色不能查看重点目标企业")
    units = Unit.objects.restrict(request.user, "view")
    form = TargetFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = target_entries_for(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprises/target_list.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "can_add": is_curator(request.user),
            "can_change": has_model_permission(request.user, "change", TargetEntry),
            "can_delete": has_model_permission(request.user, "delete", TargetEntry),
        },
    )


def _chain_initial(request: HttpRequest) -> dict[str, int]:
    """The chain and node a gap node's 添加重点目标企业 link names (?direction=&node=).

    A node is kept only when it belongs to the direction named with it (or, alone, sets the
    direction itself); anything unknown is ignored, so a stale link opens an empty form."""
    from zhaoshang.industries.models import ChainNode, Direction

    initial: dict[str, int] = {}
    direction_id = parse_id(request.GET.get("direction"))
    if direction_id is not None and Direction.objects.filter(pk=direction_id).exists():
        initial["direction"] = direction_id
    node_id = parse_id(request.GET.get("node"))
    if node_id is not None:
        node = ChainNode.objects.filter(pk=node_id).only("pk", "direction_id").first()
        if node and initial.get("direction", node.direction_id) == node.direction_id:
            initial["direction"] = node.direction_id
            initial["node"] = node.pk
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest) -> HttpResponse:
    require_model(request.user, "add", TargetEntry, "重点目标企业名单由市级确定")
    initial = {}
    if (enterprise_id := parse_id(request.GET.get("enterprise"))) is not None:
        from ..models import Enterprise

        found = Enterprise.objects.restrict(request.user, "view").filter(pk=enterprise_id).first()
        if found and found.uscc:
            initial["enterprise_uscc"] = found.uscc
    initial.update(_chain_initial(request))
    form = TargetEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = target_entry_create(
                actor=request.user,
                year=data["year"],
                enterprise=data["enterprise_uscc"],
                direction=data["direction"],
                node=data["node"],
                owner_unit=data["owner_unit"],
                status=data["status"],
                next_step=data["next_step"],
                next_step_due=data["next_step_due"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, _ALIASES)
        else:
            messages.success(
                request, f"已列入 {entry.year} 年重点目标企业：{entry.enterprise.name}"
            )
            return redirect("enterprises:targets")
    return render(request, "enterprises/target_form.html", {"form": form, "curator": True})


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_model(request.user, "change", TargetEntry, "您的角色不能修改重点目标企业")
    entry = target_entry_get(user=request.user, pk=pk, action="change")
    curator = is_curator(request.user)
    initial = {
        "year": entry.year,
        "enterprise_uscc": entry.enterprise.uscc or "",
        "direction": entry.direction_id,
        "node": entry.node_id,
        "owner_unit": entry.owner_unit_id,
        "status": entry.status,
        "next_step": entry.next_step,
        "next_step_due": entry.next_step_due,
    }
    form = TargetEntryForm(
        request.POST or None, initial=initial, curator=curator, version=version_of(entry)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if curator:
            data["enterprise"] = data.pop("enterprise_uscc")
        try:
            target_entry_update(actor=request.user, entry=entry, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc, _ALIASES)
        except PermissionDenied:
            raise
        else:
            messages.success(request, f"已更新：{entry.enterprise.name}")
            return redirect(reverse("enterprises:targets") + f"#target-{entry.pk}")
    return render(
        request,
        "enterprises/target_form.html",
        {"form": form, "entry": entry, "curator": curator},
    )


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_model(request.user, "delete", TargetEntry, "重点目标企业名单由市级确定")
    entry = target_entry_get(user=request.user, pk=pk, action="delete")
    name = entry.enterprise.name
    target_entry_delete(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
    messages.success(request, f"已移出重点目标企业名单：{name}")
    return redirect("enterprises:targets")
