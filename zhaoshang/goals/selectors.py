"""Reads for goals, indicators, rankings and dashboards — what pages, API and exports call.

Permissions. Live figures need ``goals.view_goal``; published rankings ``goals.view_rankingsnapshot``
(else PermissionDenied → 403). A user of the city (scope *all*) may ask about any unit; a county
or zone user about the city as a whole and their own unit only. The records behind a figure
(drill-down) always go through ``.restrict(user, "view")``, so nobody opens another unit's
record. A published ranking is seen whole by everyone permitted; before publication
(``ranking_preview``) the city sees everything and a unit sees only its own row and records, and
only if the scheme's ``preview`` is ``own_unit``.

All amounts are ``Decimal`` (万元 unless the indicator says 万美元); counts are whole Decimals.
Dates are ``datetime.date``. Every function is keyword-only and documented with its shape.

Selectors
    indicator_catalogue()                               → [{key, label, unit, doc, source, options}]
    indicator_value(user, key, unit_code, period, options) → {value, indicator, unit, period, …}
    indicator_records(user, key, unit_code, period, options) → QuerySet (restricted drill-down)
    indicator_by_unit(user, key, period, options)       → [{unit, name, division_code, value}] (maps)
    goal_progress(user, year, unit_code, on)            → [{indicator, target, actual, completion_pct,
                                                           expected_pct, expected_value, gap, …}]
    goal_matrix(user, year, on)                         → per indicator: city row + unit rows + shares
    kaimenhong(user, year)                              → 开门红: Q1 per unit vs goal and last year
    unit_dashboard(user, unit_code, year)               → a unit's goals, rank and what it lacks
    ranking_published(user, quarter, scheme)            → {hash, scheme, tracks: [{name, units: …}]}
    ranking_latest(user, scheme)                        → the newest published ranking, or None
    ranking_drilldown(user, quarter, scheme, column, unit_code) → frozen records of one number
    ranking_preview(user, scheme, quarter)              → a live (unpublished) computation
    snapshots_for(user, scheme)                         → QuerySet of published snapshots
    period_closes(user)                                 → QuerySet of closes, newest first
    cockpit_data(user, year)                            → the city cockpit in a handful of queries
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.industries.models import Industry
from zhaoshang.projects.models import (
    FundsRecord,
    FundsStatus,
    Milestone,
    Project,
    Stage,
)
from zhaoshang.projects.services.funds_totals import funds_sums

from .indicators import (
    INDICATOR_LIST,
    INDICATORS,
    Figure,
    Options,
    drilldown,
    evaluate,
    get_indicator,
)
from .indicators import parse_options as _parse_options
from .models import Goal, PeriodClose, RankingScheme, RankingSnapshot
from .periods import Period, parse_period, quarter_period, range_period, year_period
from .ranking import compute_quarter, parse_quarter, scheme_version_of

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part / whole * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def _require_goals(user: Any) -> None:
    if not has_model_permission(user, "view", Goal):
        raise PermissionDenied("没有查看目标与指标的权限")


def _require_rankings(user: Any) -> None:
    if not has_model_permission(user, "view", RankingSnapshot):
        raise PermissionDenied("没有查看竞赛榜的权限")


def _sees_all(user: Any) -> bool:
    return getattr(user, "scope", Scope.NONE) == Scope.ALL


def visible_units(user: Any) -> list[Unit]:
    """Units whose live figures the user may see: all for the city, else their own unit."""
    qs = Unit.objects.exclude(kind=UnitKind.CITY).order_by("sort_order", "code")
    if _sees_all(user):
        return list(qs)
    if getattr(user, "scope", None) == Scope.UNIT and user.unit_id:
        return list(qs.filter(pk=user.unit_id))
    return []


def _unit_for(user: Any, unit_code: str | None) -> Unit | None:
    """The unit asked about (None = the whole city), if the user may see its live figures."""
    if not unit_code:
        return None
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise ValidationError({"unit": [f"未知单位“{unit_code}”"]})
    if unit.is_city:
        return None
    if _sees_all(user) or (getattr(user, "scope", None) == Scope.UNIT and user.unit_id == unit.pk):
        return unit
    raise PermissionDenied("无权查看其他单位的实时指标")


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
    return qs.restrict(user, "view").select_related(
        "project__unit" if indicator.source == "funds" else "unit"
    )


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


# --- rankings -----------------------------------------------------------------------------------


def _scheme_or_default(scheme: RankingScheme | str | None) -> RankingScheme | None:
    if isinstance(scheme, RankingScheme):
        return scheme
    if scheme:
        found = RankingScheme.objects.filter(code=scheme).first()
        if found is None:
            raise ValidationError({"scheme": [f"未知考核办法“{scheme}”"]})
        return found
    return None


def snapshot_get(*, user: Any, quarter: str, scheme: RankingScheme | str | None = None):
    """The published snapshot of a quarter (the given scheme, else the default one, else the
    latest published for that quarter), or None."""
    _require_rankings(user)
    period = parse_quarter(quarter)
    chosen = _scheme_or_default(scheme)
    # The frozen inputs (megabytes at city scale) load only when a drill-down reads them.
    qs = RankingSnapshot.objects.restrict(user, "view").filter(quarter=period.label).defer("inputs")
    qs = qs.select_related("scheme", "scheme_version")
    if chosen is not None:
        return qs.filter(scheme=chosen).first()
    return qs.order_by("-scheme__is_default", "-published_at", "-id").first()


def snapshot_summary(snapshot: RankingSnapshot) -> dict[str, Any]:
    """The API shape of a published ranking."""
    results = snapshot.results
    return {
        "hash": snapshot.sha256,
        "scheme": {
            "code": snapshot.scheme.code,
            "name": snapshot.scheme.name,
            "version": snapshot.scheme_version.number,
        },
        "quarter": snapshot.quarter,
        "period": results["period"],
        "title": results.get("title", ""),
        "published_at": snapshot.published_at,
        "published_by": snapshot.published_by_name,
        "columns": results["columns"],
        "tracks": results["tracks"],
    }


def ranking_published(
    *, user: Any, quarter: str, scheme: RankingScheme | str | None = None
) -> dict[str, Any] | None:
    """A published ranking: ``{"hash", "scheme", "quarter", "period", "title", "published_at",
    "published_by", "columns", "tracks": [{"name", "units": [{"unit", "unit_name", "scores",
    "values", "rates", "bonus", "deduction", "total", "rank", "previous_rank", "rank_change"}]}]}``
    or None when that quarter is not published."""
    snapshot = snapshot_get(user=user, quarter=quarter, scheme=scheme)
    return snapshot_summary(snapshot) if snapshot else None


def ranking_latest(
    *, user: Any, scheme: RankingScheme | str | None = None
) -> dict[str, Any] | None:
    """The most recent published ranking (of the scheme, else of any, the default first)."""
    _require_rankings(user)
    chosen = _scheme_or_default(scheme)
    qs = (
        RankingSnapshot.objects.restrict(user, "view")
        .select_related("scheme", "scheme_version")
        .defer("inputs")  # megabytes at city scale; read only by drill-downs
    )
    if chosen is not None:
        qs = qs.filter(scheme=chosen)
    snapshot = qs.order_by("-period_start", "-scheme__is_default", "-published_at").first()
    return snapshot_summary(snapshot) if snapshot else None


def snapshots_for(*, user: Any, scheme: RankingScheme | str | None = None) -> QuerySet:
    """Published snapshots the user may see, newest quarter first."""
    _require_rankings(user)
    qs = (
        RankingSnapshot.objects.restrict(user, "view")
        .select_related("scheme", "scheme_version")
        .defer("inputs")  # megabytes at city scale; read only by drill-downs
    )
    chosen = _scheme_or_default(scheme)
    if chosen is not None:
        qs = qs.filter(scheme=chosen)
    return qs.defer("inputs").order_by("-period_start", "scheme__code")


def _record_labels(user: Any, model_label: str, ids: list[int]) -> dict[int, str]:
    """Names of the records the user may open (others stay ids only)."""
    if model_label == "projects.project":
        qs = Project.objects.restrict(user, "view").filter(pk__in=ids)
        return {p.pk: p.name for p in qs.only("pk", "name")}
    if model_label == "projects.fundsrecord":
        qs = FundsRecord.objects.restrict(user, "view").filter(pk__in=ids)
        return {f.pk: str(f) for f in qs.select_related("project")}
    return {}


def _drill(user: Any, figure: dict[str, Any], unit_code: str) -> dict[str, Any]:
    row = figure["units"].get(unit_code)
    if row is None:
        raise ValidationError({"unit": [f"单位“{unit_code}”不在该竞赛榜中"]})
    records = row.get("records", [])
    labels = _record_labels(user, figure["model"], [pk for pk, _ in records])
    return {
        "indicator": figure["indicator"],
        "period": figure["period"],
        "options": figure["options"],
        "model": figure["model"],
        "unit": unit_code,
        "value": row["value"],
        "records": [
            {"id": pk, "contribution": amount, "visible": pk in labels, "label": labels.get(pk)}
            for pk, amount in records
        ],
    }


def ranking_drilldown(
    *,
    user: Any,
    quarter: str,
    column: str,
    unit_code: str,
    scheme: RankingScheme | str | None = None,
) -> dict[str, Any] | None:
    """The frozen records behind one number of a published ranking.

    ``{"indicator", "period", "options", "model", "unit", "value", "records": [{"id",
    "contribution", "visible", "label"}], "baseline": same|None}`` — ids and contributions are
    part of the published snapshot; names only for records the user may open.
    """
    snapshot = snapshot_get(user=user, quarter=quarter, scheme=scheme)
    if snapshot is None:
        return None
    figures = snapshot.inputs["figures"]
    if column not in figures:
        raise ValidationError({"column": [f"竞赛榜中没有“{column}”这一项"]})
    out = _drill(user, figures[column], unit_code)
    base = figures.get(f"{column}@base")
    out["baseline"] = _drill(user, base, unit_code) if base else None
    return out


def _preview_allowed(user: Any, config: dict) -> Unit | None:
    """None when the user sees the whole preview; their unit when only their own row."""
    _require_rankings(user)
    if _sees_all(user):
        return None
    own_unit = config.get("preview") == "own_unit"
    if own_unit and getattr(user, "scope", None) == Scope.UNIT and user.unit_id:
        return user.unit
    raise PermissionDenied("竞赛榜发布前仅市级可见")


def ranking_preview(
    *, user: Any, scheme: RankingScheme | str, quarter: str, drilldown_records: bool = True
) -> dict[str, Any]:
    """A quarter computed now from live records (not published, no hash) as the user may see it.

    Same shape as `ranking_published` without hash and publication fields, plus ``"figures"``
    (the drill-down inputs, only the user's own unit's for a county user).
    """
    version = scheme_version_of(_scheme_or_default(scheme) or scheme)
    own = _preview_allowed(user, version.config)
    computation = compute_quarter(version, quarter, drilldown=drilldown_records)
    results, inputs = computation.results, computation.inputs
    figures = inputs["figures"]
    tracks = results["tracks"]
    if own is not None:
        tracks = [
            {"name": t["name"], "units": [r for r in t["units"] if r["unit"] == own.code]}
            for t in tracks
        ]
        tracks = [t for t in tracks if t["units"]]
        figures = {
            key: {**fig, "units": {c: v for c, v in fig["units"].items() if c == own.code}}
            for key, fig in figures.items()
        }
    return {
        "scheme": results["scheme"],
        "quarter": results["quarter"],
        "period": results["period"],
        "title": results.get("title", ""),
        "columns": results["columns"],
        "tracks": tracks,
        "figures": figures,
        "published": RankingSnapshot.objects.filter(
            scheme=version.scheme, quarter=results["quarter"]
        ).exists(),
    }


def period_closes(*, user: Any) -> QuerySet:
    """Closes and reopens, newest period first (who, when, why)."""
    return PeriodClose.objects.restrict(user, "view").order_by("-start", "-closed_at")


# --- dashboards ---------------------------------------------------------------------------------


def unit_dashboard(*, user: Any, unit_code: str, year: int) -> dict[str, Any]:
    """A unit's own page: its goals against the calendar, what it still lacks, its latest rank.

    ``{"unit", "name", "goals": [goal_progress rows], "lacking": [{indicator, label, remaining,
    behind_calendar}], "rank": {"quarter", "scheme", "track", "rank", "of", "total",
    "rank_change"}|None}``
    """
    unit = _unit_for(user, unit_code)
    if unit is None:
        raise ValidationError({"unit": ["请选择县市区或功能区"]})
    goals = goal_progress(user=user, year=year, unit_code=unit.code)
    lacking = [
        {
            "indicator": g["indicator"],
            "label": g["label"],
            "value_unit": g["value_unit"],
            "remaining": g["remaining"],
            "behind_calendar": max(-g["gap"], ZERO),
        }
        for g in goals
        if g["remaining"] > 0
    ]
    rank = None
    if has_model_permission(user, "view", RankingSnapshot):
        latest = ranking_latest(user=user)
        for track in (latest or {}).get("tracks", []):
            for row in track["units"]:
                if row["unit"] == unit.code:
                    rank = {
                        "quarter": latest["quarter"],
                        "scheme": latest["scheme"]["name"],
                        "track": track["name"],
                        "rank": row["rank"],
                        "of": len(track["units"]),
                        "total": row["total"],
                        "rank_change": row["rank_change"],
                    }
    return {"unit": unit.code, "name": unit.name, "goals": goals, "lacking": lacking, "rank": rank}


def _overdue_milestones(on: dt.date) -> QuerySet:
    return Milestone.objects.filter(project_id=OuterRef("pk"), done_on__isnull=True, due_on__lt=on)


def cockpit_data(*, user: Any, year: int, on: dt.date | None = None) -> dict[str, Any]:
    """The city cockpit (a unit's own figures for a county user), in a handful of SQL aggregates.

    ``{"year", "on", "gauges": goal_progress rows, "funds_by_month": {"months": [1..12],
    "this_year": [12 Decimals], "last_year": [12 Decimals]}, "pipeline": [{"stage", "label",
    "count", "investment_wan"}], "by_industry": [{"industry", "name", "count",
    "investment_wan"}], "by_unit": [{"unit", "name", "short_name", "division_code", "count",
    "investment_wan", "funds_verified_wan", "started_over_100m"}], "latest_ranking":
    ranking_latest()|None, "key_behind_schedule": [{"id", "name", "unit", "overdue",
    "earliest_due"}], "key_behind_schedule_count"}``

    `funds_verified_wan` and `started_over_100m` of a unit are this year's to `on` — the same
    figures as the indicators funds_verified and new_started_over_100m with default options.
    """
    _require_goals(user)
    on = on or timezone.localdate()
    projects = Project.objects.restrict(user, "view")
    this_start, next_start = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    last_start = dt.date(year - 1, 1, 1)

    # 1. verified funds by month, this year and last, and (1b) this year's to `on` by unit:
    # the map and the funds_verified gauge itself. Read from the monthly totals table (a cache
    # of the records' sums kept by the funds services), never from a million records.
    by_month: dict[int, dict[int, Decimal]] = {
        year - 1: defaultdict(Decimal),
        year: defaultdict(Decimal),
    }
    ytd_end = min(on, next_start - dt.timedelta(days=1))
    funds_by_unit: dict[int, Decimal] = defaultdict(Decimal)
    month_rows = funds_sums(user, start=last_start, end=next_start, statuses=[FundsStatus.VERIFIED])
    for unit_id, period, _status, total in month_rows:
        by_month[period.year][period.month] += total
        if this_start <= period <= ytd_end:
            funds_by_unit[unit_id] += total
    known = {}
    if on >= this_start:
        indicator = INDICATORS["funds_verified"]
        known["funds_verified"] = Figure(
            indicator,
            _progress_period(year, on),
            Options(),
            {u: indicator.quantize(v) for u, v in funds_by_unit.items()},
        )

    # 2–4. pipeline by stage, live projects by industry and by unit: one scan of the projects
    # grouped by (stage, industry, unit), folded here (a few hundred groups at most).
    started = Q(started_on__gte=this_start, started_on__lte=ytd_end, is_over_100m=True)
    groups = (
        projects.order_by()
        .values("stage", "industry_id", "unit_id")
        .annotate(
            count=Count("id"),
            investment=Sum("total_investment_wan"),
            started=Count("id", filter=started),
        )
    )
    pipeline_rows: dict[str, dict[str, Any]] = {}
    by_industry: dict[Any, dict[str, Any]] = {}
    unit_rows: dict[Any, dict[str, Any]] = {}
    for g in groups:
        investment = g["investment"] or Decimal("0")
        row = pipeline_rows.setdefault(
            g["stage"], {"stage": g["stage"], "count": 0, "investment": Decimal("0")}
        )
        row["count"] += g["count"]
        row["investment"] += investment
        if g["stage"] == Stage.DROPPED:
            continue
        row = by_industry.setdefault(
            g["industry_id"],
            {"industry_id": g["industry_id"], "count": 0, "investment": Decimal("0")},
        )
        row["count"] += g["count"]
        row["investment"] += investment
        row = unit_rows.setdefault(
            g["unit_id"],
            {"unit_id": g["unit_id"], "count": 0, "investment": Decimal("0"), "started": 0},
        )
        row["count"] += g["count"]
        row["investment"] += investment
        row["started"] += g["started"]
    industry_rows = list(by_industry.values())
    industry_names = dict(
        Industry.objects.filter(
            pk__in=[r["industry_id"] for r in industry_rows if r["industry_id"]]
        ).values_list("pk", "name")
    )
    industry_rows.sort(key=lambda r: (-r["count"], industry_names.get(r["industry_id"], "")))
    # 5. key projects behind schedule (a milestone past due and not done)
    behind = (
        projects.filter(is_key=True)
        .exclude(stage=Stage.DROPPED)
        .filter(Exists(_overdue_milestones(on)))
        .annotate(
            overdue=Count(
                "milestones", filter=Q(milestones__done_on__isnull=True, milestones__due_on__lt=on)
            ),
            earliest_due=Min(
                "milestones__due_on",
                filter=Q(milestones__done_on__isnull=True, milestones__due_on__lt=on),
            ),
        )
        .select_related("unit")
        .order_by("earliest_due", "id")
    )
    behind_list = list(behind[:20])

    gauges = goal_progress(
        user=user,
        year=year,
        unit_code=None if _sees_all(user) else getattr(user.unit, "code", None),
        on=on,
        known=known,
    )
    latest = (
        ranking_latest(user=user) if has_model_permission(user, "view", RankingSnapshot) else None
    )
    units = (
        visible_units(user)
        if not _sees_all(user)
        else list(Unit.objects.exclude(kind=UnitKind.CITY).order_by("sort_order", "code"))
    )
    zero = ZERO.quantize(CENT)
    return {
        "year": year,
        "on": on,
        "gauges": gauges,
        "funds_by_month": {
            "months": list(range(1, 13)),
            "this_year": [by_month[year][m].quantize(CENT) for m in range(1, 13)],
            "last_year": [by_month[year - 1][m].quantize(CENT) for m in range(1, 13)],
        },
        "pipeline": [
            {
                "stage": s.value,
                "label": s.label,
                "count": pipeline_rows.get(s.value, {}).get("count", 0),
                "investment_wan": pipeline_rows.get(s.value, {}).get("investment") or zero,
            }
            for s in Stage
        ],
        "by_industry": [
            {
                "industry": r["industry_id"],
                "name": industry_names.get(r["industry_id"], "未分类"),
                "count": r["count"],
                "investment_wan": r["investment"] or zero,
            }
            for r in industry_rows
        ],
        "by_unit": [
            {
                "unit": u.code,
                "name": u.name,
                "short_name": u.short_name,
                "division_code": u.division_code,
                "count": unit_rows.get(u.pk, {}).get("count", 0),
                "investment_wan": unit_rows.get(u.pk, {}).get("investment") or zero,
                "funds_verified_wan": funds_by_unit.get(u.pk, zero).quantize(CENT),
                "started_over_100m": unit_rows.get(u.pk, {}).get("started", 0),
            }
            for u in units
        ],
        "latest_ranking": latest,
        "key_behind_schedule": [
            {
                "id": p.pk,
                "name": p.name,
                "unit": p.unit.name,
                "overdue": p.overdue,
                "earliest_due": p.earliest_due,
            }
            for p in behind_list
        ],
        "key_behind_schedule_count": behind.count() if len(behind_list) == 20 else len(behind_list),
    }
