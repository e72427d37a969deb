"""The key target list (重点目标企业): the city curates it per year and chain; each entry's owner
unit keeps its status and next step up to date. Every write is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import has_model_permission, require

from ..models import Enterprise, TargetEntry, TargetStatus

# What the owner unit may change; the rest (year, enterprise, chain, node, owner) is curation.
UNIT_FIELDS = ("status", "next_step", "next_step_due")
CURATED_FIELDS = ("year", "enterprise", "direction", "node", "owner_unit")


def is_curator(user: Any) -> bool:
    """Who may add, remove and re-assign entries: whoever may add them (the city by default)."""
    return has_model_permission(user, "add", TargetEntry)


def _check(fields: dict[str, Any], *, entry: TargetEntry | None) -> None:
    errors: dict[str, list[str]] = {}
    year = fields.get("year")
    if year is not None and not 2000 <= int(year) <= 2100:
        errors["year"] = ["年度应在 2000–2100 之间"]
    direction = fields.get("direction")
    node = fields.get("node")
    if node is not None and direction is not None and node.direction_id != direction.pk:
        errors["node"] = ["所选环节不属于该产业链"]
    status = fields.get("status")
    if status is not None and status not in TargetStatus.values:
        errors["status"] = ["请选择状态"]
    if len(fields.get("next_step") or "") > 200:
        errors["next_step"] = ["下一步不超过 200 字"]
    due = fields.get("next_step_due")
    if due is not None and not isinstance(due, dt.date):
        errors["next_step_due"] = ["请填写日期"]
    enterprise = fields.get("enterprise")
    if enterprise is not None and direction is not None and year is not None:
        clash = TargetEntry.objects.filter(year=year, enterprise=enterprise, direction=direction)
        if entry is not None:
            clash = clash.exclude(pk=entry.pk)
        if clash.exists():
            errors["enterprise"] = ["该企业已在本年度该产业链的重点目标名单中"]
    if errors:
        raise ValidationError(errors)


def target_entry_create(
    *,
    actor: Any,
    year: int,
    enterprise: Enterprise,
    direction: Any,
    owner_unit: Any,
    node: Any = None,
    status: str = TargetStatus.TO_CONTACT,
    next_step: str = "",
    next_step_due: dt.date | None = None,
) -> TargetEntry:
    """Put an enterprise on the year's key target list of a chain, owned by a unit."""
    require(actor, "add", TargetEntry)
    fields = dict(
        year=year,
        enterprise=enterprise,
        direction=direction,
        node=node,
        owner_unit=owner_unit,
        status=status,
        next_step=(next_step or "").strip(),
        next_step_due=next_step_due,
    )
    _check(fields, entry=None)
    entry = TargetEntry(**fields)
    with transaction.atomic():
        entry.save()
        audit.record_create(actor=actor, obj=entry)
    return entry


def target_entry_update(
    *,
    actor: Any,
    entry: TargetEntry,
    version: str | Iterable[str] | None = None,
    **changes: Any,
) -> TargetEntry:
    """The owner unit updates status and next step; the curator may change everything.

    `version` is the entry's version the editor read (`core.concurrency`).
    """
    require(actor, "change", entry)
    unknown = set(changes) - set(UNIT_FIELDS) - set(CURATED_FIELDS)
    if unknown:
        raise TypeError(f"unknown target entry fields: {sorted(unknown)}")
    curated = {
        k for k in changes if k in CURATED_FIELDS and _differs(getattr(entry, k), changes[k])
    }
    if curated and not is_curator(actor):
        raise PermissionDenied("年度、企业、产业链、环节和责任单位由市级调整")
    merged = {f: changes.get(f, getattr(entry, f)) for f in (*CURATED_FIELDS, *UNIT_FIELDS)}
    if "next_step" in changes:
        merged["next_step"] = (changes["next_step"] or "").strip()
    _check(merged, entry=entry)
    before = audit.snapshot(entry)
    for key, value in merged.items():
        setattr(entry, key, value)
    with transaction.atomic():
        stored = TargetEntry.objects.select_for_update().get(pk=entry.pk)
        check_version(stored, version, submitted=changes)
        entry.save()
        audit.record_update(actor=actor, obj=entry, before=before)
    return entry


def _differs(current: Any, new: Any) -> bool:
    current_pk = getattr(current, "pk", current)
    new_pk = getattr(new, "pk", new)
    return current_pk != new_pk


def target_entry_delete(*, actor: Any, entry: TargetEntry, reason: str = "") -> None:
    """Take an entry off the list (curation); the audit log keeps what it was and why."""
    require(actor, "delete", entry)
    with transaction.atomic():
        audit.record_delete(actor=actor, obj=entry, note=reason.strip())
        entry.delete()
