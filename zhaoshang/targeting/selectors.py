"""Reads of targeting: targets (a node, a direction's gap list), pipeline state, pushes, inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.industries.models import ChainEdge, ChainNode, Direction
from zhaoshang.projects.models import Project, Stage

from .chains.selectors import gap_analysis
from .models import GapKind, LeadPush, PushStatus, ScoringProfile
from .scoring.factors import DEFAULT_RECENT_CONTACT_MONTHS, default_weights
from .scoring.rank import Target

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


def pipeline_for(enterprise_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Live projects (not dropped) with the enterprise among the investors, newest first.

    Deliberately unrestricted, like the duplicate guard: a unit must see that another unit
    already works on an enterprise; only the project's id, name, unit and stage are shown.
    """
    out: dict[int, dict[str, Any]] = {}
    ids = list(enterprise_ids)
    if not ids:
        return out
    through = Project.investors.through
    rows = (
        through.objects.filter(enterprise_id__in=ids)
        .exclude(project__stage=Stage.DROPPED)
        .order_by("-project__created_at", "-project_id")
        .values_list(
            "enterprise_id", "project_id", "project__name", "project__stage",
            "project__unit__name",
        )
    )  # fmt: skip
    for eid, pid, name, stage, unit in rows:
        out.setdefault(
            eid,
            {
                "project": pid,
                "stage": stage,
                "stage_label": Stage(stage).label,
                "name": name,
                "unit": unit,
            },
        )
    return out


def pushes_for(enterprise_ids: Iterable[int], unit: Unit) -> dict[int, LeadPush]:
    return {
        p.enterprise_id: p
        for p in LeadPush.objects.filter(enterprise_id__in=list(enterprise_ids), unit=unit)
    }


def inbox_for(*, user: Any, status: str = "") -> QuerySet[LeadPush]:
    qs = (
        LeadPush.objects.restrict(user, "view")
        .select_related("enterprise", "unit", "project", "node", "pushed_by", "decided_by")
        .order_by("-created_at", "-id")
    )
    if status in PushStatus.values:
        qs = qs.filter(status=status)
    return qs


def push_get(*, user: Any, pk: int, action: str = "view") -> LeadPush:
    return get_object_or_404(
        LeadPush.objects.restrict(user, action).select_related("project", "enterprise", "unit"),
        pk=pk,
    )
