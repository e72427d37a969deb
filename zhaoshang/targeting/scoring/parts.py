"""The fixed parts inside each factor (data): tag points, revenue points, signal decay, ties.

Weights *between* factors are configurable (ScoringProfile); the parts here define what each
factor's feature in [0, 1] means, so that the same enterprise always reads the same.
"""

from __future__ import annotations

import datetime as dt
import math

from zhaoshang.enterprises.signals import DECAY

# --- scale and tags -------------------------------------------------------------------------
TAG_POINTS: dict[str, float] = {
    "global500": 1.0,
    "china500": 0.85,
    "private500": 0.75,
    "chain_leader": 0.7,
    "listed": 0.6,
    "unicorn": 0.6,
    "little_giant": 0.55,
    "specialized": 0.35,
    "high_tech": 0.25,
}
TAG_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(TAG_POINTS)}
EXTRA_TAG_POINTS = 0.1  # each further tag beyond the best one
REVENUE_POINTS: dict[str, float] = {
    "ge1e6": 1.0,
    "lt1e6": 0.7,
    "lt1e5": 0.45,
    "lt1e4": 0.2,
    "lt2000": 0.05,
}
REVENUE_CODES = ("", *REVENUE_POINTS)  # index stored in the feature store
TAG_SHARE, REVENUE_SHARE = 0.6, 0.4


def tag_score(mask: int) -> float:
    points = sorted((p for code, p in TAG_POINTS.items() if mask & TAG_BITS[code]), reverse=True)
    if not points:
        return 0.0
    return min(1.0, points[0] + EXTRA_TAG_POINTS * (len(points) - 1))


def scale_feature(tag_mask: int, revenue_band: str) -> float:
    return TAG_SHARE * tag_score(tag_mask) + REVENUE_SHARE * REVENUE_POINTS.get(revenue_band, 0.0)


# --- signals: momentum and risk -------------------------------------------------------------
# (weight, half-life in days) per signal kind, from the enterprise library's decay table
# (`enterprises.signals.DECAY`): growth kinds feed momentum, risk kinds (negative base) risk.
MOMENTUM_SIGNALS: dict[str, tuple[float, float]] = {
    str(kind): (rule.base, float(rule.half_life_days))
    for kind, rule in DECAY.items()
    if rule.base > 0
}
RISK_SIGNALS: dict[str, tuple[float, float]] = {
    str(kind): (-rule.base, float(rule.half_life_days))
    for kind, rule in DECAY.items()
    if rule.base < 0
}
MAX_AGE_DAYS = 3 * 365


def decayed(kind: str, on: dt.date, today: dt.date) -> tuple[float, bool]:
    """(decayed weight, is_risk) of one signal; (0, …) when unknown or too old."""
    table, risk = (RISK_SIGNALS, True) if kind in RISK_SIGNALS else (MOMENTUM_SIGNALS, False)
    spec = table.get(kind)
    if spec is None:
        return 0.0, risk
    age = max(0, (today - on).days)
    if age > MAX_AGE_DAYS:
        return 0.0, risk
    weight, half_life = spec
    return weight * 0.5 ** (age / half_life), risk


def saturate(total: float) -> float:
    """Σ decayed weights → [0, 1): one fresh strong signal ≈ 0.63, two ≈ 0.86."""
    return 1.0 - math.exp(-max(0.0, total))


# --- ties: 乡贤 and existing investment -----------------------------------------------------
NATIVE_OF_UNIT = 1.0  # founder born in the unit's own county
NATIVE_OF_CITY = 0.8  # founder born in Liaocheng (3715xx)
PRESENCE_POINTS = {0: 0.0, 1: 0.4, 2: 0.6}  # 1: invested in Shandong, 2: in Liaocheng
PRESENCE_LABEL = {1: "已在山东投资布局", 2: "已在聊城投资布局"}


def ties_feature(native_unit: bool, native_city: bool, presence: int) -> float:
    native = NATIVE_OF_UNIT if native_unit else NATIVE_OF_CITY if native_city else 0.0
    return min(1.0, native + PRESENCE_POINTS.get(presence, 0.0))


# --- chain fit ------------------------------------------------------------------------------
ADJACENT_SHARE = 0.5  # placed on a node next to the target (supplies it or is supplied)
LINK_POINTS = 0.25  # each supplier/customer relation to a local enterprise on the chain
LINK_CAP = 2
MANUAL_CONFIDENCE = 1.0  # a person's confirmation counts fully
