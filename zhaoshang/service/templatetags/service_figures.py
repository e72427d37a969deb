"""Template helpers of the service figures: one figure's value from a row, shown with its unit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def figure_value(values: dict[str, Any], key: str) -> Any:
    return values.get(key)


@register.filter
def figure_text(value: Decimal | None, unit: str) -> str:
    """ "75.0%", "3.5 个工作日", "12 个"; "—" when there is nothing to compute it from."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value}%"
    if unit == "个":
        return f"{value.quantize(Decimal(1))} 个"
    return f"{value} {unit}"


@register.filter
def bucket_count(distribution: list[tuple[str, int]], label: str) -> int:
    return dict(distribution).get(label, 0)
