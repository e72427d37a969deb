"""The named factors of a recommendation score, their default weights and weight validation.

score = Σ weight_f · sign_f · feature_f, every feature in [0, 1]; a factor's contribution is
its term of the sum, rounded to 0.01, and the displayed score is the sum of the rounded
contributions, so the two always add up. The parts inside each factor are fixed here (data,
not if-chains); the weights between factors are what a campaign configures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    sign: int  # +1 adds to the score, −1 subtracts
    default_weight: float
    help: str


FACTORS: tuple[Factor, ...] = (
    Factor("chain_fit", "产业链匹配", +1, 40,
           "企业所在环节与目标环节的匹配度（自动/人工归链及置信度，相邻环节折半），"
           "加上与本地链上企业的供应/客户关系"),
    Factor("scale", "规模与标签", +1, 20,
           "三类500强、上市、链主、小巨人、专精特新等标签，以及营收规模"),
    Factor("momentum", "发展势头", +1, 15,
           "近期省外设厂、扩产、融资、拿地、中标、招聘等动态，按时间衰减"),
    Factor("geography", "区位与交通", +1, 10,
           "注册地到聊城西站的高铁时间（济郑高铁沿线优先）及长三角、京津冀、珠三角等重点区域"),
    Factor("ties", "乡情与在鲁投资", +1, 10,
           "创始人籍贯为聊城（乡贤），或已通过子公司/投资在山东、聊城布局"),
    Factor("risk", "经营风险", -1, 20, "经营异常、涉诉等风险动态，按时间衰减（扣分）"),
    Factor("recent_contact", "近期已接触", -1, 15,
           "近N个月内已有以该企业为投资方的项目或线索（扣分，避免重复对接）"),
)  # fmt: skip
FACTOR_CODES = tuple(f.code for f in FACTORS)
FACTOR_BY_CODE = {f.code: f for f in FACTORS}
MAX_WEIGHT = 100
DEFAULT_RECENT_CONTACT_MONTHS = 12


def default_weights() -> dict[str, float]:
    return {f.code: float(f.default_weight) for f in FACTORS}


def validate_weights(raw: Any) -> dict[str, float]:
    """A complete weights mapping (missing factors take their default); errors name the factor."""
    if not isinstance(raw, Mapping):
        raise ValidationError({"weights": ["权重须为“因素: 数值”的对象"]})
    errors: list[str] = []
    unknown = sorted(set(raw) - set(FACTOR_CODES))
    if unknown:
        errors.append(f"未知的评分因素：{'、'.join(map(str, unknown))}")
    weights = default_weights()
    for code in FACTOR_CODES:
        if code not in raw:
            continue
        value = raw[code]
        label = FACTOR_BY_CODE[code].label
        if isinstance(value, bool):
            errors.append(f"{label}的权重须为数值")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.append(f"{label}的权重须为数值")
            continue
        if not (0 <= number <= MAX_WEIGHT) or number != number:
            errors.append(f"{label}的权重须在0到{MAX_WEIGHT}之间")
            continue
        weights[code] = round(number, 2)
    if not errors and not any(weights[f.code] for f in FACTORS if f.sign > 0):
        errors.append("至少一个加分因素的权重须大于0")
    if errors:
        raise ValidationError({"weights": errors})
    return weights


def signed_weights(weights: Mapping[str, float]) -> dict[str, float]:
    return {f.code: f.sign * float(weights[f.code]) for f in FACTORS}
