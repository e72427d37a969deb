"""What the cockpit and a unit's dashboard read, in a handful of SQL aggregates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, OuterRef, QuerySet
from django.utils import timezone

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.industries.models import Industry
from zhaoshang.projects.figures import funds_rows, project_event_sums, project_sums
from zhaoshang.projects.models import Milestone, Project, Stage

from ..indicators import (
    INDICATORS,
    Figure,
    Options,
)
from ..models import RankingSnapshot
from .common import CENT, ZERO, _require_goals, _sees_all, _unit_for, visible_units
from .progress import _progress_period, goal_progress
from .rankings import ranking_latest

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
    ytd_next = ytd_end + dt.timedelta(days=1)
    funds_by_unit: dict[int, Decimal] = defaultdict(Decimal)
    for row in funds_rows(user, start=last_start, end=next_start):
        by_month[row.period.year][row.period.month] += row.amount_wan
        if this_start <= row.period < ytd_next:
            funds_by_unit[row.unit_id] += row.amount_wan
    known = {}
    if on >= this_start:
        indicator = INDICATORS["funds_verified"]
        known["funds_verified"] = Figure(
            indicator,
            _progress_period(year, on),
            Options(),
            {u: indicator.quantize(v) for u, v in funds_by_unit.items()},
        )

    # 2–4. pipeline by stage, live projects by industry and by unit: from the project totals
    # (counts per unit, industry, stage and flags, kept by the project services), folded here.
    pipeline_rows: dict[str, dict[str, Any]] = {}
    by_industry: dict[Any, dict[str, Any]] = {}
    unit_rows: dict[Any, dict[str, Any]] = {}
    for g in project_sums(user):
        row = pipeline_rows.setdefault(
            g.stage, {"stage": g.stage, "count": 0, "investment": Decimal("0")}
        )
        row["count"] += g.count
        row["investment"] += g.investment
        if g.stage == Stage.DROPPED:  # the rest counts 在库项目 only
            continue
        row = by_industry.setdefault(
            g.industry_id, {"industry_id": g.industry_id, "count": 0, "investment": Decimal("0")}
        )
        row["count"] += g.count
        row["investment"] += g.investment
        row = unit_rows.setdefault(
            g.unit_id, {"unit_id": g.unit_id, "count": 0, "investment": Decimal("0"), "started": 0}
        )
        row["count"] += g.count
        row["investment"] += g.investment
    # started this year to `on`: live projects over 1亿 per unit (the map), and every project
    # over 1亿 / every key project (the new_started_over_100m and key_started gauges)
    started_over: dict[int, int] = defaultdict(int)
    key_started: dict[int, int] = defaultdict(int)
    for g in project_event_sums(user, event=Stage.STARTED, start=this_start, end=ytd_next):
        if g.is_over_100m:
            started_over[g.unit_id] += g.count
            if g.stage != Stage.DROPPED and g.unit_id in unit_rows:
                unit_rows[g.unit_id]["started"] += g.count
        if g.is_key:
            key_started[g.unit_id] += g.count
    # The gauges' figures where they are whole: every unit's for the city, the own unit's for
    # a unit's staff (who also see projects assigned to them elsewhere: part of other units).
    whole = None if _sees_all(user) else {user.unit_id} if user.scope == Scope.UNIT else set()
    if on >= this_start and whole != set():
        for key, values in (("new_started_over_100m", started_over), ("key_started", key_started)):
            indicator = INDICATORS[key]
            known[key] = Figure(
                indicator,
                _progress_period(year, on),
                Options(),
                {
                    u: indicator.quantize(Decimal(v))
                    for u, v in values.items()
                    if whole is None or u in whole
                },
            )
    industry_rows = list(by_industry.values())
    industry_names = dict(
        Industry.objects.filter(
            pk__in=[r["industry_id"] for r in industry_rows if r["industry_id"]]
        ).values_list("pk", "name")
    )
    industry_rows.sort(key=lambda r: (-r["count"], industry_names.get(r["industry_id"], "")))
    # 5. key projects behind schedule (a milestone past due and not done): grouped from the
    # overdue milestones (a few thousand at most), not from every project of the scope.
    overdue = Milestone.objects.filter(
        done_on__isnull=True, due_on__lt=on, project__is_key=True
    ).exclude(project__stage=Stage.DROPPED)
    if not _sees_all(user):
        overdue = overdue.filter(project__in=projects.values("pk"))
    behind_groups = list(
        overdue.order_by()
        .values("project_id")
        .annotate(overdue=Count("id"), earliest_due=Min("due_on"))
        .order_by("earliest_due", "project_id")
    )
    behind_names = {
        p.pk: p
        for p in Project.objects.filter(pk__in=[g["project_id"] for g in behind_groups[:20]])
        .select_related("unit")
        .only("name", "unit__name")
    }

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
                "id": g["project_id"],
                "name": behind_names[g["project_id"]].name,
                "unit": behind_names[g["project_id"]].unit.name,
                "overdue": g["overdue"],
                "earliest_due": g["earliest_due"],
            }
            for g in behind_groups[:20]
        ],
        "key_behind_schedule_count": len(behind_groups),
    }
