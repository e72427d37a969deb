"""The demo city's ranking schemes, 2024 goals and published quarters (called by load_demo).

``ranking_demo_setup(actor=city_admin)`` creates (or brings up to date) two schemes and the 2024
goals; ``publish_past_quarters(actor=…, scheme=…)`` publishes every finished quarter with data
that the scheme applies to. Both go through the services, so everything is validated and audited,
and both are idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from zhaoshang.accounts.models import Track, Unit
from zhaoshang.core.closing import active_close_on, period_close
from zhaoshang.core.periods import Period
from zhaoshang.goals.models import RankingScheme, RankingSnapshot
from zhaoshang.goals.services import goals_set, quarters_with_data, scheme_create, scheme_update

SCHEME_2023 = "2023-method"
SCHEME_2024 = "2024-100-points"

# Each unit's share of the city's goals, in % (adds up to 100).
SHARES: dict[str, int] = {
    "371502": 12, "371503": 10, "371521": 9, "371522": 8, "371524": 8, "371525": 8,
    "371526": 8, "371581": 11, "LCZ01": 11, "LCZ02": 10, "LCZ03": 5,
}  # fmt: skip
# 30 key projects do not divide by percentages: the shares are set by hand (sum 30).
KEY_SHARES: dict[str, int] = {
    "371502": 4, "371503": 3, "371521": 3, "371522": 2, "371524": 2, "371525": 2,
    "371526": 2, "371581": 3, "LCZ01": 4, "LCZ02": 3, "LCZ03": 2,
}  # fmt: skip
GOALS_2024 = {
    "funds_verified": 5_000_000,  # 到位资金 500亿元 = 5,000,000 万元
    "new_started_over_100m": 300,  # 新开工过亿元项目 300 个
    "key_started": 30,  # 30 个重点项目落地开工
}


def _shares(total: int) -> dict[str, int]:
    return {code: total * pct // 100 for code, pct in SHARES.items()}


def config_2023(unit_codes: list[str]) -> dict[str, Any]:
    """The city's earlier method: 到位资金 and its growth, all 11 units in one list."""
    return {
        "title": "2023年全市招商引资“竞赛榜”",
        "years": [2023],
        "total_points": "100",
        "tracks": [{"name": "全市", "units": unit_codes}],
        "indicators": [
            {
                "id": "funds",
                "indicator": "funds_verified",
                "label": "到位资金",
                "weight": "60",
                "method": "efficacy",
                "span": "ytd",
            },
            {
                "id": "funds_growth",
                "indicator": "funds_verified",
                "label": "到位资金同比增幅",
                "weight": "40",
                "method": "growth",
                "span": "ytd",
                "growth_cap": "100",
            },
        ],
        "tie_break": ["funds"],
        "preview": "city_only",
    }


def config_2024() -> dict[str, Any]:
    """A 100-point method in two tracks, with bonuses and a deduction."""
    strict = {"once_only": True, "exclude_same_city": True, "entered_before_close": True}
    return {
        "title": "2024年招商引资“竞赛榜”（百分制）",
        "years": [2024],
        "total_points": "100",
        "tracks": [
            {"name": "县市区", "track": Track.COUNTY.value},
            {"name": "功能区", "track": Track.ZONE.value},
        ],
        "indicators": [
            {
                "id": "funds",
                "indicator": "funds_verified",
                "label": "到位资金完成率",
                "weight": "35",
                "method": "completion",
                "span": "ytd",
                "cap": "120",
                "options": {"exclude_same_city": True, "entered_before_close": True},
            },
            {
                "id": "funds_growth",
                "indicator": "funds_verified",
                "label": "到位资金同比增幅",
                "weight": "10",
                "method": "growth",
                "span": "ytd",
                "growth_cap": "100",
                "options": {"exclude_same_city": True, "entered_before_close": True},
            },
            {
                "id": "started",
                "indicator": "new_started_over_100m",
                "label": "新开工过亿元项目完成率",
                "weight": "25",
                "method": "completion",
                "span": "ytd",
                "cap": "120",
                "options": strict,
            },
            {
                "id": "key_started",
                "indicator": "key_started",
                "label": "重点项目开工完成率",
                "weight": "10",
                "method": "completion",
                "span": "ytd",
                "cap": "120",
                "options": {"once_only": True},
            },
            {
                "id": "signed",
                "indicator": "new_signed_contracted_wan",
                "label": "本季度新签约合同投资",
                "weight": "10",
                "method": "efficacy",
                "span": "quarter",
                "options": strict,
            },
            {
                "id": "fast_start",
                "indicator": "signed_to_started_within_n_months",
                "label": "签约6个月内开工项目",
                "weight": "10",
                "method": "rank_points",
                "span": "quarter",
                "step": "1",
                "options": {"once_only": True, "months": 6},
            },
        ],
        "bonuses": [
            {
                "id": "over_1bn",
                "label": "签约10亿元以上项目（每个+4分）",
                "indicator": "signed_over_1bn",
                "points": "4",
                "exclude": ["over_5bn"],
                "options": {"once_only": True},
            },
            {
                "id": "over_5bn",
                "label": "签约50亿元以上项目（每个+8分）",
                "indicator": "signed_over_5bn",
                "points": "8",
                "options": {"once_only": True},
            },
            {
                "id": "top500",
                "label": "中国企业500强、民营企业500强投资项目（每个+10分）",
                "indicator": "top500_projects",
                "points": "10",
                "options": {"once_only": True, "tags": ["china500", "private500"]},
            },
        ],
        "deductions": [
            {
                "id": "not_started",
                "label": "签约6个月未开工项目（每个−0.1分，最多−3分）",
                "indicator": "signed_not_started_within_n_months",
                "points": "0.1",
                "max": "3",
                "options": {"once_only": True, "months": 6},
            }
        ],
        "bonus_cap": "20",
        "tie_break": ["funds", "started"],
        "preview": "own_unit",
    }


def _ranked_unit_codes() -> list[str]:
    return list(
        Unit.objects.filter(track__in=[Track.COUNTY, Track.ZONE])
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    )


def _scheme(*, actor: Any, code: str, name: str, config: dict, is_default: bool) -> RankingScheme:
    scheme = RankingScheme.objects.filter(code=code).first()
    if scheme is None:
        return scheme_create(
            actor=actor, code=code, name=name, config=config, is_default=is_default, note="演示"
        )
    scheme_update(actor=actor, scheme=scheme, config=config, is_default=is_default, note="演示")
    return scheme


def ranking_demo_setup(*, actor: Any) -> dict[str, RankingScheme]:
    """Create the demo's two ranking schemes and its 2024 goals (idempotent); returns the schemes.

    "2023年办法": 到位资金 (efficacy) and its growth, one list of the 11 units.
    "2024年百分制": 100 points in two tracks (县市区 / 功能区), completion against the 2024 goals,
    growth, efficacy and rank points, per-project bonuses and a deduction.
    Goals 2024: 到位资金 500亿元, 300 新开工过亿元项目, 30 重点项目开工, with unit shares adding up.
    """
    codes = [c for c in _ranked_unit_codes() if c in SHARES]
    for indicator, total in GOALS_2024.items():
        shares = KEY_SHARES if indicator == "key_started" else _shares(total)
        goals_set(
            actor=actor,
            year=2024,
            indicator=indicator,
            city_target=total,
            shares={c: shares[c] for c in codes},
            note="2024年全市招商引资目标任务分解",
        )
    return {
        SCHEME_2023: _scheme(
            actor=actor,
            code=SCHEME_2023,
            name="2023年办法",
            config=config_2023(codes),
            is_default=False,
        ),
        SCHEME_2024: _scheme(
            actor=actor,
            code=SCHEME_2024,
            name="2024年百分制",
            config=config_2024(),
            is_default=True,
        ),
    }


def publish_past_quarters(
    *,
    actor: Any,
    scheme: RankingScheme,
    close: bool = False,
    until: dt.date | None = None,
    before_each: Callable[[Period], None] | None = None,
) -> list[RankingSnapshot]:
    """Publish every finished quarter with data that `scheme` applies to and is not yet published.

    With `close=True` each quarter is first closed (关账), as the city would before publishing.
    `before_each(quarter)` runs before each quarter's close and publication — load_demo can move
    its simulated clock there (e.g. to ten days after the quarter's end) so the close and the
    publication carry a realistic date; pass `until` (e.g. the demo's reference date) as well,
    since "finished quarters" are otherwise counted from the clock's date at the call. Returns
    the snapshots published now, oldest first.
    """
    from zhaoshang.goals.services import snapshot_publish

    years = set(scheme.current.config["years"])
    published = set(scheme.snapshots.values_list("quarter", flat=True))
    out = []
    for quarter in quarters_with_data(until):
        if years and quarter.year not in years:
            continue
        if quarter.label in published:
            continue
        if before_each is not None:
            before_each(quarter)
        if close and active_close_on(quarter.start) is None:
            period_close(actor=actor, period=quarter, note="季度竞赛榜发布前关账")
        out.append(snapshot_publish(actor=actor, scheme=scheme, quarter=quarter))
    return out
