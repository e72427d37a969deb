"""How much a signal (企业动态) still says about an enterprise: a declarative table of base
weights and half-lives per kind, and `decayed_weight(signal, today)`.

weight(age) = base × 0.5 ** (age_days / half_life_days)

Half-lives follow how long each kind of news stays predictive of an investment decision:
a hiring surge is stale within a season; an announced expansion or land purchase drives
decisions for a year or more; a financing round is spent in about a year; a risk mark
(经营异常) is lifted or confirmed within months, while litigation lingers longer. Risk kinds carry
a negative base, so a sum of decayed weights nets momentum against risk. Not a signal's
`amount_wan` but only its kind and age count here; scoring may add amounts as its own factor.
This module holds no Django signal handlers (the project keeps business logic out of them).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from .models import SignalKind


@dataclass(frozen=True)
class Decay:
    base: float  # weight on the day it happened (negative: a risk)
    half_life_days: int


DECAY: dict[str, Decay] = {
    SignalKind.BRANCH_OUT_OF_PROVINCE: Decay(base=1.0, half_life_days=365),
    SignalKind.FINANCING: Decay(base=0.8, half_life_days=270),
    SignalKind.EXPANSION: Decay(base=1.0, half_life_days=365),
    SignalKind.TENDER_WON: Decay(base=0.5, half_life_days=180),
    SignalKind.LAND_ACQUIRED: Decay(base=0.9, half_life_days=540),
    SignalKind.HIRING_SURGE: Decay(base=0.4, half_life_days=90),
    SignalKind.ABNORMAL_OPERATION: Decay(base=-1.0, half_life_days=180),
    SignalKind.LITIGATION: Decay(base=-0.6, half_life_days=365),
}
assert set(DECAY) == set(SignalKind.values), "every signal kind needs a decay rule"


def half_life(kind: str) -> int:
    return DECAY[kind].half_life_days


def decay_factor(kind: str, age_days: float) -> float:
    """0.5 ** (age / half-life); a signal dated in the future counts as today's."""
    return math.pow(0.5, max(age_days, 0.0) / DECAY[kind].half_life_days)


def decayed_weight(signal: Any, today: dt.date) -> float:
    """The signal's weight on `today` (anything with `.kind` and `.on`)."""
    rule = DECAY[signal.kind]
    return rule.base * decay_factor(signal.kind, (today - signal.on).days)


def momentum(signals: list[Any], today: dt.date) -> float:
    """The sum of decayed weights of the positive kinds (growth news)."""
    return sum(w for s in signals if (w := decayed_weight(s, today)) > 0)


def risk(signals: list[Any], today: dt.date) -> float:
    """The sum of decayed weights of the risk kinds, as a positive number."""
    return -sum(w for s in signals if (w := decayed_weight(s, today)) < 0)
