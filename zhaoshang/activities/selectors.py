"""Reads of visits: the scoped list and its filters (pages and API alike), one visit, the
planned calendar by day, and a visit's leader level (the highest among its participants).
Trips and events the same way, with leader 人次 of trips, an event's signings (amounts from the
projects) and a campaign's results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from itertools import groupby
from typing import Any

import django_filters
from django.db.models import Case, Count, IntegerField, Min, Prefetch, QuerySet, Sum, Value, When
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhaoshang.accounts.models import Unit
from zhaoshang.core.filtersets import FilterSet
from zhaoshang.core.periods import Period
from zhaoshang.core.permissions import restrict
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.figures import cents, verified_funds_of_projects
from zhaoshang.projects.forms import MonthField
from zhaoshang.projects.models import Campaign, Project

from .models import (
    LEVEL_RANK,
    Event,
    EventKind,
    EventParticipant,
    LeaderLevel,
    Trip,
    TripParticipant,
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


# --- 外出招商, 集中活动 and a campaign's results (#12 §2) ---------------------------------------


class TripFilter(FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.all(), to_field_name="code"
    )
    month = MonthFilter(label="月份", field_name="starts_on", method="filter_month")
    level = django_filters.ChoiceFilter(
        label="人员级别", choices=LeaderLevel.choices, field_name="participants__level",
        method="filter_level",
    )  # fmt: skip
    campaign = django_filters.ModelChoiceFilter(label="招商会战", queryset=Campaign.objects.all())

    class Meta:
        model = Trip
        fields: list[str] = []

    def filter_month(self, qs: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        if not value:
            return qs
        return qs.filter(starts_on__year=value.year, starts_on__month=value.month)

    def filter_level(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Trips with a member of this level (市主要领导带队 …)."""
        if not value:
            return qs
        return qs.filter(pk__in=TripParticipant.objects.filter(level=value).values("trip"))


class EventFilter(FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label="主办单位", queryset=Unit.objects.all(), to_field_name="code"
    )
    month = MonthFilter(label="月份")
    kind = django_filters.ChoiceFilter(label="活动类型", choices=EventKind.choices)
    outbound = django_filters.BooleanFilter(label="外出举办")
    campaign = django_filters.ModelChoiceFilter(label="招商会战", queryset=Campaign.objects.all())

    class Meta:
        model = Event
        fields: list[str] = []


def visible_trips(*, user: Any) -> QuerySet[Trip]:
    """The trips the user may see, with their delegation and the count of visits made on them."""
    return (
        restrict(Trip.objects.all(), user, "view")
        .select_related("unit", "campaign")
        .prefetch_related(
            Prefetch("participants", queryset=TripParticipant.objects.order_by("-leads", "id"))
        )
        .annotate(visit_count=Count("visits", distinct=True))
        .order_by("-starts_on", "-id")
    )


def trips_for(*, user: Any, filters: Mapping[str, Any]) -> TripFilter:
    return TripFilter(filters, queryset=visible_trips(user=user))


def trip_get(*, user: Any, pk: int, action: str = "view") -> Trip:
    found = visible_trips(user=user).filter(pk=pk)
    if action != "view":
        found = found.filter(pk__in=restrict(Trip.objects.all(), user, action).values("pk"))
    trip = found.first()
    if trip is None:
        raise Http404("外出招商记录不存在或不在本单位范围内")
    return trip


def visible_events(*, user: Any) -> QuerySet[Event]:
    """The events the user may see, with their people, enterprises and signed projects."""
    return (
        restrict(Event.objects.all(), user, "view")
        .select_related("unit", "campaign")
        .prefetch_related(
            Prefetch("participants", queryset=EventParticipant.objects.order_by("id")),
            Prefetch("enterprises", queryset=Enterprise.objects.order_by("name")),
            Prefetch("projects_signed", queryset=Project.objects.order_by("name")),
        )
        .order_by("-date", "-id")
    )


def events_for(*, user: Any, filters: Mapping[str, Any]) -> EventFilter:
    return EventFilter(filters, queryset=visible_events(user=user))


def event_get(*, user: Any, pk: int, action: str = "view") -> Event:
    found = visible_events(user=user).filter(pk=pk)
    if action != "view":
        found = found.filter(pk__in=restrict(Event.objects.all(), user, action).values("pk"))
    event = found.first()
    if event is None:
        raise Http404("活动不存在或不在本单位范围内")
    return event


def event_signings(event: Event) -> tuple[list[tuple[Project, Decimal]], Decimal]:
    """The projects signed at the event, each with its own contracted investment (万元, the
    signing's figure on the project), and their total: the amount is never typed twice."""
    rows = [
        (p, cents(p.contracted_investment_wan))
        for p in sorted(event.projects_signed.all(), key=lambda p: p.name)
    ]
    return rows, cents(sum((amount for _, amount in rows), Decimal(0)))


def leader_trip_person_times(user: Any, period: Period, level: str | None = None) -> int:
    """Leader 人次 of outbound trips begun in the period, within the user's scope: one per
    leader (a member above 工作人员) per trip; `level` narrows to one level. Staff never count."""
    members = TripParticipant.objects.filter(
        trip__in=restrict(Trip.objects.all(), user, "view").filter(
            starts_on__gte=period.start, starts_on__lt=period.end_exclusive
        )
    ).exclude(level=LeaderLevel.STAFF)
    if level is not None:
        members = members.filter(level=level)
    return members.count()


def campaign_results(user: Any, campaign: Campaign) -> dict[str, Any]:
    """What a campaign achieved, from the records that cite it and that the user may see:
    ``{"visits" (done), "trips", "events", "leads" (projects citing it, any stage), "signings"
    (those signed now), "contracted_wan" (their contracted investment), "funds_verified_wan"
    (到位资金 of its projects, the projects' published figure)}``."""
    projects = restrict(Project.objects.all(), user, "view").filter(campaign=campaign)
    signed = projects.filter(signed_on__isnull=False)
    return {
        "visits": restrict(Visit.objects.all(), user, "view")
        .filter(campaign=campaign, status=VisitStatus.DONE)
        .count(),
        "trips": restrict(Trip.objects.all(), user, "view").filter(campaign=campaign).count(),
        "events": restrict(Event.objects.all(), user, "view").filter(campaign=campaign).count(),
        "leads": projects.count(),
        "signings": signed.count(),
        "contracted_wan": cents(
            signed.order_by().aggregate(total=Sum("contracted_investment_wan"))["total"]
        ),
        "funds_verified_wan": verified_funds_of_projects(projects),
    }
