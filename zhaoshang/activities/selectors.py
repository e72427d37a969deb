"""Reads of visits: the scoped list and its filters (pages and API alike), one visit, the
planned calendar by day, and a visit's leader level (the highest among its participants)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from itertools import groupby
from typing import Any

import django_filters
from django.db.models import Case, IntegerField, Min, Prefetch, QuerySet, Value, When
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhaoshang.accounts.models import Unit
from zhaoshang.core.filtersets import FilterSet
from zhaoshang.core.permissions import restrict
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.forms import MonthField

from .models import (
    LEVEL_RANK,
    LeaderLevel,
    Visit,
    VisitOutcome,
    VisitParticipant,
    VisitStatus,
)

RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}


def top_rank() -> Min:
    """The rank of the highest level among a visit's participants (0 = 市主要领导)."""
    return Min(
        Case(
            *(
                When(participants__level=level, then=Value(rank))
                for level, rank in LEVEL_RANK.items()
            ),
            output_field=IntegerField(),
        )
    )


@extend_schema_field(OpenApiTypes.STR)  # e.g. 2024-10
class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs: QuerySet, value: dt.date | None) -> QuerySet:
        if not value:
            return qs
        return qs.filter(date__year=value.year, date__month=value.month)


class VisitFilter(FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.all(), to_field_name="code"
    )
    month = MonthFilter(label="月份")
    status = django_filters.ChoiceFilter(label="状态", choices=VisitStatus.choices)
    outcome = django_filters.ChoiceFilter(label="拜访成效", choices=VisitOutcome.choices)
    outbound = django_filters.BooleanFilter(label="外出拜访")
    level = django_filters.ChoiceFilter(
        label="带队级别", choices=LeaderLevel.choices, method="filter_level"
    )
    enterprise = django_filters.NumberFilter(
        label="企业", field_name="visit_enterprises__enterprise"
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def filter_level(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Visits whose highest participant is at this level (市主要领导带队 …)."""
        if not value:
            return qs
        return qs.filter(top_rank=LEVEL_RANK[value])


def visible_visits(*, user: Any) -> QuerySet[Visit]:
    """The visits the user may see, with what a list shows (and their top level's rank)."""
    return (
        restrict(Visit.objects.all(), user, "view")
        .select_related("unit", "organisation", "lead")
        .prefetch_related(
            Prefetch("enterprises", queryset=Enterprise.objects.order_by("name")),
            Prefetch("participants", queryset=VisitParticipant.objects.order_by("id")),
        )
        .annotate(top_rank=top_rank())
        .order_by("-date", "-id")
    )


def visits_for(*, user: Any, filters: Mapping[str, Any]) -> VisitFilter:
    return VisitFilter(filters, queryset=visible_visits(user=user))


def visit_get(*, user: Any, pk: int, action: str = "view") -> Visit:
    found = visible_visits(user=user).filter(pk=pk)
    if action != "view":
        found = found.filter(pk__in=restrict(Visit.objects.all(), user, action).values("pk"))
    visit = found.first()
    if visit is None:
        raise Http404("拜访不存在或不在本单位范围内")
    return visit


def leader_level(visit: Visit) -> str | None:
    """The highest level among the visit's participants (annotated `top_rank` when present)."""
    rank = getattr(visit, "top_rank", None)
    if rank is None:
        ranks = [LEVEL_RANK[p.level] for p in visit.participants.all() if p.level in LEVEL_RANK]
        rank = min(ranks) if ranks else None
    return RANK_LEVEL.get(rank) if rank is not None else None


def calendar(*, user: Any, start: dt.date, days: int = 60) -> list[tuple[dt.date, list[Visit]]]:
    """Planned visits from `start` for `days` days, grouped by day (the calendar as a list)."""
    planned = visible_visits(user=user).filter(
        status=VisitStatus.PLANNED, date__gte=start, date__lt=start + dt.timedelta(days=days)
    )
    rows = sorted(planned, key=lambda v: (v.date, v.pk))
    return [(day, list(group)) for day, group in groupby(rows, key=lambda v: v.date)]
