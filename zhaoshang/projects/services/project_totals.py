"""ProjectTotal and ProjectMonthlyTotal: project counts and investment, kept with the projects.

The project services read a project's *share* of the totals as stored before a write
(`stored_share`) and as saved after it (`share_of`), and call `totals_shift(before, after)` in
their own transaction: the rows the project left lose one project and its investment, the rows
it entered gain them, so a total never disagrees with the projects it counts.
`project_totals_rebuild()` recomputes both tables from the projects with one GROUP BY each
(after bulk loads that bypass the services) and `project_totals_diff()` lists the differences
(``manage.py check_project_totals``).

The tables are read through `projects.figures` (`project_sums`, `project_event_sums`: the fast
path of the project counts).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import TruncMonth

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
        list(ProjectTotal.objects.select_for_update().order_by("pk").values_list("pk"))
        list(ProjectMonthlyTotal.objects.select_for_update().order_by("pk").values_list("pk"))
        ProjectTotal.objects.all().delete()
        ProjectMonthlyTotal.objects.all().delete()
        rows: dict[type, list] = {ProjectTotal: [], ProjectMonthlyTotal: []}
        for key, (amount, n) in _expected().items():
            model, values = _lookup(key)
            rows[model].append(model(**values, project_count=n, investment_wan=amount))
        for model, objs in rows.items():
            model.objects.bulk_create(objs, batch_size=2000)
    return sum(len(objs) for objs in rows.values())
