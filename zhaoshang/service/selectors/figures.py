"""The published figures of the service system (§8), one function per figure.

Every page, export and the goals' indicator registry call these same functions, so a figure
reads the same wherever it is shown. Each takes a period (`core.periods`), a grouping (`by`:
"unit" — the unit of the problem's project, or the unit owning a task — or "department" — the
department a problem is routed to, or owning a task) and optionally the records to count (a
`.restrict()`ed queryset for a page; all records for the registry). Each returns
`{group id: value}` plus the key None for the total over every group, computed from the records
(a rate's total is the total numerator over the total denominator, never an average of rates).
A value is None when there is nothing to divide by (no problem resolved: no 按期办结率).

Definitions (problems are those *raised* in the period; their state is today's):
- 问题数: problems raised.
- 办结率: problems 已办结 or 已确认 ÷ problems raised, in %.
- 按期办结率: of those, resolved on or before their deadline (`due_on`) ÷ resolved, in %.
- 平均办结用时: mean working days from raised to resolved (`core.workdays`), of those resolved.
- 满意度: mean satisfaction rating (1–5) the raisers gave when confirming.
- 议定事项按期办结率: decision tasks (联席会议议定事项, not cancelled) due in the period up to
  today: done on or before the due date ÷ due, in %.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhaoshang.core.periods import Period

from ..models import Task, TaskSource, TaskStatus
from ..models.problems import CLOSED_STATUSES, Problem
from .timings import workday_ordinals

Values = dict[int | None, Decimal | None]
GROUPINGS = ("unit", "department")
_PROBLEM_GROUP = {"unit": "project__unit_id", "department": "department_id"}
_TASK_GROUP = {"unit": "owner_unit_id", "department": "owner_department_id"}
ONE = Decimal("0.1")
HUNDRED = Decimal(100)


def _check(by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")


def _problem_rows(
    period: Period, by: str, problems: QuerySet[Problem] | None, fields: Iterable[str]
) -> list[dict[str, Any]]:
    _check(by)
    qs = Problem.objects.all() if problems is None else problems
    qs = qs.filter(raised_on__gte=period.start, raised_on__lt=period.end_exclusive)
    return [
        {**row, "group": row[_PROBLEM_GROUP[by]]}
        for row in qs.order_by().values(_PROBLEM_GROUP[by], *fields)
    ]


def _ratio(
    rows: Iterable[Mapping[str, Any]],
    numerator: Callable[[Mapping[str, Any]], Decimal],
    denominator: Callable[[Mapping[str, Any]], Decimal],
    *,
    scale: Decimal = Decimal(1),
) -> Values:
    """Σ numerator ÷ Σ denominator × scale per group and in total, to one decimal."""
    sums: dict[int | None, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        d = denominator(row)
        for key in {row["group"], None}:  # a record of no group counts in the total only
            sums[key][1] += d
            if d:
                sums[key][0] += numerator(row)
    sums.setdefault(None, [Decimal(0), Decimal(0)])
    return {
        key: (n * scale / d).quantize(ONE, ROUND_HALF_UP) if d else None
        for key, (n, d) in sums.items()
    }


def _closed(row: Mapping[str, Any]) -> bool:
    return row["status"] in CLOSED_STATUSES and row["resolved_on"] is not None


# --- the figures --------------------------------------------------------------------------------


def problems_raised(
    *, period: Period, by: str = "unit", problems: QuerySet[Problem] | None = None
) -> Values:
    """问题数: problems raised in the period."""
    rows = _problem_rows(period, by, problems, ["pk"])
    counts: dict[int | None, Decimal | None] = {None: Decimal(len(rows))}
    for row in rows:
        if row["group"] is not None:
            counts[row["group"]] = (counts.get(row["group"]) or Decimal(0)) + 1
    return counts


def resolution_rate(
    *, period: Period, by: str = "unit", problems: QuerySet[Problem] | None = None
) -> Values:
    """办结率 (%): resolved or confirmed ÷ raised."""
    rows = _problem_rows(period, by, problems, ["status", "resolved_on"])
    return _ratio(rows, lambda r: Decimal(_closed(r)), lambda r: Decimal(1), scale=HUNDRED)


def on_time_rate(
    *, period: Period, by: str = "unit", problems: QuerySet[Problem] | None = None
) -> Values:
    """按期办结率 (%): resolved on or before the deadline ÷ resolved."""
    rows = _problem_rows(period, by, problems, ["status", "resolved_on", "due_on"])
    return _ratio(
        rows,
        lambda r: Decimal(r["resolved_on"] <= r["due_on"]),
        lambda r: Decimal(_closed(r)),
        scale=HUNDRED,
    )


def average_resolve_workdays(
    *, period: Period, by: str = "unit", problems: QuerySet[Problem] | None = None
) -> Values:
    """平均办结用时 (working days): raised → resolved, mean over those resolved."""
    rows = _problem_rows(period, by, problems, ["status", "raised_on", "resolved_on"])
    closed = [r for r in rows if _closed(r)]
    ordinal = workday_ordinals([d for r in closed for d in (r["raised_on"], r["resolved_on"])])
    for r in closed:
        r["days"] = Decimal(ordinal[r["resolved_on"]] - ordinal[r["raised_on"]])
    values = _ratio(closed, lambda r: r["days"], lambda r: Decimal(1))
    for row in rows:  # groups with problems but none resolved: no figure, not absent
        values.setdefault(row["group"], None)
    return values


def satisfaction(
    *, period: Period, by: str = "unit", problems: QuerySet[Problem] | None = None
) -> Values:
    """满意度: mean rating (1–5) given on confirmation."""
    rows = _problem_rows(period, by, problems, ["satisfaction"])
    return _ratio(
        rows,
        lambda r: Decimal(r["satisfaction"] or 0),
        lambda r: Decimal(r["satisfaction"] is not None),
    )


def decisions_on_time(
    *,
    period: Period,
    by: str = "unit",
    tasks: QuerySet[Task] | None = None,
    today: dt.date | None = None,
) -> Values:
    """议定事项按期办结率 (%): decision tasks due in the period (up to today), done by the due
    date ÷ due. Grouped by the owning unit or department."""
    _check(by)
    today = today or timezone.localdate()
    end = min(period.end_exclusive, today + dt.timedelta(days=1))
    qs = Task.objects.all() if tasks is None else tasks
    qs = qs.filter(source=TaskSource.DECISION, due_on__gte=period.start, due_on__lt=end).exclude(
        status=TaskStatus.CANCELLED
    )
    group = _TASK_GROUP[by]
    rows = [
        {**row, "group": row[group]}
        for row in qs.order_by().values(group, "status", "done_on", "due_on")
    ]
    return _ratio(
        rows,
        lambda r: Decimal(
            r["status"] == TaskStatus.DONE
            and r["done_on"] is not None
            and r["done_on"] <= r["due_on"]
        ),
        lambda r: Decimal(1),
        scale=HUNDRED,
    )


@dataclass(frozen=True)
class ServiceFigure:
    """One published figure: its key (as registered in the goals' indicator registry), label,
    unit, definition, what it counts, and the function that computes it."""

    key: str
    label: str
    unit: str
    doc: str
    source: str  # "problems" or "tasks"
    compute: Callable[..., Values]
    higher_is_better: bool = True


FIGURES: tuple[ServiceFigure, ...] = (
    ServiceFigure("service_problems_raised", "问题诉求数", "个",
                  "期间内提出的问题诉求个数。", "problems", problems_raised),
    ServiceFigure("service_resolution_rate", "办结率", "%",
                  "期间内提出的问题中，已办结（含已确认）的比例。", "problems", resolution_rate),
    ServiceFigure("service_on_time_rate", "按期办结率", "%",
                  "期间内提出并已办结的问题中，在办理时限内办结的比例。", "problems",
                  on_time_rate),
    ServiceFigure("service_resolve_workdays", "平均办结用时", "个工作日",
                  "期间内提出并已办结的问题，从提出到办结的平均工作日数（节假日、调休按国务院安排）。",
                  "problems", average_resolve_workdays, higher_is_better=False),
    ServiceFigure("service_satisfaction", "满意度", "分",
                  "期间内提出的问题，提出方确认办结时评价的平均满意度（1—5分）。", "problems",
                  satisfaction),
    ServiceFigure("service_decisions_on_time", "议定事项按期办结率", "%",
                  "办结时限在期间内（截至今天）的联席会议议定事项中，按期办结的比例。", "tasks",
                  decisions_on_time),
)  # fmt: skip
FIGURES_BY_KEY: dict[str, ServiceFigure] = {f.key: f for f in FIGURES}


def figure_table(
    *,
    period: Period,
    by: str,
    problems: QuerySet[Problem] | None = None,
    tasks: QuerySet[Task] | None = None,
) -> dict[str, Values]:
    """Every figure for every group (figure key → values), from the given records."""
    out: dict[str, Values] = {}
    for figure in FIGURES:
        records = {"problems": problems} if figure.source == "problems" else {"tasks": tasks}
        out[figure.key] = figure.compute(period=period, by=by, **records)
    return out
