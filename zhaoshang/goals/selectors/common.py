"""Shared by the goals selectors: constants, permission gates, the units a user sees."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.core.permissions import Scope, has_model_permission

from ..models import Goal, RankingSnapshot

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part / whole * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def _require_goals(user: Any) -> None:
    if not has_model_permission(user, "view", Goal):
        raise PermissionDenied("没有查看目标与指标的权限")


def _require_rankings(user: Any) -> None:
    if not has_model_permission(user, "view", RankingSnapshot):
        raise PermissionDenied("没有查看竞赛榜的权限")


def _sees_all(user: Any) -> bool:
    return getattr(user, "scope", Scope.NONE) == Scope.ALL


def visible_units(user: Any) -> list[Unit]:
    """Units whose live figures the user may see: all for the city, else their own unit."""
    qs = Unit.objects.exclude(kind=UnitKind.CITY).order_by("sort_order", "code")
    if _sees_all(user):
        return list(qs)
    if getattr(user, "scope", None) == Scope.UNIT and user.unit_id:
        return list(qs.filter(pk=user.unit_id))
    return []


def _unit_for(user: Any, unit_code: str | None) -> Unit | None:
    """The unit asked about (None = the whole city), if the user may see its live figures."""
    if not unit_code:
        return None
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise ValidationError({"unit": [f"未知单位“{unit_code}”"]})
    if unit.is_city:
        return None
    if _sees_all(user) or (getattr(user, "scope", None) == Scope.UNIT and user.unit_id == unit.pk):
        return unit
    raise PermissionDenied("无权查看其他单位的实时指标")
