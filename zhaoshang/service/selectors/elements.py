"""Reads of 要素保障: a project's needs, where projects wait for an element, and each unit's
yearly totals against the quotas the city set. All from `.restrict()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from zhaoshang.accounts.models import Unit

from .. import agenda_sources
from ..models import ElementAllocation, ElementKind, ElementNeed, ElementQuota

ZERO = Decimal("0")


def kinds() -> list[ElementKind]:
    return list(ElementKind.objects.select_related("department"))


def needs_of(*, user: Any, project: Any) -> QuerySet[ElementNeed]:
    return (
        ElementNeed.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("kind", "kind__department")
        .prefetch_related("allocations", "allocations__department")
    )


def waiting(*, user: Any, as_of: dt.date, kind: str = "", unit: Any = None) -> list[ElementNeed]:
    """Needs not (fully) allocated, the longest waiting first, with `gap` and `waiting_days`."""
    qs = (
        ElementNeed.objects.restrict(user, "view")
        .filter(allocated_amount__lt=F("requested_amount"))
        .select_related("project", "project__unit", "kind", "kind__department")
        .order_by("requested_on", "id")
    )
    if kind:
        qs = qs.filter(kind__code=kind)
    if unit is not None:
        qs = qs.filter(project__unit=unit)
    rows = list(qs[:500])
    for need in rows:
        need.waiting_days = (as_of - need.requested_on).days
    return rows


@dataclass
class QuotaRow:
    unit: Unit
    kind: ElementKind
    quota: Decimal | None  # None: the city set none
    requested: Decimal  # needs stated in the year
    allocated: Decimal  # allocations dated in the year
    waiting: Decimal  # what is still unallocated of the year's needs

    @property
    def remaining(self) -> Decimal | None:
        return None if self.quota is None else self.quota - self.allocated

    @property
    def over(self) -> bool:
        return self.quota is not None and self.allocated > self.quota

    @property
    def used_pct(self) -> int | None:
        if not self.quota:
            return None
        return int(self.allocated * 100 / self.quota)


def totals(*, user: Any, year: int) -> list[QuotaRow]:
    """Per unit and kind: the quota, the year's needs and allocations, and what still waits.

    A unit user sees its own unit; the city every unit. Allocations count in the year of their
    date, needs in the year they were stated.
    """
    units = {u.pk: u for u in Unit.objects.all()}
    all_kinds = kinds()
    quotas = {
        (q.unit_id, q.kind_id): q.amount
        for q in ElementQuota.objects.restrict(user, "view").filter(year=year)
    }
    dec = DecimalField(max_digits=16, decimal_places=2)
    requested = {
        (r["project__unit"], r["kind"]): (r["req"], r["gap"])
        for r in ElementNeed.objects.restrict(user, "view")
        .filter(requested_on__year=year)
        .values("project__unit", "kind")
        .annotate(
            req=Coalesce(Sum("requested_amount"), Value(ZERO), output_field=dec),
            gap=Coalesce(
                Sum(F("requested_amount") - F("allocated_amount")), Value(ZERO), output_field=dec
            ),
        )
    }
    allocated = {
        (r["need__project__unit"], r["need__kind"]): r["total"]
        for r in ElementAllocation.objects.restrict(user, "view")
        .filter(allocated_on__year=year)
        .values("need__project__unit", "need__kind")
        .annotate(total=Sum("amount"))
    }
    keys = set(quotas) | set(requested) | set(allocated)
    rows = []
    for unit_id in sorted(
        {k[0] for k in keys}, key=lambda pk: (units[pk].sort_order, units[pk].code)
    ):
        for kind in all_kinds:
            key = (unit_id, kind.pk)
            if key not in keys:
                continue
            req, gap = requested.get(key, (ZERO, ZERO))
            rows.append(
                QuotaRow(
                    unit=units[unit_id],
                    kind=kind,
                    quota=quotas.get(key),
                    requested=req,
                    allocated=allocated.get(key, ZERO),
                    waiting=gap,
                )
            )
    return rows


def quotas_for(*, user: Any, year: int) -> dict[tuple[int, int], ElementQuota]:
    return {
        (q.unit_id, q.kind_id): q
        for q in ElementQuota.objects.restrict(user, "view").filter(year=year)
    }


@agenda_sources.register("element", "要素保障")
def element_candidates(*, as_of: dt.date, user: Any) -> list[agenda_sources.AgendaCandidate]:
    """Needs still unmet after their kind's `agenda_after_days` (要素配置 for the joint meeting)."""
    found = []
    for need in waiting(user=user, as_of=as_of):
        if need.waiting_days < need.kind.agenda_after_days:
            continue
        found.append(
            agenda_sources.AgendaCandidate(
                kind="element",
                object_id=need.pk,
                project_id=need.project_id,
                title=(
                    f"{need.project.name}：{need.kind.name}尚缺 {need.gap.normalize():f}"
                    f"{need.kind.measure}（已等待{need.waiting_days}天）"
                ),
                since=need.requested_on,
                investment_wan=need.project.total_investment_wan,
            )
        )
    return found
