"""Writes on goals, ranking schemes and snapshots (closing periods is core.closing). Each one checks permission,
validates with errors keyed by field, and writes the audit log in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction
from zhaoshang.core.periods import MAX_YEAR, MIN_YEAR, Period
from zhaoshang.core.permissions import require, require_perm

from .indicators import get_indicator
from .models import Goal, RankingScheme, RankingSnapshot, SchemeVersion
from .ranking import compute_quarter, parse_quarter, scheme_version_of
from .schemes import config_hash, scheme_config_clean

CENT = Decimal("0.01")


def _name(actor: Any) -> str:
    return (getattr(actor, "display_name", "") or getattr(actor, "username", "") or "")[:150]


# --- goals --------------------------------------------------------------------------------------


def _clean_target(value: Any) -> Decimal:
    try:
        target = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"target": ["请输入有效的目标值"]}) from None
    if target < 0:
        raise ValidationError({"target": ["目标值不能为负数"]})
    return target


def goal_set(
    *,
    actor: Any,
    year: int,
    indicator: str,
    target: Any,
    unit: Unit | None = None,
    note: str = "",
) -> Goal:
    """Set the city's goal (unit None) or one unit's share for a year and indicator; audited.

    Setting it again changes the target (the audit log keeps the old one).
    """
    get_indicator(indicator)
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValidationError({"year": [f"年度须在{MIN_YEAR}—{MAX_YEAR}之间"]})
    amount = _clean_target(target)
    existing = Goal.objects.filter(year=year, indicator=indicator, unit=unit).first()
    with transaction.atomic():
        if existing is None:
            goal = Goal(year=year, indicator=indicator, unit=unit, target=amount, note=note[:300])
            require(actor, "add", goal)
            goal.set_by = actor
            goal.save()
            audit.record_create(actor=actor, obj=goal)
            return goal
        require(actor, "change", existing)
        before = audit.snapshot(existing)
        existing.target, existing.note, existing.set_by = amount, note[:300], actor
        existing.save()
        audit.record_update(actor=actor, obj=existing, before=before)
    return existing


def goals_set(
    *,
    actor: Any,
    year: int,
    indicator: str,
    city_target: Any,
    shares: Mapping[str, Any],
    note: str = "",
) -> list[Goal]:
    """Set the city's goal and the units' shares (unit code → target) in one transaction."""
    units = {u.code: u for u in Unit.objects.filter(code__in=list(shares))}
    unknown = sorted(set(shares) - set(units))
    if unknown:
        raise ValidationError({"shares": [f"未知单位代码：{'、'.join(unknown)}"]})
    with transaction.atomic():
        out = [goal_set(actor=actor, year=year, indicator=indicator, target=city_target, note=note)]
        for code, target in shares.items():
            out.append(
                goal_set(
                    actor=actor,
                    year=year,
                    indicator=indicator,
                    target=target,
                    unit=units[code],
                    note=note,
                )
            )
    return out


# --- ranking schemes ----------------------------------------------------------------------------


def _unit_codes() -> set[str]:
    return set(Unit.objects.values_list("code", flat=True))


def scheme_create(
    *,
    actor: Any,
    code: str,
    name: str,
    config: Mapping[str, Any],
    is_default: bool = False,
    note: str = "",
) -> RankingScheme:
    """A new ranking scheme with its first version of rules (validated); audited."""
    scheme = RankingScheme(code=(code or "").strip(), name=(name or "").strip())
    require(actor, "add", scheme)
    require(actor, "add", SchemeVersion)
    errors: dict[str, list[str]] = {}
    if not scheme.name:
        errors["name"] = ["请填写办法名称"]
    try:
        clean = scheme_config_clean(dict(config), unit_codes=_unit_codes())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        scheme.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    with transaction.atomic():
        if is_default:
            RankingScheme.objects.filter(is_default=True).update(is_default=False)
        scheme.is_default = is_default
        scheme.created_by = actor
        scheme.save()
        version = _new_version(actor=actor, scheme=scheme, config=clean, number=1, note=note)
        audit.record_create(actor=actor, obj=scheme, note=f"第{version.number}版")
    return scheme


def _new_version(
    *, actor: Any, scheme: RankingScheme, config: dict, number: int, note: str
) -> SchemeVersion:
    version = SchemeVersion.objects.create(
        scheme=scheme,
        number=number,
        config=config,
        config_hash=config_hash(config),
        note=note[:300],
        created_by=actor,
        created_by_name=_name(actor),
    )
    audit.record_create(actor=actor, obj=version, note=note)
    return version


def scheme_update(
    *,
    actor: Any,
    scheme: RankingScheme,
    config: Mapping[str, Any] | None = None,
    name: str | None = None,
    is_default: bool | None = None,
    note: str = "",
) -> SchemeVersion:
    """Edit a scheme: changed rules become a new version (published snapshots keep theirs).

    Returns the current version (unchanged when the rules are the same).
    """
    require(actor, "change", scheme)
    with transaction.atomic():
        scheme = RankingScheme.objects.select_for_update().get(pk=scheme.pk)
        current = scheme.current
        before = audit.snapshot(scheme)
        if name is not None:
            scheme.name = name.strip()
            if not scheme.name:
                raise ValidationError({"name": ["请填写办法名称"]})
        if is_default:
            RankingScheme.objects.exclude(pk=scheme.pk).filter(is_default=True).update(
                is_default=False
            )
        if is_default is not None:
            scheme.is_default = is_default
        scheme.save()
        if audit.snapshot(scheme) != before:
            audit.record_update(actor=actor, obj=scheme, before=before)
        if config is None:
            return current
        clean = scheme_config_clean(dict(config), unit_codes=_unit_codes())
        if current is not None and config_hash(clean) == current.config_hash:
            return current
        require(actor, "add", SchemeVersion)
        number = (current.number if current else 0) + 1
        return _new_version(actor=actor, scheme=scheme, config=clean, number=number, note=note)


# --- publishing ---------------------------------------------------------------------------------


def snapshot_publish(
    *, actor: Any, scheme: RankingScheme, quarter: str | Period, note: str = ""
) -> RankingSnapshot:
    """Freeze a finished quarter of a scheme: inputs, rules version, results and SHA-256.

    One snapshot per scheme and quarter, never changed afterwards. Audited.
    """
    require_perm(actor, "goals.publish_rankingsnapshot")
    require(actor, "add", RankingSnapshot)
    period = parse_quarter(quarter)
    if period.end_exclusive > timezone.localdate():
        raise ValidationError({"quarter": [f"{period.display}尚未结束，不能发布"]})
    if RankingSnapshot.objects.filter(scheme=scheme, quarter=period.label).exists():
        raise ValidationError(
            {"quarter": [f"{scheme.name}{period.display}竞赛榜已发布，不能重复发布"]}
        )
    computation = compute_quarter(scheme_version_of(scheme), period, drilldown=True)
    with transaction.atomic():
        previous = RankingSnapshot.objects.filter(
            scheme=scheme, quarter=period.previous().label
        ).first()
        snapshot = RankingSnapshot(
            scheme=scheme,
            scheme_version=computation.version,
            quarter=period.label,
            period_start=period.start,
            period_end=period.last_day,
            previous=previous,
            inputs=computation.inputs,
            results=computation.results,
            sha256=computation.sha256,
            published_by=actor,
            published_by_name=_name(actor),
        )
        try:
            with transaction.atomic():
                snapshot.save()
        except IntegrityError as exc:
            raise ValidationError({"quarter": ["该季度竞赛榜已发布"]}) from exc
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=snapshot,
            after={
                "scheme": scheme.code,
                "version": computation.version.number,
                "quarter": period.label,
                "sha256": snapshot.sha256,
            },
            note=note or f"发布竞赛榜 {scheme.name} {period.display}",
        )
    return snapshot


def quarters_with_data(until: dt.date | None = None) -> list[Period]:
    """Finished quarters in which any stage change or verified funds month falls."""
    from zhaoshang.core.periods import quarters_between
    from zhaoshang.projects.figures import first_verified_month
    from zhaoshang.projects.models import StageChange

    until = until or timezone.localdate()
    firsts = [
        StageChange.objects.order_by("on").values_list("on", flat=True).first(),
        first_verified_month(),
    ]
    firsts = [d for d in firsts if d is not None]
    if not firsts:
        return []
    return [q for q in quarters_between(min(firsts), until) if q.end_exclusive <= until]
