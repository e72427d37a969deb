"""Reads on the enterprise library. Every query starts from `.restrict(user, action)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from zhaoshang.geo import divisions
from zhaoshang.industries.models import ChainNode
from zhaoshang.industries.services import NodeHoldings

from .models import (
    ENTERPRISE_SEARCH,
    Contact,
    Enterprise,
    ImportJob,
    Placement,
    PlacementStatus,
    Relation,
    RelationKind,
    Signal,
    TargetEntry,
)
from .signals import DECAY, decayed_weight

# How each relation kind reads from either end: (the target as seen from the source's page,
# the source as seen from the target's page). Relation(source=A, target=B, kind=supplier):
# A supplies B, so on A's page B is a customer and on B's page A is a supplier.
RELATION_ROLES: dict[str, tuple[str, str]] = {
    RelationKind.SUPPLIER: ("客户（本企业向其供货）", "供应商"),
    RelationKind.CUSTOMER: ("供应商（本企业向其采购）", "客户"),
    RelationKind.INVESTOR: ("被投资企业", "投资方"),
    RelationKind.SUBSIDIARY: ("子公司", "母公司"),
}


def enterprises_for(*, user: Any) -> QuerySet[Enterprise]:
    """The enterprises the user may see, by name; `filters.EnterpriseFilter` narrows them."""
    return Enterprise.objects.restrict(user, "view").prefetch_related("tags").order_by("name", "pk")


def enterprises_matching(
    queryset: QuerySet[Enterprise], q: str, *, walk: bool = False
) -> QuerySet[Enterprise]:
    """The keyword filter of the enterprise pages and API: the name contains `q`, ignoring case,
    or the credit code starts with it. The keyword index narrows the rows and this condition
    decides, so the result is the scan's (see zhaoshang.core.search). `walk`: the condition
    alone, for a page read in name order when most pages' rows hold `q` (`search.walks`)."""
    q = (q or "").strip()
    if not q:
        return queryset
    found = ENTERPRISE_SEARCH.condition(q)
    if found is None or walk:
        return queryset.filter(_scan(q))
    if _beyond_codes(q) and ENTERPRISE_SEARCH.exact(q):
        return queryset.filter(found)
    return queryset.filter(found).filter(_scan(q))


def _scan(q: str) -> Q:
    return (
        Q(name__icontains=q)
        if _beyond_codes(q)
        else Q(name__icontains=q) | Q(uscc__startswith=q.upper())
    )


def enterprises_counted(queryset: QuerySet[Enterprise], q: str) -> int | None:
    """How many of `queryset` hold the keyword `q`, from the index alone (no row read) where it
    can tell: `queryset` is the whole library (it is shared: whoever may view it sees all of
    it) and the index finds exactly the names holding `q`. None otherwise."""
    q = (q or "").strip()
    if not q or not _beyond_codes(q) or queryset.query.is_empty() or queryset.query.where:
        return None
    return ENTERPRISE_SEARCH.count(q)


def _beyond_codes(q: str) -> bool:
    """Whether `q` holds a character no credit code has (codes are 18 ASCII letters and
    digits, checked on every write): then only the name can contain it, and the index's
    rows (name or code contains `q`) are exactly the names that do."""
    return not q.isascii()


def enterprise_ids_coded(q: str) -> QuerySet[Enterprise] | None:
    """The ids (for an `__in` lookup) of the enterprises whose credit code is `q` (ignoring
    case), the investors a project keyword finds by code; None when `q` holds a character no
    code has. All of them, whoever asks: the caller restricts the projects it finds."""
    q = (q or "").strip()
    if _beyond_codes(q):
        return None
    return Enterprise.objects.filter(uscc=q.upper()).values("pk")


def enterprise_get(*, user: Any, pk: int, action: str = "view") -> Enterprise:
    """One enterprise the user may perform `action` on, or 404."""
    return get_object_or_404(
        Enterprise.objects.restrict(user, action).select_related("parent"), pk=pk
    )


def enterprise_projects(*, user: Any, enterprise: Enterprise) -> QuerySet[Any]:
    """The projects this enterprise invests in that the user may see (another unit's: hidden).

    Read through the relation the projects app declares, as enterprises sit below projects."""
    return (
        enterprise.projects.restrict(user, "view")
        .select_related("unit")
        .order_by("-total_investment_wan", "pk")
    )


def division_label(code: str) -> str:
    """ "山东省临清市" for 371581; marks abolished codes; "" when empty or unknown."""
    division = divisions.lookup(code) if code else None
    if division is None:
        return ""
    return division.full_name + ("（已撤销的代码）" if division.abolished else "")


def placements_for(*, user: Any, enterprise: Enterprise) -> QuerySet[Placement]:
    return (
        Placement.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .select_related("node", "node__direction", "node__direction__industry", "decided_by")
        .order_by("status", "-confidence", "node__direction__sort_order", "node__sort_order")
    )


def node_holdings(node: ChainNode) -> NodeHoldings:
    """What the enterprise library holds on a chain node about to be deleted.

    Confirmed placements and key-target entries are people's decisions: they block the
    deletion. The other placements (suggested by the classifier, or rejected) go with the node.
    """
    confirmed = Placement.objects.filter(node=node, status=PlacementStatus.CONFIRMED).count()
    targets = TargetEntry.objects.filter(node=node).count()
    blocking = []
    if confirmed:
        blocking.append(f"{confirmed} 家企业经人工确认归属本环节")
    if targets:
        blocking.append(f"重点目标企业名单中有 {targets} 条指向本环节")
    if blocking:
        return NodeHoldings(blocking=tuple(blocking), advice="调整企业归属或目标企业名单")
    others = Placement.objects.filter(node=node).count()
    return NodeHoldings(removed=(f"未确认的企业归类 {others} 条",) if others else ())


def contacts_for(*, user: Any, enterprise: Enterprise) -> QuerySet[Contact]:
    return Contact.objects.restrict(user, "view").filter(enterprise=enterprise).order_by("id")


@dataclass(frozen=True)
class RelationRow:
    relation: Relation
    other: Enterprise
    role: str  # what the other enterprise is to this one
    outgoing: bool


def relations_for(*, user: Any, enterprise: Enterprise) -> list[RelationRow]:
    """Relations in both directions, each worded from this enterprise's point of view."""
    qs = Relation.objects.restrict(user, "view").select_related("source", "target")
    rows = [
        RelationRow(r, r.target, RELATION_ROLES[r.kind][0], True)
        for r in qs.filter(source=enterprise)
    ]
    rows += [
        RelationRow(r, r.source, RELATION_ROLES[r.kind][1], False)
        for r in qs.filter(target=enterprise)
    ]
    rows.sort(key=lambda row: (row.role, row.other.name))
    return rows


@dataclass(frozen=True)
class SignalRow:
    signal: Signal
    weight: float
    half_life_days: int


def signals_for(*, user: Any, enterprise: Enterprise, today: dt.date) -> list[SignalRow]:
    """Signals newest first, each with its decayed weight on `today`."""
    qs = Signal.objects.restrict(user, "view").filter(enterprise=enterprise).order_by("-on", "-id")
    return [SignalRow(s, decayed_weight(s, today), DECAY[s.kind].half_life_days) for s in qs]


def target_entries_for(
    *, user: Any, filters: dict[str, Any] | None = None, action: str = "view"
) -> QuerySet[TargetEntry]:
    """The key target list as far as the user's scope reaches (a unit: its own entries)."""
    filters = filters or {}
    qs = TargetEntry.objects.restrict(user, action).select_related(
        "enterprise", "direction", "direction__industry", "node", "owner_unit"
    )
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("direction"):
        qs = qs.filter(direction=filters["direction"])
    if filters.get("owner_unit"):
        qs = qs.filter(owner_unit=filters["owner_unit"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("enterprise"):
        qs = qs.filter(enterprise=filters["enterprise"])
    return qs.order_by("-year", "direction__sort_order", "enterprise__name", "pk")


def target_entry_get(*, user: Any, pk: int, action: str = "view") -> TargetEntry:
    return get_object_or_404(target_entries_for(user=user, action=action), pk=pk)


def import_jobs_for(*, user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.restrict(user, "view").select_related("created_by")


def import_job_get(*, user: Any, pk: int) -> ImportJob:
    return get_object_or_404(import_jobs_for(user=user), pk=pk)
