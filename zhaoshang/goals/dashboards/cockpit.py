"""The city cockpit (a unit's own for a county user): figures, charts, map and tables."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects.models import Stage

from .. import selectors
from ..indicators import INDICATOR_LIST, INDICATORS
from ..models import RankingSnapshot
from .common import (
    DEFAULT_MAP_INDICATOR,
    TOP_PER_TRACK,
    ZERO,
    Column,
    Table,
    _link,
    _pct,
    year_to_date,
)
from .maps import MAP_FEATURES
from .rankings import quarter_title

# --- the cockpit --------------------------------------------------------------------------------


def map_indicators() -> list[dict[str, str]]:
    """The indicators the map can be coloured by: every one in the registry."""
    return [{"key": i.key, "label": i.label, "unit": i.unit} for i in INDICATOR_LIST]


def _map_rows(
    values: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(polygons, others): each polygon of the map with its unit's value; the units without one."""
    by_code = {row["unit"]: row for row in values}
    polygons = []
    for fid, (feature_name, code) in MAP_FEATURES.items():
        row = by_code.get(code)
        if row is None:  # a unit the user may not see: the polygon stays grey
            continue
        polygons.append(
            {
                "name": feature_name,
                "feature": fid,
                "unit": code,
                "unit_name": row["name"],
                "value": row["value"],
            }
        )
    mapped = {code for _, code in MAP_FEATURES.values()}
    others = [
        {"unit": r["unit"], "unit_name": r["name"], "value": r["value"]}
        for r in by_code.values()
        if r["unit"] not in mapped
    ]
    return polygons, others


def map_panel(
    *,
    user: Any,
    year: int,
    indicator: str | None = None,
    by_unit: list[dict[str, Any]] | None = None,
    on: dt.date | None = None,
) -> dict[str, Any]:
    """The map of the county polygons coloured by one indicator, year to date.

    Values from the indicator registry (``selectors.indicator_by_unit``), or, for 到位资金, the
    cockpit's per-unit figures (the same numbers: verified funds of the year to date). Units
    without a polygon (the functional zones) come in ``others`` for the side table.
    """
    key = indicator if indicator in INDICATORS else DEFAULT_MAP_INDICATOR
    period = year_to_date(year, on)
    if key == DEFAULT_MAP_INDICATOR and by_unit is not None:
        values = [
            {"unit": r["unit"], "name": r["name"], "value": r["funds_verified_wan"]}
            for r in by_unit
        ]
    else:
        values = selectors.indicator_by_unit(user=user, key=key, period=period)
    polygons, others = _map_rows(values)
    info = INDICATORS[key]
    query = f"period={period.label}"
    rows, links = [], []
    for r, on_map in [(p, True) for p in polygons] + [(o, False) for o in others]:
        rows.append([r["unit_name"], "有" if on_map else "无（功能区）", r["value"]])
        links.append(_link("goals:indicator", key, query=f"{query}&unit={r['unit']}"))
    table = Table(
        key="map",
        title=f"{period.display}各单位{info.label}（{info.unit}）",
        columns=[
            Column("单位", width=20),
            Column("地图区域", width=12),
            Column(info.unit, "number"),
        ],
        rows=rows,
        links=links,
        note="功能区没有行政区划边界，不在地图上着色，其数值见本表。",
    )
    return {
        "indicator": {"key": key, "label": info.label, "unit": info.unit, "doc": info.doc},
        "period": period.as_dict(),
        "polygons": polygons,
        "others": others,
        "table": table,
        "chart": {
            "indicator": info.label,
            "unit": info.unit,
            # Polygons are renamed to today's unit names in the browser (see map-features), so
            # 茌平县's polygon is 茌平区 in labels, tooltips and data alike.
            "data": [
                {"name": p["unit_name"], "value": float(p["value"]), "unit": p["unit"]}
                for p in polygons
            ],
            "others": [{"name": o["unit_name"], "value": float(o["value"])} for o in others],
        },
    }


COCKPIT_CACHE_SECONDS = 300


def data_version() -> int:
    """A number that changes with every write: the latest audit log entry.

    Every service writes its audit entry in the same transaction as the change (DESIGN.md,
    principle 4), so figures cached under this number are never stale; one index lookup.
    """
    return AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0


def _cockpit_key(user: Any, year: int, indicator: str | None, on: dt.date) -> str:
    # every city-scope user sees the same figures; others their own scope
    who = "all" if user.scope == Scope.ALL else f"user{user.pk}"
    ranking = int(has_model_permission(user, "view", RankingSnapshot))
    # the indicator comes from the query string: hashed, so any text makes a short, safe key
    chosen = hashlib.sha256((indicator or "").encode()).hexdigest()[:16]
    return f"goals:cockpit:{data_version()}:{who}:{ranking}:{year}:{chosen}:{on}"


def cockpit(
    *,
    user: Any,
    year: int,
    indicator: str | None = None,
    on: dt.date | None = None,
    cached: bool = True,
) -> dict[str, Any]:
    """Everything the cockpit page shows: ``selectors.cockpit_data`` plus the map, as tables.

    ``{"data": cockpit_data, "map": map_panel, "tables": {key: Table}, "charts": {key: …}}``.
    Kept in the cache (up to five minutes) under the current `data_version()`: the wall
    displays refreshing every minute and the people opening the cockpit share one
    computation until the next write anywhere.
    """
    on = on or timezone.localdate()
    if cached:
        key = _cockpit_key(user, year, indicator, on)
        found = cache.get(key)
        if found is not None:
            return found
    page = _cockpit(user=user, year=year, indicator=indicator, on=on)
    if cached:
        cache.set(key, page, COCKPIT_CACHE_SECONDS)
    return page


def _cockpit(*, user: Any, year: int, indicator: str | None, on: dt.date) -> dict[str, Any]:
    data = selectors.cockpit_data(user=user, year=year, on=on)
    panel = map_panel(user=user, year=year, indicator=indicator, by_unit=data["by_unit"], on=on)
    unit_code = None if user.scope == Scope.ALL else getattr(user.unit, "code", None)
    tables = cockpit_tables(data, year=year, unit_code=unit_code)
    tables["map"] = panel["table"]
    return {
        "data": data,
        "map": panel,
        "tables": tables,
        "charts": cockpit_charts(data, panel),
    }


def _whole(value: Decimal, unit: str) -> Decimal:
    """Counts as whole numbers (a goal of 33 projects is stored as 33.00)."""
    if unit == "个" and value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


def _gauge_table(gauges: list[dict[str, Any]], year: int, unit_code: str | None) -> Table:
    period = year_to_date(year)
    rows, links = [], []
    for g in gauges:
        u = g["value_unit"]
        rows.append(
            [
                g["label"],
                u,
                _whole(g["target"], u),
                _whole(g["actual"], u),
                g["completion_pct"],
                g["expected_pct"],
                g["expected_value"],
                _whole(g["gap"], u),
                _whole(g["remaining"], u),
            ]
        )
        query = f"period={period.label}" + (f"&unit={unit_code}" if unit_code else "")
        links.append(_link("goals:indicator", g["indicator"], query=query))
    return Table(
        key="gauges",
        title=f"{year}年目标完成情况",
        columns=[
            Column("指标", width=22),
            Column("单位", width=8),
            Column("年度目标", "number"),
            Column("完成值", "number"),
            Column("完成率（%）", "pct"),
            Column("时序进度（%）", "pct"),
            Column("按时序应完成", "number"),
            Column("与时序相差", "number"),
            Column("距目标尚差", "number"),
        ],
        rows=rows,
        links=links,
        note="时序进度：按日历天数计算的全年已过比例；“与时序相差”为负表示落后于时序。",
    )


def funds_month_table(funds: dict[str, Any], year: int, key: str = "funds_by_month") -> Table:
    rows = []
    for month, this, last in zip(
        funds["months"], funds["this_year"], funds["last_year"], strict=True
    ):
        rows.append([f"{month}月", this, last, this - last, _pct(this - last, last)])
    total_this, total_last = sum(funds["this_year"], ZERO), sum(funds["last_year"], ZERO)
    return Table(
        key=key,
        title=f"{year}年与{year - 1}年逐月到位资金（已核实，万元）",
        columns=[
            Column("月份", width=8),
            Column(f"{year}年", "money"),
            Column(f"{year - 1}年", "money"),
            Column("同比增减", "money"),
            Column("同比（%）", "pct"),
        ],
        rows=rows,
        footer=[
            "合计",
            total_this,
            total_last,
            total_this - total_last,
            _pct(total_this - total_last, total_last),
        ],
        note="只计市级核实通过的到位资金记录，按记录所属月份统计。",
    )


def pipeline_table(pipeline: list[dict[str, Any]], key: str = "pipeline") -> Table:
    return Table(
        key=key,
        title="项目阶段分布（当前，全部年度）",
        columns=[
            Column("阶段", width=10),
            Column("项目数", "number"),
            Column("总投资（万元）", "money"),
        ],
        rows=[[p["label"], Decimal(p["count"]), p["investment_wan"]] for p in pipeline],
        links=[_link("projects:list", query=f"stage={p['stage']}") for p in pipeline],
        footer=[
            "项目总数（含终止）",
            Decimal(sum(p["count"] for p in pipeline)),
            sum((p["investment_wan"] for p in pipeline), ZERO),
        ],
    )


def behind_table(rows: list[dict[str, Any]], count: int, key: str = "behind") -> Table:
    return Table(
        key=key,
        title="推进滞后的重点项目（有逾期未完成的推进节点）",
        columns=[
            Column("项目", width=36),
            Column("单位", width=14),
            Column("逾期节点数", "number"),
            Column("最早逾期节点计划日期", "date"),
        ],
        rows=[[r["name"], r["unit"], Decimal(r["overdue"]), r["earliest_due"]] for r in rows],
        links=[_link("projects:detail", r["id"]) for r in rows],
        note=f"共 {count} 个" + ("，仅列出最早逾期的前20个" if count > len(rows) else ""),
    )


def cockpit_tables(
    data: dict[str, Any], *, year: int, unit_code: str | None = None
) -> dict[str, Table]:
    """The table behind each chart of the cockpit (the page and its Excel downloads)."""
    by_unit = data["by_unit"]
    tables = {
        "gauges": _gauge_table(data["gauges"], year, unit_code),
        "funds_by_month": funds_month_table(data["funds_by_month"], year),
        "pipeline": pipeline_table(data["pipeline"]),
        "by_industry": Table(
            key="by_industry",
            title="在库项目按产业（不含已终止）",
            columns=[
                Column("产业", width=20),
                Column("在库项目", "number"),
                Column("总投资（万元）", "money"),
            ],
            rows=[
                [r["name"], Decimal(r["count"]), r["investment_wan"]] for r in data["by_industry"]
            ],
            links=[
                _link("projects:list", query=f"industry={r['industry']}") if r["industry"] else None
                for r in data["by_industry"]
            ],
        ),
        "by_unit": Table(
            key="by_unit",
            title=f"各单位在库项目与{year}年实绩",
            columns=[
                Column("单位", width=20),
                Column("在库项目", "number"),
                Column("在库项目总投资（万元）", "money", 18),
                Column(f"{year}年到位资金（万元）", "money", 18),
                Column(f"{year}年新开工过亿元项目", "number", 18),
            ],
            rows=[
                [
                    r["name"],
                    Decimal(r["count"]),
                    r["investment_wan"],
                    r["funds_verified_wan"],
                    Decimal(r["started_over_100m"]),
                ]
                for r in by_unit
            ],
            links=[_link("goals:unit", r["unit"], query=f"year={year}") for r in by_unit],
            footer=[
                "合计",
                Decimal(sum(r["count"] for r in by_unit)),
                sum((r["investment_wan"] for r in by_unit), ZERO),
                sum((r["funds_verified_wan"] for r in by_unit), ZERO),
                Decimal(sum(r["started_over_100m"] for r in by_unit)),
            ],
        ),
        "ranking": latest_ranking_table(data["latest_ranking"]),
        "behind": behind_table(data["key_behind_schedule"], data["key_behind_schedule_count"]),
    }
    return tables


def latest_ranking_table(ranking: dict[str, Any] | None, top: int = TOP_PER_TRACK) -> Table:
    rows, links = [], []
    title = "最新竞赛榜"
    if ranking:
        title = f"最新竞赛榜：{quarter_title(ranking['quarter'])}（{ranking['scheme']['name']}）"
        for track in ranking["tracks"]:
            for row in track["units"][:top]:
                rows.append(
                    [
                        track["name"],
                        Decimal(row["rank"]),
                        row["unit_name"],
                        Decimal(row["total"]),
                        row["rank_change"],
                    ]
                )
                links.append(None)
    return Table(
        key="ranking",
        title=title,
        columns=[
            Column("赛道", width=10),
            Column("名次", "number", 8),
            Column("单位", width=20),
            Column("总分（分）", "number", 10),
            Column("较上期名次", "change", 10),
        ],
        rows=rows,
        links=links,
        note=f"每个赛道前{top}名" if ranking else "尚未发布竞赛榜",
    )


def _f(value: Any) -> float:
    return float(value or 0)


def gauge_chart(gauges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "label": g["label"],
            "unit": g["value_unit"],
            "completion": _f(g["completion_pct"]),
            "expected": _f(g["expected_pct"]),
            "actual": _f(g["actual"]),
            "target": _f(g["target"]),
        }
        for g in gauges
    ]


def funds_month_chart(funds: dict[str, Any], year: int) -> dict[str, Any]:
    return {
        "year": year,
        "months": [f"{m}月" for m in funds["months"]],
        "this_year": [_f(v) for v in funds["this_year"]],
        "last_year": [_f(v) for v in funds["last_year"]],
    }


def pipeline_chart(pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The funnel: live stages only (终止 is not a step of it)."""
    return [
        {
            "name": p["label"],
            "value": p["count"],
            "investment": _f(p["investment_wan"]),
            "stage": p["stage"],  # its colour: --stage-<stage> (static/css/stages.css)
        }
        for p in pipeline
        if p["stage"] != Stage.DROPPED
    ]


def cockpit_charts(data: dict[str, Any], panel: dict[str, Any]) -> dict[str, Any]:
    """The ECharts inputs (plain JSON numbers), from the same data as the tables."""
    f = _f
    latest = data["latest_ranking"]
    return {
        "gauges": gauge_chart(data["gauges"]),
        "funds_by_month": funds_month_chart(data["funds_by_month"], data["year"]),
        "pipeline": pipeline_chart(data["pipeline"]),
        "by_industry": [
            {"name": r["name"], "value": r["count"], "investment": f(r["investment_wan"])}
            for r in data["by_industry"]
        ],
        "by_unit": [
            {
                "name": r["short_name"],
                "value": r["count"],
                "investment": f(r["investment_wan"]),
                "funds": f(r["funds_verified_wan"]),
            }
            for r in data["by_unit"]
        ],
        "map": panel["chart"],
        "ranking": [
            {
                "name": t["name"],
                "units": [
                    {"name": r["short_name"], "total": f(r["total"]), "rank": r["rank"]}
                    for r in t["units"][:TOP_PER_TRACK]
                ],
            }
            for t in (latest["tracks"] if latest else [])
        ],
    }
