"""要素保障: a unit states what its project needs (用地, 能耗 …), the department of that kind (or the
city) allocates it, in one or several parts; the city sets each unit's yearly quotas.

Who allocates a kind is data (`ElementKind.department`): 自然资源和规划局 land, 发展和改革委员会
energy … A kind without a department is allocated by the city.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import Scope, require
from zhaoshang.projects.models import Project

from ..models import ElementAllocation, ElementKind, ElementNeed, ElementQuota

LIMIT = Decimal("1e11")  # 14 digits with 2 places


def check_amount(value: Any, field: str, *, zero_ok: bool = False) -> Decimal:
    if not isinstance(value, Decimal):
        raise ValidationError({field: ["请填写数量"]})
    if value < 0 or (value == 0 and not zero_ok):
        raise ValidationError({field: ["数量须大于0" if not zero_ok else "数量不能为负数"]})
    if value >= LIMIT or value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: ["数量最多两位小数、不超过12位整数"]})
    return value


def _date(value: Any, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({field: [f"请填写{label}"]})
    if value > timezone.localdate():
        raise ValidationError({field: [f"{label}不能晚于今天"]})
    return value


def need_save(
    *,
    actor: Any,
    project: Project,
    kind: ElementKind,
    requested_amount: Decimal,
    requested_on: dt.date,
    note: str = "",
    version: str | Iterable[str] | None = None,
) -> ElementNeed:
    """State (or correct) how much of a kind the project needs; one need per project and kind.

    A need cannot be set below what has been allocated already.
    """
    check_amount(requested_amount, "requested_amount")
    _date(requested_on, "requested_on", "提出日期")
    with transaction.atomic():
        need = ElementNeed.objects.select_for_update().filter(project=project, kind=kind).first()
        if need is None:
            need = ElementNeed(
                project=project,
                kind=kind,
                requested_amount=requested_amount,
                requested_on=requested_on,
                note=(note or "").strip()[:300],
                requested_by=actor,
            )
            require(actor, "add", need)
            need.save()
            audit.record_create(
                actor=actor, obj=need, note=f"{kind.name} {requested_amount}{kind.measure}"
            )
            return need
        require(actor, "change", need)
        check_version(need, version, submitted={"requested_amount": requested_amount, "note": note})
        if requested_amount < need.allocated_amount:
            raise ValidationError(
                {
                    "requested_amount": [
                        f"需求量不能低于已配置的 {need.allocated_amount}{kind.measure}"
                    ]
                }
            )
        before = audit.snapshot(need)
        need.requested_amount = requested_amount
        need.note = (note or "").strip()[:300]
        need.met_on = need.met_on if need.allocated_amount >= requested_amount else None
        need.save()
        audit.record_update(actor=actor, obj=need, before=before)
    return need


def may_allocate(user: Any, kind: ElementKind) -> bool:
    """The kind's department allocates it; the city allocates every kind."""
    if user is None or not user.is_authenticated:
        return False
    if user.scope == Scope.ALL and user.role == "city_admin":
        return True
    return kind.department_id is not None and user.department_id == kind.department_id


def allocation_add(
    *,
    actor: Any,
    need: ElementNeed,
    amount: Decimal,
    allocated_on: dt.date,
    note: str = "",
) -> ElementAllocation:
    """Record an allocation to a need (part or all of the gap), by the kind's department."""
    allocation = ElementAllocation(
        need=need,
        amount=amount,
        allocated_on=allocated_on,
        department=need.kind.department if actor.department_id is None else actor.department,
        note=(note or "").strip()[:300],
        actor=actor,
    )
    require(actor, "add", allocation)
    if not may_allocate(actor, need.kind):
        raise PermissionDenied(f"{need.kind.name}由{need.kind.department or '市级'}配置")
    check_amount(amount, "amount")
    _date(allocated_on, "allocated_on", "配置日期")
    with transaction.atomic():
        stored = ElementNeed.objects.select_for_update().get(pk=need.pk)
        gap = stored.requested_amount - stored.allocated_amount
        if amount > gap:
            raise ValidationError({"amount": [f"配置量超过尚未配置的 {gap}{stored.kind.measure}"]})
        if allocated_on < stored.requested_on:
            raise ValidationError({"allocated_on": ["配置日期不能早于需求提出日期"]})
        before = audit.snapshot(stored)
        allocation.need = stored
        allocation.save()
        stored.allocated_amount += amount
        if stored.allocated_amount >= stored.requested_amount:
            stored.met_on = allocated_on
        stored.save()
        audit.record_create(actor=actor, obj=allocation, note=allocation.note)
        audit.record_update(actor=actor, obj=stored, before=before, note="要素配置")
    need.allocated_amount, need.met_on = stored.allocated_amount, stored.met_on
    return allocation


def quota_set(
    *,
    actor: Any,
    unit: Unit,
    year: int,
    kind: ElementKind,
    amount: Decimal,
    version: str | Iterable[str] | None = None,
) -> ElementQuota:
    """The city sets a unit's quota of a kind for a year (0 allowed: none this year)."""
    check_amount(amount, "amount", zero_ok=True)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": ["年度有误"]})
    with transaction.atomic():
        quota = (
            ElementQuota.objects.select_for_update().filter(unit=unit, year=year, kind=kind).first()
        )
        if quota is None:
            quota = ElementQuota(unit=unit, year=year, kind=kind, amount=amount)
            require(actor, "add", quota)
            quota.save()
            audit.record_create(actor=actor, obj=quota)
            return quota
        require(actor, "change", quota)
        check_version(quota, version, submitted={"amount": amount})
        before = audit.snapshot(quota)
        quota.amount = amount
        quota.save()
        audit.record_update(actor=actor, obj=quota, before=before)
    return quota
