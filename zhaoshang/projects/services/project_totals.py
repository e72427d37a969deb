"""ProjectTotal and ProjectMonthlyTotal: project counts and investment, kept with the projects.

The project services read a project's *share* of the totals as stored before a write
(`stored_share`) and as saved after it (`share_of`), and call `totals_shift(before, after)` in
their own transaction: the rows the project left lose one project and its investment, the rows
it entered gain them, so a total never disagrees with the projects it counts.
`project_totals_rebuild()` recomputes both tables from the projects with one GROUP BY each
(after bulk loads that bypass the services) and `project_totals_diff()` lists the differences
(``manage.py check_project_totals``).

The readers (`project_sums`, `project_event_sums`) give what a GROUP BY over
``Project.objects.restrict(user, "view")`` gives, from the tables where the user's scope is a
whole unit or the city.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from zhaoshang.core.permissions import Scope, has_model_permission

from ..models import OVER_100M_WAN, Project, ProjectEvent, ProjectMonthlyTotal, ProjectTotal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The stage date each event is counted on.
EVENT_FIELDS = {ProjectEvent.SIGNED: "signed_on", ProjectEvent.STARTED: "started_on"}


@dataclass(frozen=True)
class Share:
    """What one project contributes to the totals: its keys and its investment."""

    unit_id: int
    industry_id: int | None
    stage: str
    is_key: bool
    investment: Decimal
    signed_on: dt.date | None
    started_on: dt.date | None

    @property
    def is_over_100m(self) -> bool:
        # Computed here, not read from the instance: the generated column is only refreshed
        # from the database, after the save this share is taken for.
        return self.investment >= OVER_100M_WAN


_STORED = ("unit_id", "industry_id", "stage", "is_key", "total_investment_wan",
           "signed_on", "started_on")  # fmt: skip


def share_of(project: Project) -> Share:
    """The share of a project as it stands in memory (after the caller's changes)."""
    values = [getattr(project, name) for name in _STORED]
    values[4] = Decimal(str(values[4])).quantize(CENT)
    return Share(*values)


def stored_share(pk: int, *, lock: bool = False) -> Share:
    """The share of a project as stored (`lock`: SELECT … FOR UPDATE, inside a transaction)."""
    qs = Project.objects.select_for_update() if lock else Project.objects.all()
    values = list(qs.values_list(*_STORED).get(pk=pk))
    values[4] = _cents(values[4])
    return Share(*values)


def edited_share(stored: Share, project: Project) -> Share:
    """The share after an edit of the typed fields: the stage cache as stored (the edited
    instance may hold a stale one), unit, industry, 重点 and investment as saved."""
    edited = share_of(project)
    return replace(
        stored,
        unit_id=edited.unit_id,
        industry_id=edited.industry_id,
        is_key=edited.is_key,
        investment=edited.investment,
    )


# --- keeping the tables ------------------------------------------------------------------------


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _rows(share: Share) -> Iterable[tuple[Any, ...]]:
    """The keys of the rows a project counts in: one ProjectTotal, one per stage event."""
    flags = (share.stage, share.is_key, share.is_over_100m)
    yield ("total", share.unit_id, share.industry_id, *flags)
    for event, field in EVENT_FIELDS.items():
        day = getattr(share, field)
        if day is not None:
            yield ("month", share.unit_id, event.value, _month(day), *flags)


def totals_shift(*, before: Share | None, after: Share | None) -> None:
    """Move a project's count and investment from the rows of `before` to those of `after`.

    `before` is None for a new project, `after` None for one removed. Runs in the caller's
    transaction; each row is created at zero if missing (its unique constraint settles a
    race), then incremented with an UPDATE … SET x = x + n, so concurrent writers never lose
    an addition.
    """
    deltas: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, ZERO])
    for sign, share in ((-1, before), (1, after)):
        if share is None:
            continue
        for key in _rows(share):
            deltas[key][0] += sign
            deltas[key][1] += sign * share.investment
    with transaction.atomic():
        for key, (count, amount) in deltas.items():
            if count or amount:
                _add(key, count, amount)


_TOTAL_KEY = ("unit_id", "industry_id", "stage", "is_key", "is_over_100m")
_MONTH_KEY = ("unit_id", "event", "period", "stage", "is_key", "is_over_100m")


def _lookup(key: tuple[Any, ...]) -> tuple[type[ProjectTotal | ProjectMonthlyTotal], dict]:
    """The table and the field values of a row key ("total"|"month", *values)."""
    if key[0] == "total":
        return ProjectTotal, dict(zip(_TOTAL_KEY, key[1:], strict=True))
    return ProjectMonthlyTotal, dict(zip(_MONTH_KEY, key[1:], strict=True))


def _add(key: tuple[Any, ...], count: int, amount: Decimal) -> None:
    model, lookup = _lookup(key)
    model.objects.get_or_create(**lookup)
    model.objects.filter(**lookup).update(
        project_count=F("project_count") + count, investment_wan=F("investment_wan") + amount
    )


# --- proving and rebuilding them ---------------------------------------------------------------

TotalKey = tuple[Any, ...]


def _expected() -> dict[TotalKey, tuple[Decimal, int]]:
    """Both tables as the projects sum to them: key → (investment, count)."""
    out: dict[TotalKey, tuple[Decimal, int]] = {}
    flags = ("stage", "is_key", "is_over_100m")
    rows = (
        Project.objects.order_by()
        .values_list("unit_id", "industry_id", *flags)
        .annotate(n=Count("id"), total=Sum("total_investment_wan"))
    )
    for *key, n, total in rows:
        out[("total", *key)] = (_cents(total), n)
    for event, field in EVENT_FIELDS.items():
        rows = (
            Project.objects.filter(**{f"{field}__isnull": False})
            .order_by()
            .annotate(month=TruncMonth(field, output_field=DateField()))
            .values_list("unit_id", "month", *flags)
            .annotate(n=Count("id"), total=Sum("total_investment_wan"))
        )
        for unit_id, month, *rest, n, total in rows:
            out[("month", unit_id, event.value, _as_date(month), *rest)] = (_cents(total), n)
    return out


def _found() -> dict[TotalKey, tuple[Decimal, int]]:
    out: dict[TotalKey, tuple[Decimal, int]] = {}
    for kind, model, columns in (("total", ProjectTotal, _TOTAL_KEY),
                                 ("month", ProjectMonthlyTotal, _MONTH_KEY)):  # fmt: skip
        for *key, amount, n in model.objects.order_by().values_list(
            *columns, "investment_wan", "project_count"
        ):
            if n or amount:
                out[(kind, *key)] = (_cents(amount), n)
    return out


def _cents(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def project_totals_diff() -> list[dict[str, Any]]:
    """Rows where a table disagrees with the projects: {"table", "key", "expected": (investment,
    count), "found": (investment, count)}; rows at zero count as missing."""
    expected, found = _expected(), _found()
    zero = (ZERO, 0)
    return [
        {
            "table": "ProjectTotal" if key[0] == "total" else "ProjectMonthlyTotal",
            "key": key[1:],
            "expected": expected.get(key, zero),
            "found": found.get(key, zero),
        }
        for key in sorted(set(expected) | set(found), key=str)
        if expected.get(key, zero) != found.get(key, zero)
    ]


def project_totals_rebuild() -> int:
    """Recompute both tables from the projects; returns the rows written."""
    with transaction.atomic():
        # Lock the tables' writers out: the services' updates wait for this transaction.
        list(ProjectTotal.objects.select_for_update().values_list("pk"))
        list(ProjectMonthlyTotal.objects.select_for_update().values_list("pk"))
        ProjectTotal.objects.all().delete()
        ProjectMonthlyTotal.objects.all().delete()
        rows: dict[type, list] = {ProjectTotal: [], ProjectMonthlyTotal: []}
        for key, (amount, n) in _expected().items():
            model, values = _lookup(key)
            rows[model].append(model(**values, project_count=n, investment_wan=amount))
        for model, objs in rows.items():
            model.objects.bulk_create(objs, batch_size=2000)
    return sum(len(objs) for objs in rows.values())


# --- reading them ------------------------------------------------------------------------------


class ProjectSum(NamedTuple):
    """Projects sharing a unit, industry, stage and flags: how many, and their investment."""

    unit_id: int
    industry_id: int | None
    stage: str
    is_key: bool
    is_over_100m: bool
    count: int
    investment: Decimal


class EventSum(NamedTuple):
    """Projects signed (or started) in a span, sharing a unit, stage and flags."""

    unit_id: int
    stage: str
    is_key: bool
    is_over_100m: bool
    count: int
    investment: Decimal


def _scoped(user: Any) -> tuple[str, Any]:
    """How to read for `user`: ("all", None), ("unit", (unit_id, assigned elsewhere ids)),
    ("records", None) for any other scope, or ("none", None) without the view permission."""
    if not has_model_permission(user, "view", Project):
        return "none", None
    scope = getattr(user, "scope", None)
    if scope == Scope.ALL:
        return "all", None
    if scope == Scope.UNIT and user.unit_id:
        # Projects assigned to the user in other units: visible to them, but not their unit's
        # rows (few, found by the commissioner and leader indexes).
        elsewhere = list(
            Project.objects.filter(Q(commissioner=user) | Q(lead_leader=user))
            .exclude(unit_id=user.unit_id)
            .values_list("pk", flat=True)
        )
        return "unit", (user.unit_id, elsewhere)
    return "records", None


def _grouped(qs: QuerySet[Project], columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return list(
        qs.order_by()
        .values_list(*columns)
        .annotate(n=Count("id"), total=Sum("total_investment_wan"))
    )


def project_sums(user: Any) -> list[ProjectSum]:
    """The projects `user` may view, counted per unit, industry, stage, 重点 and 过亿 (with
    their total investment): from ProjectTotal for the city and a unit's staff."""
    how, arg = _scoped(user)
    if how == "none":
        return []
    table = ProjectTotal.objects.exclude(project_count=0).order_by()
    rows: list[tuple[Any, ...]] = []
    if how == "all" or how == "unit":
        if how == "unit":
            table = table.filter(unit_id=arg[0])
        rows += table.values_list(*_TOTAL_KEY, "project_count", "investment_wan")
        if how == "unit" and arg[1]:
            rows += _grouped(Project.objects.filter(pk__in=arg[1]), _TOTAL_KEY)
    else:
        rows += _grouped(Project.objects.restrict(user, "view"), _TOTAL_KEY)
    return [ProjectSum(*r[:5], r[5], _cents(r[6])) for r in rows]


_EVENT_COLUMNS = ("unit_id", "stage", "is_key", "is_over_100m")


def _whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The whole months inside [start, end): (first month's 1st, day after the last month)."""
    first = start if start.day == 1 else _next_month(start)
    last = _month(end)
    return (first, last) if first < last else None


def _next_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]) + dt.timedelta(days=1)


def project_event_sums(user: Any, *, event: str, start: dt.date, end: dt.date) -> list[EventSum]:
    """The projects `user` may view whose current 签约 (or 开工) date lies in [start, end),
    counted per unit, current stage, 重点 and 过亿 (with their total investment).

    Whole months come from ProjectMonthlyTotal (city and unit scopes); the days of a partial
    month at either end from the projects themselves, through the stage-date index.
    """
    field = EVENT_FIELDS[ProjectEvent(event)]
    how, arg = _scoped(user)
    if how == "none" or start >= end:
        return []
    rows: list[tuple[Any, ...]] = []

    def records(qs: QuerySet[Project], lo: dt.date, hi: dt.date) -> None:
        if lo < hi:
            span = {f"{field}__gte": lo, f"{field}__lt": hi}
            rows.extend(_grouped(qs.filter(**span), _EVENT_COLUMNS))

    if how == "records":
        records(Project.objects.restrict(user, "view"), start, end)
    else:
        months = _whole_months(start, end)
        own = Project.objects.all() if how == "all" else Project.objects.filter(unit_id=arg[0])
        if months is None:
            records(own, start, end)
        else:
            table = ProjectMonthlyTotal.objects.filter(
                event=event, period__gte=months[0], period__lt=months[1]
            ).exclude(project_count=0)
            if how == "unit":
                table = table.filter(unit_id=arg[0])
            rows += table.order_by().values_list(*_EVENT_COLUMNS, "project_count", "investment_wan")
            records(own, start, months[0])
            records(own, months[1], end)
        if how == "unit" and arg[1]:
            records(Project.objects.filter(pk__in=arg[1]), start, end)
    return [EventSum(*r[:4], r[4], _cents(r[5])) for r in rows]
