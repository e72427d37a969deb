"""Reads of targeting: targets (a node, a direction's gap list), the ranking of enterprises for
one of them, pipeline state, pushes, inbox.

A ranking is a pure read: `recommendation` returns an unsaved RecommendationRun, and only a push
from it stores it (`services.push_lead`, in the push's transaction), so viewing or refreshing the
page writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.permissions import has_model_permission, require
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import ChainEdge, ChainNode, Direction
from zhaoshang.projects.models import Project, Stage

from .chains.selectors import gap_analysis
from .models import OVERDUE, GapKind, LeadPush, PushStatus, RecommendationRun, ScoringProfile
from .scoring import rank as rk
from .scoring import store as feature_store
from .scoring.explain import explain
from .scoring.factors import DEFAULT_RECENT_CONTACT_MONTHS, default_weights, validate_weights
from .scoring.rank import Target

MAX_LIMIT = 200
GAP_KINDS = (GapKind.BUILD, GapKind.EXTEND, GapKind.FILL, GapKind.STRENGTHEN)


@dataclass
class TargetInfo:
    target: Target
    label: str
    node_names: dict[int, str]
    node: ChainNode | None = None
    direction: Direction | None = None
    gap_nodes: list[ChainNode] | None = None


def months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return dt.date(year, month, day)


def unit_get(code: str) -> Unit:
    return get_object_or_404(Unit, code=code)


def units_for_push() -> QuerySet[Unit]:
    """Units a lead may be pushed to: counties and zones (not the city itself)."""
    return Unit.objects.exclude(kind="city").order_by("sort_order", "code")


def profile_default() -> ScoringProfile | None:
    return ScoringProfile.objects.filter(is_default=True).first()


def profile_weights(profile: ScoringProfile | None) -> tuple[dict[str, float], int]:
    if profile is None:
        return default_weights(), DEFAULT_RECENT_CONTACT_MONTHS
    return {**default_weights(), **profile.weights}, profile.recent_contact_months


def _edges(node_ids: Iterable[int]) -> list[tuple[int, int]]:
    ids = list(node_ids)
    return list(
        ChainEdge.objects.filter(source_id__in=ids).values_list("source_id", "target_id")
    ) + list(ChainEdge.objects.filter(target_id__in=ids).values_list("source_id", "target_id"))


def node_target(node: ChainNode) -> TargetInfo:
    chain = list(ChainNode.objects.filter(direction_id=node.direction_id).values_list("pk", "name"))
    edges = _edges([node.pk])
    adjacent = sorted({b for a, b in edges if a == node.pk} | {a for a, b in edges if b == node.pk})
    names = dict(chain)
    names.update(dict(ChainNode.objects.filter(pk__in=adjacent).values_list("pk", "name")))
    return TargetInfo(
        target=Target((node.pk,), tuple(adjacent), tuple(pk for pk, _ in chain)),
        label=f"{node.direction.name} · {node.name}",
        node_names=names,
        node=node,
        direction=node.direction,
    )


def gap_nodes(direction: Direction) -> list[ChainNode]:
    """The direction's gap list (建链/延链/补链/强链) from the chain's gap analysis."""
    analysis = gap_analysis(direction)
    return [g.node for g in analysis.nodes if g.gap in GAP_KINDS]


def direction_target(direction: Direction) -> TargetInfo:
    gaps = gap_nodes(direction)
    chain = list(ChainNode.objects.filter(direction=direction).values_list("pk", "name"))
    gap_ids = [n.pk for n in gaps]
    edges = _edges(gap_ids)
    adjacent = sorted(
        ({b for a, b in edges if a in gap_ids} | {a for a, b in edges if b in gap_ids})
        - set(gap_ids)
    )
    names = dict(chain)
    names.update(dict(ChainNode.objects.filter(pk__in=adjacent).values_list("pk", "name")))
    return TargetInfo(
        target=Target(tuple(gap_ids), tuple(adjacent), tuple(pk for pk, _ in chain)),
        label=f"{direction.name} · 缺链清单（{len(gaps)}个环节）",
        node_names=names,
        direction=direction,
        gap_nodes=gaps,
    )


def recent_contact_ids(since: dt.date) -> np.ndarray:
    """Enterprises that are investors of a project registered on or after `since`."""
    through = Project.investors.through
    ids = through.objects.filter(project__created_at__date__gte=since).values_list(
        "enterprise_id", flat=True
    )
    return np.unique(np.fromiter(ids, np.int64))


def contact_since(months: int) -> dt.date:
    return months_ago(timezone.localdate(), months)


# What a live project the user may not see shows of itself: that it exists, nothing more.
HIDDEN_PIPELINE = {
    "project": None,
    "stage": "",
    "stage_label": "",
    "name": "",
    "unit": "其他单位",
    "visible": False,
}


def pipeline_for(enterprise_ids: Iterable[int], *, user: Any) -> dict[int, dict[str, Any]]:
    """Live projects (not dropped) with the enterprise among the investors, newest first.

    Deliberately unrestricted, like the duplicate guard: a unit must see that another unit
    already works on an enterprise. But a project is named (id, name, unit, stage) only to a
    user who may see it; otherwise the entry says only that another unit has one
    (`HIDDEN_PIPELINE`). A project the user may see is preferred over a newer hidden one.
    """
    out: dict[int, dict[str, Any]] = {}
    ids = list(enterprise_ids)
    if not ids:
        return out
    through = Project.investors.through
    rows = list(
        through.objects.filter(enterprise_id__in=ids)
        .exclude(project__stage=Stage.DROPPED)
        .order_by("-project__created_at", "-project_id")
        .values_list(
            "enterprise_id", "project_id", "project__name", "project__stage",
            "project__unit__name",
        )
    )  # fmt: skip
    visible = set(
        Project.objects.restrict(user, "view")
        .filter(pk__in={row[1] for row in rows})
        .values_list("pk", flat=True)
    )
    for eid, pid, name, stage, unit in rows:
        if pid not in visible:
            out.setdefault(eid, dict(HIDDEN_PIPELINE))
            continue
        if eid not in out or not out[eid]["visible"]:
            out[eid] = {
                "project": pid,
                "stage": stage,
                "stage_label": Stage(stage).label,
                "name": name,
                "unit": unit,
                "visible": True,
            }
    return out


def pushes_for(enterprise_ids: Iterable[int], unit: Unit) -> dict[int, LeadPush]:
    """Each enterprise's push that stops another one: to `unit` (any status but withdrawn),
    else one still pending at another unit."""
    out: dict[int, LeadPush] = {}
    rows = (
        LeadPush.objects.filter(enterprise_id__in=list(enterprise_ids))
        .exclude(status=PushStatus.WITHDRAWN)
        .select_related("unit")
        .order_by("-created_at", "-id")
    )
    for p in rows:
        if p.unit_id == unit.pk:
            out[p.enterprise_id] = p
        elif p.status == PushStatus.PUSHED:
            out.setdefault(p.enterprise_id, p)
    return out


def inbox_for(*, user: Any, status: str = "") -> QuerySet[LeadPush]:
    """The pushes in the user's scope; `status` is a PushStatus or "overdue" (pending past its
    deadline); "pushed" lists every pending one, overdue or not."""
    qs = (
        LeadPush.objects.restrict(user, "view")
        .select_related("enterprise", "unit", "project", "node", "pushed_by", "decided_by")
        .order_by("-created_at", "-id")
    )
    if status == OVERDUE[0]:
        qs = qs.filter(status=PushStatus.PUSHED, deadline__lt=timezone.localdate())
    elif status in PushStatus.values:
        qs = qs.filter(status=status)
    return qs


def push_get(*, user: Any, pk: int, action: str = "view") -> LeadPush:
    return get_object_or_404(
        LeadPush.objects.restrict(user, action).select_related(
            "project", "enterprise", "unit", "node", "pushed_by", "decided_by"
        ),
        pk=pk,
    )


# The roles of a unit that receive its pushes (notified; accept or decline them).
RECEIVER_ROLES = ("unit_staff",)


def receives_pushes(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.unit_id
        and user.role in RECEIVER_ROLES
        and has_model_permission(user, "change", LeadPush)
    )


def pending_for(*, user: Any) -> QuerySet[LeadPush]:
    """The pushes awaiting the user's unit, the nearest deadline first (none for a user who
    does not receive pushes)."""
    if not receives_pushes(user):
        return LeadPush.objects.none()
    return (
        LeadPush.objects.filter(unit_id=user.unit_id, status=PushStatus.PUSHED)
        .select_related("enterprise", "node", "unit")
        .order_by(F("deadline").asc(nulls_last=True), "created_at", "id")
    )


_REQUEST_CACHE = "_targeting_pending"


def pending_count_for_request(request: HttpRequest) -> int | None:
    """The pushes awaiting the signed-in user's unit, counted once per request (one COUNT on
    the (unit, status) index); None for users who do not receive pushes."""
    if hasattr(request, _REQUEST_CACHE):
        return getattr(request, _REQUEST_CACHE)
    user = getattr(request, "user", None)
    value = pending_for(user=user).count() if receives_pushes(user) else None
    setattr(request, _REQUEST_CACHE, value)
    return value


# --- the gap node's next step ---------------------------------------------------------------


def default_unit(user: Any) -> Unit | None:
    """The unit a ranking is computed for by default: the user's own, for the city the city."""
    if user.scope != "all" and user.unit_id:
        return user.unit
    return Unit.objects.filter(kind="city").order_by("sort_order").first() or user.unit


SEARCH_KEYWORDS_SHOWN = 5


@dataclass
class NextStep:
    """What a gap node offers to push now, and, when nothing, where to look next."""

    candidates: int
    pushable: int
    in_pipeline: int
    pushed: int
    keywords: list[str]


def node_next_step(*, user: Any, node: ChainNode) -> NextStep | None:
    """The recommend page's verdict for a node in one look: how many ranked enterprises could
    be pushed (not in a live project, not pushed already). None for a user who may not rank."""
    if not has_model_permission(user, "view", RecommendationRun):
        return None
    unit = default_unit(user)
    if unit is None:
        return None
    run = recommendation(user=user, unit=unit, node=node, limit=MAX_LIMIT)
    ids = [item["enterprise"]["id"] for item in run.results]
    pipeline = pipeline_for(ids, user=user)
    pushes = pushes_for([i for i in ids if i not in pipeline], unit)
    pushable = len(ids) - len(pipeline) - len(pushes)
    if run.candidates > len(ids):  # beyond the ranked ones, some are surely free
        pushable += run.candidates - len(ids)
    words = [node.name, *(node.keywords or [])]
    keywords = list(dict.fromkeys(w.strip() for w in words if w and w.strip()))
    return NextStep(
        candidates=run.candidates,
        pushable=pushable,
        in_pipeline=len(pipeline),
        pushed=len(pushes),
        keywords=keywords[:SEARCH_KEYWORDS_SHOWN],
    )


# --- ranking -------------------------------------------------------------------------------


def _unit_division(unit: Unit) -> str:
    code = unit.division_code or unit.code
    return code if code.isdigit() and len(code) == 6 else ""


def _context(unit: Unit, weights: dict[str, float], months: int) -> tuple[rk.Context, Any]:
    since = contact_since(months)
    division = _unit_division(unit)
    ctx = rk.Context(
        unit_code=unit.code,
        unit_division=int(division) if division else 0,
        weights=weights,
        recent_ids=recent_contact_ids(since),
    )
    return ctx, since


def _resolve_weights(
    profile: ScoringProfile | None, weights: dict[str, Any] | None, months: int | None
) -> tuple[dict[str, float], int]:
    base, base_months = profile_weights(profile)
    if weights is not None:
        base = validate_weights({**base, **weights})
    if months is not None:
        if not 1 <= int(months) <= 60:
            raise ValidationError({"recent_contact_months": ["须在1到60个月之间"]})
        base_months = int(months)
    return base, base_months


def recommendation(
    *,
    user: Any,
    unit: Unit,
    node: ChainNode | None = None,
    direction: Direction | None = None,
    profile: ScoringProfile | None = None,
    weights: dict[str, Any] | None = None,
    recent_contact_months: int | None = None,
    limit: int = 50,
) -> RecommendationRun:
    """Rank the non-local enterprises for a node (or a direction's gap list) and a unit.

    The run (unsaved) keeps the weights used and the ranked items with their factors; the
    pipeline state of each item is looked up fresh whenever the run is shown.
    """
    require(user, "view", RecommendationRun)
    if (node is None) == (direction is None):
        raise ValidationError({"node": ["请选择一个产业链环节，或一条产业链的缺链清单"]})
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": [f"条数须在1到{MAX_LIMIT}之间"]})
    if profile is None and weights is None:
        profile = profile_default()
    used, months = _resolve_weights(profile, weights, recent_contact_months)
    started = time.perf_counter()
    info = node_target(node) if node else direction_target(direction)
    store = feature_store.current()
    ctx, since = _context(unit, used, months)
    ranked = rk.rank(store, info.target, ctx, limit=limit)
    items = explain(
        store=store,
        ranked=ranked,
        target=info.target,
        weights=used,
        unit_code=unit.code,
        unit_division=_unit_division(unit),
        unit_name=unit.name,
        node_names=info.node_names,
        months=months,
        since=since,
    )
    if node is not None:
        for item in items:
            item["node"] = item["node"] or {"id": node.pk, "name": node.name, "adjacent": False}
    elapsed = (time.perf_counter() - started) * 1000
    params = {
        "limit": limit,
        "recent_contact_months": months,
        "store_built_at": store.meta.get("built_at", ""),
        "store_as_of": store.meta.get("as_of", ""),
        "gap_nodes": [n.pk for n in info.gap_nodes or []],
    }
    inputs = json.dumps(
        [node.pk if node else None, direction.pk if direction else None, unit.pk, used, params],
        sort_keys=True,
    )
    return RecommendationRun(
        node=node,
        direction=direction if node is None else node.direction,
        target_label=info.label[:200],
        unit=unit,
        profile=profile,
        weights=used,
        params=params,
        inputs_hash=hashlib.sha256(inputs.encode()).hexdigest(),
        results=items,
        candidates=ranked.candidates,
        duration_ms=round(elapsed, 1),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def explain_one(
    *, enterprise: Enterprise, unit: Unit, node: ChainNode, profile: ScoringProfile | None
) -> dict[str, Any]:
    """The factors of one enterprise for a node (when pushed without a run that lists it)."""
    used, months = _resolve_weights(profile or profile_default(), None, None)
    info = node_target(node)
    store = feature_store.current()
    rows = store.rows_of([enterprise.pk])
    if rows[0] < 0:
        store = feature_store.rebuild()
        rows = store.rows_of([enterprise.pk])
    ctx, since = _context(unit, used, months)
    ranked = rk.score_rows(store, info.target, ctx, rows)
    items = explain(
        store=store, ranked=ranked, target=info.target, weights=used, unit_code=unit.code,
        unit_division=_unit_division(unit), unit_name=unit.name, node_names=info.node_names,
        months=months, since=since,
    )  # fmt: skip
    return items[0]
