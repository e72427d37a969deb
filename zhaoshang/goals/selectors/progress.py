"""Goals and progress against the calendar; 开门红 (the first quarter)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.core.periods import Period, quarter_period, range_period, year_period

from ..indicators import (
    INDICATOR_LIST,
    INDICATORS,
    Figure,
    evaluate,
)
from ..models import Goal
from .common import CENT, HUNDRED, ZERO, _pct, _require_goals, _unit_for, visible_units

# --- goals --------------------------------------------------------------------------------------


def _progress_period(year: int, on: dt.date) -> Period:
    """January 1st to `on` (clamped to the year)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return range_period(first, min(max(on, first), last))


def _progress_row(goal_target: Decimal, actual: Decimal, share: Decimal) -> dict[str, Any]:
    expected = (goal_target * share).quantize(CENT, ROUND_HALF_UP)
    return {
        "target": goal_target,
        "actual": actual,
        "completion_pct": _pct(actual, goal_target),
        "expected_pct": (share * HUNDRED).quantize(CENT, ROUND_HALF_UP),
        "expected_value": expected,
        "gap": actual - expected,  # negative: behind the calendar
        "remaining": max(goal_target - actual, ZERO),
        "on_track": actual >= expected,
    }


def goal_matrix(
    *, user: Any, year: int, on: dt.date | None = None, known: Mapping[str, Figure] | None = None
) -> list[dict[str, Any]]:
    """Per indicator with a goal in `year`: the city row, the visible units' rows, the shares check.

    ``[{"indicator", "label", "value_unit", "city": row|None, "units": [row + unit, name],
    "shares": {"sum", "difference", "match", "missing": [codes]}}]`` where a row is
    `{target, actual, completion_pct, expected_pct, expected_value, gap, remaining, on_track}`,
    actual is the figure from January 1st to `on` (default today) and expected the calendar
    share of the target. `shares.match` is False when the units' targets do not add up to the
    city's (the flag the city must see). `known` passes figures already computed for that span
    with default options (the cockpit reuses its own aggregates).
    """
    _require_goals(user)
    on = on or timezone.localdate()
    share = year_period(year).elapsed_share(on)
    span = _progress_period(year, on)
    goals = list(Goal.objects.filter(year=year).select_related("unit"))
    by_indicator: dict[str, list[Goal]] = defaultdict(list)
    for goal in goals:
        if goal.indicator in INDICATORS:
            by_indicator[goal.indicator].append(goal)
    units = visible_units(user)
    all_ranked = Unit.objects.exclude(kind=UnitKind.CITY).values_list("code", flat=True)
    out = []
    for key in [i.key for i in INDICATOR_LIST if i.key in by_indicator]:
        indicator = INDICATORS[key]
        figure = (known or {}).get(key)
        if figure is None and on >= dt.date(year, 1, 1):
            figure = evaluate(indicator, span)

        def actual(unit_id: int | None, figure: Figure | None = figure) -> Decimal:
            return figure.value(unit_id) if figure else ZERO

        city_goal = next((g for g in by_indicator[key] if g.unit_id is None), None)
        unit_goals = {g.unit.code: g for g in by_indicator[key] if g.unit_id}
        rows = []
        for unit in units:
            goal = unit_goals.get(unit.code)
            if goal is None:
                continue
            rows.append(
                {"unit": unit.code, "name": unit.name, "short_name": unit.short_name}
                | _progress_row(goal.target, actual(unit.pk), share)
            )
        shares_sum = sum((g.target for g in unit_goals.values()), ZERO)
        city_target = city_goal.target if city_goal else None
        out.append(
            {
                "indicator": key,
                "label": indicator.label,
                "value_unit": indicator.unit,
                "city": _progress_row(city_goal.target, actual(None), share) if city_goal else None,
                "units": rows,
                "shares": {
                    "sum": shares_sum,
                    "difference": shares_sum - city_target if city_target is not None else None,
                    "match": city_target is not None and shares_sum == city_target,
                    "missing": [c for c in all_ranked if c not in unit_goals],
                },
            }
        )
    return out


def goal_progress(
    *,
    user: Any,
    year: int,
    unit_code: str | None = None,
    on: dt.date | None = None,
    known: Mapping[str, Figure] | None = None,
) -> list[dict[str, Any]]:
    """Goal gauges of the city (or one unit): one row per indicator with a goal.

    Row: ``{"indicator", "label", "value_unit", "target", "actual", "completion_pct",
    "expected_pct", "expected_value", "gap", "remaining", "on_track"}`` and, for the city,
    ``"shares"`` (see `goal_matrix`).
    """
    _require_goals(user)
    unit = _unit_for(user, unit_code)
    on = on or timezone.localdate()
    if unit is None:
        return [
            {"indicator": m["indicator"], "label": m["label"], "value_unit": m["value_unit"]}
            | m["city"]
            | {"shares": m["shares"]}
            for m in goal_matrix(user=user, year=year, on=on, known=known)
            if m["city"] is not None
        ]
    share = year_period(year).elapsed_share(on)
    targets = dict(
        Goal.objects.filter(year=year, unit=unit, indicator__in=list(INDICATORS)).values_list(
            "indicator", "target"
        )
    )
    span = _progress_period(year, on)
    rows = []
    for indicator in INDICATOR_LIST:
        if indicator.key not in targets:
            continue
        actual = ZERO
        if on >= dt.date(year, 1, 1):
            figure = (known or {}).get(indicator.key) or evaluate(
                indicator, span, unit_ids=[unit.pk]
            )
            actual = figure.value(unit.pk)
        rows.append(
            {"indicator": indicator.key, "label": indicator.label, "value_unit": indicator.unit}
            | _progress_row(targets[indicator.key], actual, share)
        )
    return rows


def kaimenhong(*, user: Any, year: int) -> dict[str, Any]:
    """开门红: the first quarter of `year` per goal indicator, for the city and visible units.

    ``{"year", "period", "expected_pct", "indicators": [{"indicator", "label", "value_unit",
    "city": {"actual", "target", "completion_pct", "last_year", "growth_pct"},
    "units": [{"unit", "name", "actual", "target", "completion_pct", "last_year",
    "growth_pct", "rank"}]}]}`` — rank by Q1 completion of the annual goal, then by actual.
    """
    _require_goals(user)
    q1, q1_last = quarter_period(year, 1), quarter_period(year - 1, 1)
    expected = year_period(year).elapsed_share(q1.last_day)
    goals = list(
        Goal.objects.filter(year=year, indicator__in=list(INDICATORS)).select_related("unit")
    )
    targets: dict[str, dict[str | None, Decimal]] = defaultdict(dict)
    for goal in goals:
        targets[goal.indicator][goal.unit.code if goal.unit_id else None] = goal.target
    units = visible_units(user)
    out = []
    for indicator in INDICATOR_LIST:
        if indicator.key not in targets:
            continue
        now, before = evaluate(indicator, q1), evaluate(indicator, q1_last)

        def row(unit: Unit | None, now: Figure = now, before: Figure = before, ind=indicator):
            uid = unit.pk if unit else None
            actual, last = now.value(uid), before.value(uid)
            target = targets[ind.key].get(unit.code if unit else None)
            growth = _pct(actual - last, last)
            return {
                "actual": actual,
                "target": target,
                "completion_pct": _pct(actual, target) if target is not None else None,
                "last_year": last,
                "growth_pct": growth,
            }

        unit_rows = [{"unit": u.code, "name": u.name} | row(u) for u in units]
        ordered = sorted(
            unit_rows, key=lambda r: (-(r["completion_pct"] or ZERO), -r["actual"], r["unit"])
        )
        for n, r in enumerate(ordered, start=1):
            r["rank"] = n
        out.append(
            {
                "indicator": indicator.key,
                "label": indicator.label,
                "value_unit": indicator.unit,
                "city": row(None),
                "units": ordered,
            }
        )
    return {
        "year": year,
        "period": q1.as_dict(),
        "expected_pct": (expected * HUNDRED).quantize(CENT, ROUND_HALF_UP),
        "indicators": out,
    }
