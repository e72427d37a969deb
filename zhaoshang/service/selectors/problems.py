"""Reads of problems: the scoped list and its filters, one problem, the department's queue, the
figures (one function per figure, used by the department's home, the desk and indicators), and
the 联席会议 agenda source ("problem": problems escalated to the meeting and still open).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhaoshang.accounts.models import Department
from zhaoshang.core import workdays
from zhaoshang.core.filtersets import FilterSet
from zhaoshang.core.periods import range_period
from zhaoshang.core.permissions import restrict

from .. import agenda_sources
from ..models.problems import (
    OPEN_STATUSES,
    EscalationLevel,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
)

# The department's tabs: what waits for it to sign, what it is handling, what is late.
QUEUE_TABS: dict[str, tuple[str, Q]] = {
    "new": ("待签收", Q(status__in=[ProblemStatus.RAISED, ProblemStatus.REOPENED])),
    "doing": ("办理中", Q(status__in=[ProblemStatus.ACKNOWLEDGED, ProblemStatus.ANSWERED])),
    "overdue": ("已逾期", Q()),  # needs today: see `_tab_filter`
}


def _tab_filter(tab: str, today: dt.date) -> Q:
    if tab == "overdue":
        return Q(status__in=OPEN_STATUSES, due_on__lt=today)
    return QUEUE_TABS[tab][1]


class ProblemFilter(FilterSet):
    q = django_filters.CharFilter(label="关键词", method="filter_text", max_length=50)
    status = django_filters.MultipleChoiceFilter(
        label="状态", choices=ProblemStatus.choices, distinct=False
    )
    category = django_filters.ModelChoiceFilter(
        label="类别", queryset=ProblemCategory.objects.all(), to_field_name="code"
    )
    department = django_filters.ModelChoiceFilter(
        label="责任部门", queryset=Department.objects.all(), to_field_name="code"
    )
    project = django_filters.NumberFilter(label="项目", field_name="project_id")
    overdue = django_filters.BooleanFilter(label="已逾期", method="filter_overdue")
    escalated = django_filters.BooleanFilter(label="已升级督办", method="filter_escalated")
    tab = django_filters.ChoiceFilter(
        label="队列",
        choices=[(k, v[0]) for k, v in QUEUE_TABS.items()],
        method="filter_tab",
    )
    raised_on = django_filters.DateFromToRangeFilter(label="提出日期")

    class Meta:
        model = Problem
        fields: list[str] = []

    def filter_text(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(project__name__icontains=value))

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        late = Q(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
        return qs.filter(late) if value else qs.exclude(late)

    def filter_escalated(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(escalation_level__gt=0) if value else qs.filter(escalation_level=0)

    def filter_tab(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(_tab_filter(value, timezone.localdate())) if value else qs


def visible_problems(*, user: Any) -> QuerySet[Problem]:
    return Problem.objects.restrict(user, "view").select_related(
        "project", "project__unit", "category", "department"
    )


def problems_for(*, user: Any, filters: Mapping[str, Any]) -> ProblemFilter:
    """The filter set over the user's problems (`.qs` the rows, `.errors` bad input)."""
    return ProblemFilter(
        filters, queryset=visible_problems(user=user).order_by("-raised_on", "-id")
    )


def problem_get(*, user: Any, pk: int) -> Problem:
    """One problem the user may see; anything else (another unit's, missing) is a 404."""
    found = visible_problems(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("不存在或不在本单位范围内")
    return found


def timeline(*, user: Any, problem: Problem, internal: bool) -> QuerySet[ProblemEvent]:
    """The problem's steps, oldest first; internal notes only when the user may read them."""
    rows = (
        ProblemEvent.objects.restrict(user, "view")
        .filter(problem=problem)
        .select_related("department")
    )
    return rows if internal else rows.filter(internal=False)


def queue_counts(*, qs: QuerySet[Problem], today: dt.date) -> dict[str, int]:
    """How many problems each tab of the department's queue holds, in one query."""
    return qs.aggregate(
        **{tab: Count("pk", filter=_tab_filter(tab, today)) for tab in QUEUE_TABS},
        due_soon=Count(
            "pk",
            filter=Q(
                status__in=OPEN_STATUSES,
                due_on__gte=today,
                due_on__lte=workdays.add_workdays(today, 2),
            ),
        ),
        escalated=Count("pk", filter=Q(status__in=OPEN_STATUSES, escalation_level__gt=0)),
    )


# --- figures: computed by service.selectors.figures (the one function per published figure) ---

# "累计" (all time): from before the platform's first record to today.
_EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class ProblemFigures:
    raised: int
    completion_rate: Decimal | None
    on_time_rate: Decimal | None
    average_workdays: Decimal | None
    satisfaction: Decimal | None


def figures(qs: QuerySet[Problem], *, start: dt.date | None = None,
            end: dt.date | None = None) -> ProblemFigures:  # fmt: skip
    """The published figures over `qs` for the problems raised from `start` to `end` (both
    included; all time when omitted), by the same functions as the service figures page and the
    indicator registry, so the department's home reads the same numbers."""
    from . import figures as published

    period = range_period(start or _EARLIEST, end or timezone.localdate())
    over = {"period": period, "by": "department", "problems": qs}
    return ProblemFigures(
        raised=int(published.problems_raised(**over)[None] or 0),
        completion_rate=published.resolution_rate(**over)[None],
        on_time_rate=published.on_time_rate(**over)[None],
        average_workdays=published.average_resolve_workdays(**over)[None],
        satisfaction=published.satisfaction(**over)[None],
    )


def by_department(*, user: Any, start: dt.date | None = None, end: dt.date | None = None
                  ) -> list[tuple[Department, ProblemFigures]]:  # fmt: skip
    """Each department's figures over the problems the user may see."""
    qs = visible_problems(user=user)
    ids = set(qs.values_list("department_id", flat=True).distinct())
    return [(d, figures(qs.filter(department=d), start=start, end=end))
            for d in Department.objects.filter(pk__in=ids).order_by("sort_order", "id")]  # fmt: skip


# --- the 联席会议 agenda ---------------------------------------------------------------------------


@agenda_sources.register("problem", "升级至联席会议的问题诉求")
def meeting_candidates(*, as_of: dt.date, user: Any) -> Iterable[agenda_sources.AgendaCandidate]:
    """Problems escalated to the meeting by `as_of` and still open (the meetings topic leaves
    out those an earlier meeting decided, unless escalated again since)."""
    qs = restrict(Problem.objects.all(), user, "view") if user is not None else Problem.objects
    rows = (
        qs.filter(
            escalation_level=EscalationLevel.MEETING,
            escalated_on__lte=as_of,
            status__in=OPEN_STATUSES,
        )
        .select_related("project", "department")
        .order_by("escalated_on", "id")
    )
    return [
        agenda_sources.AgendaCandidate(
            kind="problem",
            object_id=p.pk,
            project_id=p.project_id,
            title=f"【{p.department.short_name}】{p.title}（{p.project.name}）",
            since=p.escalated_on,
            investment_wan=p.project.total_investment_wan or Decimal("0"),
        )
        for p in rows
    ]
