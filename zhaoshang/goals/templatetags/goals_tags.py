"""Template filters of the dashboard and ranking pages: table cells by kind, rank changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from zhaoshang.core.templatetags.zs import EMPTY, num, wan

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def plain(value: Any) -> str:
    """A Decimal as given, with thousands separators: 300 → "300", 1234.5 → "1,234.5"."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    if amount == amount.to_integral_value() and amount.as_tuple().exponent >= 0:
        return f"{int(amount):,}"
    return f"{amount:,}"


@register.filter
def cell(value: Any, kind: str = "text") -> str:
    """One table cell shown by its column's kind (see dashboards.Column)."""
    if value is None or value == "":
        return EMPTY
    if kind == "money":
        return num(value)
    if kind == "pct":
        amount = _decimal(value)
        return EMPTY if amount is None else f"{amount:,.2f}%"
    if kind == "number":
        return plain(value)
    if kind == "date" and isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if kind == "change":
        return rank_change(value)
    return str(value)


@register.filter
def points(value: Any) -> str:
    """A score of the 竞赛榜 with its unit: 86.5 → "86.50 分"."""
    amount = _decimal(value)
    return EMPTY if amount is None else f"{amount:,.2f} 分"


@register.filter
def rank_change(value: Any) -> str:
    """Change of rank against the previous quarter: ↑2, ↓1, 持平, or — when there was none."""
    if value is None or value == "":
        return EMPTY
    change = int(value)
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template, or None."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def zip_cells(row: list[Any], columns: list[Any]) -> list[tuple[Any, Any]]:
    """Pairs (value, column) of a table row."""
    return list(zip(row, columns, strict=False))


@register.filter
def negative(value: Any) -> bool:
    amount = _decimal(value)
    return amount is not None and amount < 0


@register.filter
def measure(value: Any, unit: str = "") -> str:
    """A figure with its unit: 万元 always in 万元, counts as whole numbers (33.00 → "33 个")."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    if unit == "万元":
        return wan(amount)
    if unit == "个":
        return f"{int(amount.to_integral_value()):,} 个"
    return f"{plain(amount)} {unit}".strip()
