"""A unit's dashboard and a leader's view."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects.figures import (
    KEY,
    LIVE,
    verified_funds_by_month,
    verified_funds_of_project,
)
from zhaoshang.projects.models import Milestone, Project, Stage

from .. import selectors
from ..models import RankingSnapshot
from .cockpit import (
    _gauge_table,
    behind_table,
    funds_month_chart,
    funds_month_table,
    gauge_chart,
    pipeline_chart,
    pipeline_table,
)
from .common import LEADER_ROWS, ZERO, _link, _q

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
    rows = verified_funds_by_month(
        user, start=dt.date(year - 1, 1, 1), end=dt.date(year + 1, 1, 1), unit_id=unit.pk
    )
    months: dict[int, dict[int, Decimal]] = {
        year - 1: defaultdict(Decimal),
        year: defaultdict(Decimal),
    }
    for period, total in rows.items():
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
    """Live key projects with a milestone past due and not done (as in cockpit_data), the
    earliest overdue first: ``([{"id", "name", "unit", "unit_short", "overdue", "earliest_due",
    "milestone" (the earliest overdue 节点's title), "days_late"}], count)``."""
    overdue = Milestone.objects.filter(
        project_id=OuterRef("pk"), done_on__isnull=True, due_on__lt=on
    )
    qs = (
        projects.filter(KEY)
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
    # The earliest overdue milestone of each project shown (its 节点 and how late it is).
    first_overdue: dict[int, Milestone] = {}
    for m in Milestone.objects.filter(
        project_id__in=[p.pk for p in rows], done_on__isnull=True, due_on__lt=on
    ).order_by("-due_on", "-id"):
        first_overdue[m.project_id] = m
    return [
        {
            "id": p.pk,
            "name": p.name,
            "unit": p.unit.name,
            "unit_short": p.unit.short_name,
            "overdue": p.overdue,
            "earliest_due": p.earliest_due,
            "milestone": first_overdue[p.pk].title,
            "days_late": (on - p.earliest_due).days,
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
        verified_wan=verified_funds_of_project(),
    ).select_related("unit", "industry")
    mine = list(
        annotated.filter(lead_leader=user).order_by("-is_key", "-total_investment_wan", "pk")
    )
    key_qs = annotated.filter(KEY)
    key_count = projects.filter(KEY).count()
    key = list(key_qs.order_by("-overdue", "-total_investment_wan", "pk")[:LEADER_ROWS])
    followed = projects.filter(Q(lead_leader=user) | Q(is_key=True)).filter(LIVE)
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
