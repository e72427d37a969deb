"""Targeting pages under /targeting/: the ranked list with explanations and push buttons, the
unit's inbox of pushed leads, and the scoring profiles.

Views only translate HTTP to the services and selectors; permissions: anonymous → login,
a role without the model permission → 403, another unit's push → 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.accounts.models import Unit
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.htmx import (
    apply_service_errors,
    done,
    is_partial,
    render_dialog,
    require_model_permission,
)
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import ChainNode, Direction
from zhaoshang.projects.models import Project

from . import selectors, services
from .api import recommendation_payload
from .forms import AcceptForm, DeclineForm, ProfileForm, PushForm, WeightsForm, WithdrawForm
from .models import OVERDUE, LeadPush, PushStatus, RecommendationRun, ScoringProfile
from .scoring.factors import FACTORS


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def push_units(user: Any) -> list[Unit]:
    """Units the user may push a lead to (the city: every county and zone; a unit: itself)."""
    if not has_model_permission(user, "add", LeadPush):
        return []
    if user.scope == Scope.ALL:
        return list(selectors.units_for_push())
    return [user.unit] if user.unit_id else []


def _chooser() -> list[tuple[Direction, list[ChainNode]]]:
    grouped: dict[int, tuple[Direction, list[ChainNode]]] = {}
    for node in ChainNode.objects.select_related("direction").order_by(
        "direction__industry__sort_order", "direction__sort_order", "direction_id", "stream",
        "sort_order", "pk",
    ):  # fmt: skip
        grouped.setdefault(node.direction_id, (node.direction, []))[1].append(node)
    return list(grouped.values())


def _ranking(user: Any, query: QueryDict) -> dict[str, Any]:
    """The recommend page's query read into its inputs and, when complete, the ranking
    (an unsaved run, see `selectors.recommendation`). The push form sends the same query back,
    so a push stores the very ranking the user saw."""
    node = direction = None
    if (pk := _int(query.get("node"))) is not None:
        node = get_object_or_404(
            ChainNode.objects.restrict(user, "view").select_related("direction__industry"), pk=pk
        )
    elif (pk := _int(query.get("direction"))) is not None:
        direction = get_object_or_404(Direction.objects.restrict(user, "view"), pk=pk)
    code = query.get("unit", "")
    unit = selectors.unit_get(code) if code else selectors.default_unit(user)
    profiles = list(ScoringProfile.objects.restrict(user, "view"))
    profile = next((p for p in profiles if p.pk == _int(query.get("profile"))), None)
    if profile is None:
        profile = next((p for p in profiles if p.is_default), None)
    base, months = selectors.profile_weights(profile)
    bound = any(key.startswith("w_") or key == "months" for key in query)
    form = WeightsForm(query if bound else None, initial_weights=base, months=months)
    weights = form.weights()
    typed_months = form.cleaned_data.get("months") if bound and form.is_valid() else None
    limit = min(max(_int(query.get("limit")) or 50, 1), selectors.MAX_LIMIT)
    run, errors = None, []
    if (node or direction) and unit is not None and (not bound or form.is_valid()):
        try:
            run = selectors.recommendation(
                user=user, unit=unit, node=node, direction=direction, profile=profile,
                weights=weights, recent_contact_months=typed_months, limit=limit,
            )  # fmt: skip
        except ValidationError as exc:
            errors = exc.messages
    return {
        "node": node,
        "direction": direction,
        "unit": unit,
        "profiles": profiles,
        "profile": profile,
        "base_weights": base,
        "form": form,
        "limit": limit,
        "run": run,
        "errors": errors,
    }


@login_required
@require_GET
def recommend_page(request: HttpRequest) -> HttpResponse:
    """精准招商导航：某环节（或整条链的缺链清单）的推荐企业、因素说明与一键推送。

    A pure read: the ranking is computed for the page and stored only when a lead is pushed
    from it.
    """
    user = request.user
    require_model_permission(user, "view", RecommendationRun)
    ranking = _ranking(user, request.GET)
    run, unit = ranking.pop("run"), ranking["unit"]
    payload = recommendation_payload(run, unit, user=user) if run is not None else None
    visible_projects: set[int] = set()
    if payload and has_model_permission(user, "view", Project):
        ids = [
            i["pipeline"]["project"]
            for i in payload["items"]
            if i["pipeline"] and i["pipeline"]["visible"]
        ]
        ids += [
            i["push"]["project"] for i in payload["items"] if i["push"] and i["push"]["project"]
        ]
        visible_projects = set(
            Project.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True)
        )
    base = ranking.pop("base_weights")
    max_weight = max([abs(w) for w in (payload or {}).get("weights", base).values()] or [1]) or 1
    context = {
        **ranking,
        "units": Unit.objects.order_by("sort_order", "code"),
        "payload": payload,
        "ranking_query": request.GET.urlencode(),
        "chooser": _chooser(),
        "push_units": push_units(user),
        "visible_projects": visible_projects,
        "max_weight": max_weight,
        "factors": FACTORS,
        "can_view_enterprises": has_model_permission(user, "view", Enterprise),
        "params": request.GET,
    }
    template = (
        "targeting/partials/results.html"
        if is_partial(request, "recommend-results")
        else "targeting/recommend.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _back(value: str | None) -> str:
    """A path of this site to return to (the ranking the push came from)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return reverse("targeting:recommend")


# The service's errors on what the dialog carries hidden are shown above the form.
_PUSH_ALIASES = {"enterprise": "__all__", "node": "__all__", "ranking": "__all__"}


@login_required
@require_http_methods(["GET", "POST"])
def push_view(request: HttpRequest) -> HttpResponse:
    """推送线索：选择接收单位（不预选）、填写说明和接收期限，确认后推送。

    Two steps in one dialog: the form, then a confirmation naming the enterprise, the unit and
    the deadline; only the confirmed POST pushes. The form carries the query of the ranking it
    was opened from (`ranking`), which is read again and stored with the push.
    """
    user = request.user
    require_model_permission(user, "add", LeadPush)
    source = request.POST if request.method == "POST" else request.GET
    enterprise = get_object_or_404(
        Enterprise.objects.restrict(user, "view"), pk=_int(source.get("enterprise")) or 0
    )
    node = (
        ChainNode.objects.restrict(user, "view")
        .select_related("direction")
        .filter(pk=_int(source.get("node")) or 0)
        .first()
    )
    units = push_units(user)
    unit_qs = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("sort_order", "code")
    back = _back(source.get("next"))
    if request.method == "POST":
        form = PushForm(request.POST, units=unit_qs)
    else:
        form = PushForm(
            units=unit_qs,
            initial={
                "enterprise": enterprise.pk,
                "node": node.pk if node else None,
                "ranking": source.get("ranking", ""),
                "next": back,
            },
        )
    confirming = False
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        data = form.cleaned_data
        if request.POST.get("confirmed") == "1":
            run = None
            if query := data["ranking"]:
                run = _ranking(user, QueryDict(query))["run"]
            try:
                push = services.push_lead(
                    actor=user, enterprise=enterprise, unit=data["unit"], node=node, run=run,
                    note=data["note"], deadline=data["deadline"],
                    deadline_workdays=data["deadline_workdays"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, aliases=_PUSH_ALIASES)
            else:
                messages.success(
                    request,
                    f"已推送至{push.unit.name}，待其接收（期限 {push.deadline:%Y-%m-%d}）",
                )
                return done(request, back)
        else:
            try:
                due = services.resolve_deadline(
                    deadline=data["deadline"], deadline_workdays=data["deadline_workdays"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                confirming = True
    context = {
        "form": form,
        "enterprise": enterprise,
        "node": node,
        "confirming": confirming,
        "due": due if confirming else None,
    }
    return render_dialog(
        request,
        "targeting/dialogs/push.html",
        context,
        title=f"推送线索：{enterprise.name}",
        back_url=back,
        breadcrumbs=[("精准招商导航", back), ("推送线索", "")],
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """推送线索：接收单位接收或退回（须说明原因）；推送方查看状态，可撤回待接收的推送。"""
    require_model_permission(request.user, "view", LeadPush)
    status = request.GET.get("status", "")
    pushes = list(selectors.inbox_for(user=request.user, status=status)[:300])
    context = {
        "pushes": pushes,
        "status": status,
        "statuses": [*PushStatus.choices[:1], OVERDUE, *PushStatus.choices[1:]],
        **_row_context(request.user, pushes),
    }
    return render(request, "targeting/inbox.html", context)


def _row_context(user: Any, pushes: list[LeadPush], forms_: dict[str, Any] | None = None):
    """What the inbox rows need: the moves the user may take on each, the forms, which lead
    projects the user may open."""
    for p in pushes:
        p.moves = {m for m in services.MOVES if services.may(user, p, m)}
    return {
        "show_unit": user.scope == Scope.ALL,
        "accept_form": AcceptForm(),
        "decline_form": DeclineForm(),
        "withdraw_form": WithdrawForm(),
        **(forms_ or {}),
        "visible_projects": set(
            Project.objects.restrict(user, "view")
            .filter(pk__in=[p.project_id for p in pushes if p.project_id])
            .values_list("pk", flat=True)
        ),
        "today": timezone.localdate(),
    }


_DONE = {
    "accept": "已接收该线索，已在本单位项目库中建立线索项目",
    "decline": "已退回该线索",
    "withdraw": "已撤回该推送",
}


def _decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    user = request.user
    require_model_permission(user, "change", LeadPush)
    push = selectors.push_get(user=user, pk=pk, action="change")
    if not services.may(user, push, decision) and push.status == PushStatus.PUSHED:
        # Not the receiving unit (accept/decline), not the sender (withdraw): refused.
        raise PermissionDenied(
            "只有推送方可以撤回推送线索"
            if decision == "withdraw"
            else "只有接收单位可以接收或退回推送线索"
        )
    form_class = {"accept": AcceptForm, "decline": DeclineForm, "withdraw": WithdrawForm}[decision]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if decision == "accept":
                services.push_accept(actor=user, push=push, note=form.cleaned_data["note"])
            elif decision == "decline":
                services.push_decline(actor=user, push=push, reason=form.cleaned_data["reason"])
            else:
                services.push_withdraw(actor=user, push=push, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
    push = selectors.push_get(user=user, pk=pk)
    if getattr(request, "htmx", None):
        failed = {f"{decision}_form": form} if form.errors else {}
        context = {"p": push, **_row_context(user, [push], failed)}
        return render(request, "targeting/partials/inbox_row.html", context)
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(request, _DONE[decision])
    return redirect("targeting:inbox")


@login_required
@require_POST
def push_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "accept")


@login_required
@require_POST
def push_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "decline")


@login_required
@require_POST
def push_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "withdraw")


@login_required
@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    """评分方案：各因素的权重，可按招商会战设置。"""
    require_model_permission(request.user, "view", ScoringProfile)
    return render(
        request,
        "targeting/profiles.html",
        {
            "profiles": ScoringProfile.objects.restrict(request.user, "view").select_related(
                "campaign"
            ),
            "factors": FACTORS,
            "can_add": has_model_permission(request.user, "add", ScoringProfile),
            "can_change": has_model_permission(request.user, "change", ScoringProfile),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    profile = None
    if pk is not None:
        require_model_permission(user, "change", ScoringProfile)
        profile = get_object_or_404(ScoringProfile.objects.restrict(user, "change"), pk=pk)
    else:
        require_model_permission(user, "add", ScoringProfile)
    form = ProfileForm(
        request.POST or None,
        instance=profile or ScoringProfile(),
        version=version_of(profile) if profile else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.profile_save(
                actor=user,
                profile=profile,
                name=form.cleaned_data["name"],
                weights=form.weights(),
                recent_contact_months=form.cleaned_data["recent_contact_months"],
                campaign=form.cleaned_data["campaign"],
                is_default=form.cleaned_data["is_default"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"weights": "__all__"})
        except PermissionDenied:
            raise
        else:
            messages.success(request, f"已保存评分方案「{saved.name}」")
            return redirect("targeting:profiles")
    weight_fields = [form[f"w_{f.code}"] for f in FACTORS]
    return render(
        request,
        "targeting/profile_form.html",
        {"form": form, "profile": profile, "weight_fields": weight_fields},
    )
