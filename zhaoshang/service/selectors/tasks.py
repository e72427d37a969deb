"""Reads of tasks (督办事项): the supervision list, one task, counts. All from `.restrict()`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.core.filtersets import FilterSet
from zhaoshang.projects.models import Project

from ..models import Task, TaskSource, TaskStatus


def owned_by(user: Any) -> Q:
    """Tasks the user owns, or their department or unit owns."""
    q = Q(owner_user=user.pk)
    if user.department_id:
        q |= Q(owner_department=user.department_id)
    if user.unit_id:
        q |= Q(owner_unit=user.unit_id)
    return q


class TaskFilter(FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=TaskStatus.choices)
    source = django_filters.ChoiceFilter(label="来源", choices=TaskSource.choices)
    project = django_filters.ModelChoiceFilter(label="项目", queryset=Project.objects.all())
    owner_department = django_filters.ModelChoiceFilter(
        label="责任部门", queryset=Department.objects.all()
    )
    owner_unit = django_filters.ModelChoiceFilter(label="责任单位", queryset=Unit.objects.all())
    owner_user = django_filters.ModelChoiceFilter(label="责任人", queryset=User.objects.all())
    overdue = django_filters.BooleanFilter(label="已逾期", method="filter_overdue")
    mine = django_filters.BooleanFilter(label="我负责的", method="filter_mine")
    given = django_filters.BooleanFilter(label="我交办的", method="filter_given")
    due_on = django_filters.DateFromToRangeFilter(label="办结时限")

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = Q(status=TaskStatus.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_given(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value or self.user is None:
            return queryset
        return queryset.filter(Q(created_by=self.user.pk) | Q(instruction__leader=self.user.pk))

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value or self.user is None:
            return queryset
        return queryset.filter(owned_by(self.user))


_RELATED = (
    "project", "project__unit", "owner_department", "owner_unit", "owner_user", "instruction",
    "instruction__leader",
)  # fmt: skip


# Open tasks first (the nearest deadline first), then the closed ones, the latest first.
OPEN_FIRST = (
    Case(When(status=TaskStatus.OPEN, then=Value(0)), default=Value(1)),
    Case(When(status=TaskStatus.OPEN, then=F("due_on"))),
    F("done_on").desc(nulls_last=True),
    "id",
)


def task_filter(*, user: Any, filters: Mapping[str, Any] | None = None) -> TaskFilter:
    """The list's filter set over the tasks the user may see (`.errors` for a bad filter)."""
    base = Task.objects.restrict(user, "view").select_related(*_RELATED).order_by(*OPEN_FIRST)
    return TaskFilter(filters or {}, queryset=base, user=user)


def tasks_for(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Task]:
    """The tasks the user may see, narrowed by the list's filters."""
    return task_filter(user=user, filters=filters).qs


def task_get(*, user: Any, pk: int) -> Task:
    """One task the user may see (404 otherwise)."""
    return get_object_or_404(Task.objects.restrict(user, "view").select_related(*_RELATED), pk=pk)


def task_counts(qs: QuerySet[Task]) -> dict[str, int]:
    """Open, overdue (open past the deadline), done, done on time, cancelled."""
    today = timezone.localdate()
    return qs.aggregate(
        open=Count("pk", filter=Q(status=TaskStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__lt=today)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        done_on_time=Count("pk", filter=Q(status=TaskStatus.DONE, done_on__lte=F("due_on"))),
        cancelled=Count("pk", filter=Q(status=TaskStatus.CANCELLED)),
    )
