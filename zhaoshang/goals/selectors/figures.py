"""Indicator figures for a unit (or the city) and a period, with the records behind them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from zhaoshang.core.periods import Period, parse_period

from ..indicators import (
    INDICATOR_LIST,
    Figure,
    drilldown,
    evaluate,
    get_indicator,
)
from ..indicators import parse_options as _parse_options
from .common import _require_goals, _unit_for, visible_units

# --- indicators ---------------------------------------------------------------------------------


def indicator_catalogue() -> list[dict[str, Any]]:
    """Every registered indicator with its Chinese label, unit, definition and options."""
    return [i.describe() for i in INDICATOR_LIST]


def _figure(key: str, period: str | Period, options: Mapping[str, Any] | None, **kw) -> Figure:
    indicator = get_indicator(key)
    parsed = _parse_options(indicator, options)
    return evaluate(indicator, parse_period(period), parsed, **kw)


def indicator_value(
    *,
    user: Any,
    key: str,
    unit_code: str | None,
    period: str | Period,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One figure for one unit (or the city when `unit_code` is empty) and period.

    Returns ``{"indicator", "label", "value", "value_unit", "unit", "unit_name", "period",
    "options", "records", "records_visible"}``: `records` counts the records behind the figure,
    `records_visible` those the user may open (see `indicator_records`).
    """
    _require_goals(user)
    indicator = get_indicator(key)
    parsed_period = parse_period(period)
    unit = _unit_for(user, unit_code)
    figure = _figure(key, parsed_period, options, records=indicator.in_python)
    records = drilldown(figure, unit.pk if unit else None)
    value = figure.value(unit.pk if unit else None)
    model = indicator.model
    return {
        "indicator": indicator.key,
        "label": indicator.label,
        "value": value,
        "value_unit": indicator.unit,
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else "全市",
        "period": parsed_period.as_dict(),
        "options": figure.options.as_dict(indicator),
        "records": records.count(),
        "records_visible": records.filter(
            pk__in=model.objects.restrict(user, "view").values("pk")
        ).count(),
    }


def indicator_records(
    *,
    user: Any,
    key: str,
    unit_code: str | None,
    period: str | Period,
    options: Mapping[str, Any] | None = None,
) -> QuerySet:
    """The records behind a figure that the user may open (projects or funds records)."""
    _require_goals(user)
    indicator = get_indicator(key)
    unit = _unit_for(user, unit_code)
    figure = _figure(key, period, options, records=indicator.in_python)
    qs = drilldown(figure, unit.pk if unit else None)
    return qs.restrict(user, "view").select_related(indicator.unit_relation)


def indicator_by_unit(
    *, user: Any, key: str, period: str | Period, options: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One figure for every unit the user may see (the map and the unit bar charts)."""
    _require_goals(user)
    figure = _figure(key, period, options)
    return [
        {
            "unit": u.code,
            "name": u.name,
            "short_name": u.short_name,
            "division_code": u.division_code,
            "track": u.track,
            "value": figure.value(u.pk),
        }
        for u in visible_units(user)
    ]
