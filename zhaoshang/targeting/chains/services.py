"""Writes of the gap analysis: its thresholds (one row, edited by the city).

Every function is keyword-only, checks the actor's permission, validates with errors keyed by
field, and writes the change and its audit entry in one transaction. The chain graph itself
(nodes and edges) is written by `industries.services`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import require

from ..models import GapThresholds

THRESHOLD_FIELDS = (
    "fill_below",
    "strengthen_below",
    "strengthen_output_below_wan",
    "strong_min_enterprises",
    "build_chain_below_share",
    "placement_min_confidence",
)


def _validate_thresholds(th: GapThresholds) -> None:
    errors: dict[str, str] = {}

    def whole(name: str, low: int = 0) -> int | None:
        value = getattr(th, name)
        if value is None or int(value) != value or value < low:
            errors[name] = f"应为不小于 {low} 的整数"
            return None
        return int(value)

    def ratio(name: str) -> None:
        value = getattr(th, name)
        if value is None or not Decimal(0) <= Decimal(value) <= Decimal(1):
            errors[name] = "应为 0 到 1 之间的数（如 0.2 表示 20%）"

    fill = whole("fill_below")
    strengthen = whole("strengthen_below")
    whole("strong_min_enterprises", low=1)
    if fill is not None and strengthen is not None and strengthen < fill:
        errors["strengthen_below"] = f"强链阈值不能小于补链阈值（{fill} 家）"
    output = th.strengthen_output_below_wan
    if output is None or Decimal(output) < 0:
        errors["strengthen_output_below_wan"] = "产值阈值不能为负数"
    ratio("build_chain_below_share")
    ratio("placement_min_confidence")
    if errors:
        raise ValidationError(errors)


def gap_thresholds_update(
    *, actor: Any, version: str | None = None, **values: Any
) -> GapThresholds:
    """Change the gap-analysis thresholds (one row, created on first edit); audited.

    `version` is the thresholds' version the editor read (`core.concurrency`; `NEW` before
    the first edit).
    """
    require(actor, "change", GapThresholds)
    unknown = set(values) - set(THRESHOLD_FIELDS)
    if unknown:
        raise ValidationError({NON_FIELD_ERRORS: f"不能修改：{'、'.join(sorted(unknown))}"})
    with transaction.atomic():
        th = GapThresholds.objects.select_for_update().order_by("pk").first()
        check_version(th, version, submitted=values)
        created = th is None
        th = th or GapThresholds()
        before = None if created else audit.snapshot(th)
        for key, value in values.items():
            setattr(th, key, value)
        _validate_thresholds(th)
        th.save()
        th.refresh_from_db()
        if created:
            audit.record_create(actor=actor, obj=th)
        else:
            audit.record_update(actor=actor, obj=th, before=before)
    return th
