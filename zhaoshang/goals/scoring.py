"""Scoring methods of the ranking schemes: pure functions on Decimals, no database.

Every score is rounded once, at the end, to 0.01 (half up); totals add the rounded scores, so
the published columns always add up to the published total.

* ``completion(actual, goal, weight, cap)``: rate = actual ÷ goal × 100, capped at ``cap`` %;
  score = rate × weight ÷ 100. A goal of 0 is a unit without a task: rate 100.
* ``efficacy(values, weight)``: (x − min) ÷ (max − min) × 40 + 60 within the track, × weight
  ÷ 100 — the worst gets 60 % of the weight, the best all of it; all equal → full marks.
* ``rank_points(values, weight, step, floor)``: the best value gets the weight, each next rank
  ``step`` less (equal values share a rank and its points), never below ``floor``.
* ``growth_rates(values, baseline, cap)``: change against last year in %, (x − b) ÷ b × 100,
  capped at ``cap``; from nothing (b = 0) to something counts as ``cap``, nothing to nothing 0.
* ``rank(rows, tie_break)``: 1, 2, 3 … by total, equal totals by the listed scores (then the
  listed values), then by unit code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def completion_rate(actual: Decimal, goal: Decimal, cap: Decimal) -> Decimal:
    """Completion in % (unrounded), capped at `cap`."""
    if goal <= 0:
        return HUNDRED
    return min(actual / goal * HUNDRED, cap)


def completion(actual: Decimal, goal: Decimal, *, weight: Decimal, cap: Decimal) -> Decimal:
    return r2(completion_rate(actual, goal, cap) * weight / HUNDRED)


def efficacy(values: Mapping[str, Decimal], *, weight: Decimal) -> dict[str, Decimal]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high == low:
        return {k: r2(weight) for k in values}
    return {
        k: r2(((v - low) / (high - low) * 40 + 60) * weight / HUNDRED) for k, v in values.items()
    }


def competition_ranks(values: Mapping[str, Decimal]) -> dict[str, int]:
    """1224 ranking: equal values share the better rank, descending."""
    ordered = sorted(values.values(), reverse=True)
    return {k: ordered.index(v) + 1 for k, v in values.items()}


def rank_points(
    values: Mapping[str, Decimal], *, weight: Decimal, step: Decimal, floor: Decimal = Decimal(0)
) -> dict[str, Decimal]:
    ranks = competition_ranks(values)
    return {k: r2(max(weight - (ranks[k] - 1) * step, floor)) for k in values}


def growth_rate(value: Decimal, baseline: Decimal, *, cap: Decimal) -> Decimal:
    if baseline <= 0:
        return cap if value > 0 else Decimal(0)
    return min((value - baseline) / baseline * HUNDRED, cap)


def growth_rates(
    values: Mapping[str, Decimal], baseline: Mapping[str, Decimal], *, cap: Decimal
) -> dict[str, Decimal]:
    return {k: growth_rate(v, baseline.get(k, Decimal(0)), cap=cap) for k, v in values.items()}


def rank(rows: Sequence[Mapping[str, Any]], tie_break: Sequence[str]) -> list[Mapping[str, Any]]:
    """Sort rows ({"unit", "total", "scores", "values"}) best first; equal totals by tie_break."""

    def key(row: Mapping[str, Any]) -> tuple:
        parts: list[Any] = [-Decimal(row["total"])]
        for entry in tie_break:
            parts.append(-Decimal(row["scores"].get(entry, 0)))
            parts.append(-Decimal(row["values"].get(entry, 0)))
        parts.append(row["unit"])
        return tuple(parts)

    return sorted(rows, key=key)
