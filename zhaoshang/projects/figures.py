"""The published figures: one definition and one label each, read by every page, API, export,
dashboard and indicator, so that two pages cannot disagree.

Projects (counted over the projects a user may see, or any project queryset given)
    项目总数（含终止）  every project, whatever its stage, 终止 included.
    在库项目            the projects not 终止 (dropped).
    重点项目            the 在库项目 marked key (is_key).
    新签约项目          the projects whose current signing date (signed_on) falls in the period;
                        a signing reverted and not re-entered no longer counts.
    新开工过亿元项目    the projects of total investment ≥ 1亿元 (is_over_100m) whose current
                        start date (started_on) falls in the period; also their total investment.

到位资金 (funds in place)
    到位资金            the verified funds records (the city has checked them), by the month they
                        belong to (period). Submitted records are 待核实资金; rejected ones count
                        nowhere.

Two paths give the same funds figures. The fast path reads FundsMonthlyTotal, the sums per unit,
month and status that the funds services keep in the same transaction as the records (and that
``manage.py check_funds_totals`` proves equal to them); it serves whole-scope figures (a year's
total, by unit, by month). The records path sums FundsRecord itself, for any narrower set (a
filtered list, one project, the projects of a leader).

The project counts have two paths as well: `project_figures` over any project queryset (the
records path, for a filtered list), and `scope_project_figures` over everything a user may see,
read from ProjectTotal (per unit, industry, stage, 重点 and 过亿) and ProjectMonthlyTotal (per
unit and month of the current 签约 / 开工 date), which the project services keep in the same
transaction as the projects and ``manage.py check_project_totals`` proves equal to them.

Periods are half-open date ranges ``[start, end)``, as ``Period.start`` / ``Period.end_exclusive``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db.models import (
    Count,
    DecimalField,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from zhaoshang.core.permissions import Scope, has_model_permission

from .models import (
    FundsMonthlyTotal,
    FundsRecord,
    FundsStatus,
    Project,
    ProjectMonthlyTotal,
    ProjectTotal,
    Stage,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# One Chinese label per figure; pages, exports and tests use these and no other wording.
LABELS: dict[str, str] = {
    "projects_total": "项目总数（含终止）",
    "projects_live": "在库项目",
    "key_projects": "重点项目",
    "signed": "新签约项目",
    "started_over_100m": "新开工过亿元项目",
    "funds_verified": "到位资金",
    "funds_pending": "待核实资金",
}


def cents(value: Any) -> Decimal:
    """An amount of 万元 to two decimals (None counts as 0)."""
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


# --- projects -------------------------------------------------------------------------------------

LIVE = ~Q(stage=Stage.DROPPED)
KEY = Q(is_key=True) & LIVE
OVER_100M = Q(is_over_100m=True)
STAGE_DATE = {Stage.SIGNED: "signed_on", Stage.STARTED: "started_on"}


def entered_q(stage: str, start: dt.date, end: dt.date) -> Q:
    """The projects whose current date of entering `stage` (签约 or 开工) lies in [start, end)."""
    field = STAGE_DATE[stage]
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def signed_q(start: dt.date, end: dt.date) -> Q:
    """新签约项目 of [start, end)."""
    return entered_q(Stage.SIGNED, start, end)


def started_over_100m_q(start: dt.date, end: dt.date) -> Q:
    """新开工过亿元项目 of [start, end)."""
    return entered_q(Stage.STARTED, start, end) & OVER_100M


def live_projects(projects: QuerySet[Project]) -> QuerySet[Project]:
    """在库项目 among `projects`."""
    return projects.filter(LIVE)


def key_projects(projects: QuerySet[Project]) -> QuerySet[Project]:
    """重点项目 among `projects` (live ones only)."""
    return projects.filter(KEY)


def list_figures(projects: QuerySet[Project]) -> dict[str, Any]:
    """What a list of projects adds up to, in one aggregate: ``{"projects_total",
    "projects_live", "investment_wan" (total investment), "over_100m" (过亿元, any stage)}``."""
    row = projects.order_by().aggregate(
        projects_total=Count("id"),
        projects_live=Count("id", filter=LIVE),
        investment=Sum("total_investment_wan"),
        over_100m=Count("id", filter=OVER_100M),
    )
    return {
        "projects_total": row["projects_total"],
        "projects_live": row["projects_live"],
        "investment_wan": cents(row["investment"]),
        "over_100m": row["over_100m"],
    }


def project_figures(projects: QuerySet[Project], *, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The project counts of `projects` for the period [start, end), in one aggregate:
    ``{"projects_total", "projects_live", "key_projects", "signed", "started_over_100m",
    "started_over_100m_investment_wan", "by_stage": {stage: count}}``."""
    started = started_over_100m_q(start, end)
    row = projects.order_by().aggregate(
        projects_total=Count("id"),
        projects_live=Count("id", filter=LIVE),
        key_projects=Count("id", filter=KEY),
        signed=Count("id", filter=signed_q(start, end)),
        started_over_100m=Count("id", filter=started),
        started_over_100m_investment_wan=Sum("total_investment_wan", filter=started),
        **{f"stage_{s.value}": Count("id", filter=Q(stage=s.value)) for s in Stage},
    )
    return {
        "projects_total": row["projects_total"],
        "projects_live": row["projects_live"],
        "key_projects": row["key_projects"],
        "signed": row["signed"],
        "started_over_100m": row["started_over_100m"],
        "started_over_100m_investment_wan": cents(row["started_over_100m_investment_wan"]),
        "by_stage": {s.value: row[f"stage_{s.value}"] for s in Stage},
    }


# --- projects: the fast path (the project totals tables) ----------------------------------------


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


_SUM_COLUMNS = ("unit_id", "industry_id", "stage", "is_key", "is_over_100m")


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
        rows += table.values_list(*_SUM_COLUMNS, "project_count", "investment_wan")
        if how == "unit" and arg[1]:
            rows += _grouped(Project.objects.filter(pk__in=arg[1]), _SUM_COLUMNS)
    else:
        rows += _grouped(Project.objects.restrict(user, "view"), _SUM_COLUMNS)
    return [ProjectSum(*r[:5], r[5], cents(r[6])) for r in rows]


_EVENT_COLUMNS = ("unit_id", "stage", "is_key", "is_over_100m")


def _whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The whole months inside [start, end): (first month's 1st, day after the last month)."""
    first = start if start.day == 1 else _next_month(start)
    last = end.replace(day=1)
    return (first, last) if first < last else None


def _next_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]) + dt.timedelta(days=1)


def project_event_sums(user: Any, *, event: str, start: dt.date, end: dt.date) -> list[EventSum]:
    """The projects `user` may view whose current 签约 (or 开工) date lies in [start, end),
    counted per unit, current stage, 重点 and 过亿 (with their total investment).

    Whole months come from ProjectMonthlyTotal (city and unit scopes); the days of a partial
    month at either end from the projects themselves, through the stage-date index.
    """
    field = STAGE_DATE[Stage(event)]
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
    return [EventSum(*r[:4], r[4], cents(r[5])) for r in rows]


def scope_list_figures(user: Any) -> dict[str, Any]:
    """`list_figures` of all the projects `user` may view (the unfiltered list), from the
    project totals table: the same keys and values."""
    sums = project_sums(user)
    return {
        "projects_total": sum(r.count for r in sums),
        "projects_live": sum(r.count for r in sums if r.stage != Stage.DROPPED),
        "investment_wan": cents(sum((r.investment for r in sums), ZERO)),
        "over_100m": sum(r.count for r in sums if r.is_over_100m),
    }


def scope_project_figures(user: Any, *, start: dt.date, end: dt.date) -> dict[str, Any]:
    """`project_figures` of the projects `user` may view, from the project totals tables:
    the same keys and values (``manage.py check_project_totals`` proves the tables)."""
    sums = project_sums(user)
    signed = project_event_sums(user, event=Stage.SIGNED, start=start, end=end)
    started = [
        r
        for r in project_event_sums(user, event=Stage.STARTED, start=start, end=end)
        if r.is_over_100m
    ]
    by_stage = dict.fromkeys(Stage.values, 0)
    for r in sums:
        by_stage[r.stage] += r.count
    live = [r for r in sums if r.stage != Stage.DROPPED]
    return {
        "projects_total": sum(r.count for r in sums),
        "projects_live": sum(r.count for r in live),
        "key_projects": sum(r.count for r in live if r.is_key),
        "signed": sum(r.count for r in signed),
        "started_over_100m": sum(r.count for r in started),
        "started_over_100m_investment_wan": cents(sum((r.investment for r in started), ZERO)),
        "by_stage": by_stage,
    }


# --- 到位资金: the records path ---------------------------------------------------------------------


def verified_records() -> QuerySet[FundsRecord]:
    """The funds records that count as 到位资金: those the city has verified."""
    return FundsRecord.objects.filter(status=FundsStatus.VERIFIED)


def pending_records() -> QuerySet[FundsRecord]:
    """The funds records awaiting the city's decision (待核实资金)."""
    return FundsRecord.objects.filter(status=FundsStatus.SUBMITTED)


def in_months(records: QuerySet[FundsRecord], start: dt.date, end: dt.date) -> QuerySet:
    """The records whose month lies in [start, end)."""
    return records.filter(period__gte=start, period__lt=end)


def is_verified(record: FundsRecord) -> bool:
    """The record counts in 到位资金."""
    return record.status == FundsStatus.VERIFIED


def is_pending(record: FundsRecord) -> bool:
    """The record counts in 待核实资金."""
    return record.status == FundsStatus.SUBMITTED


def funds_of_records(records: QuerySet[FundsRecord]) -> dict[str, Any]:
    """到位资金 and 待核实资金 of any set of funds records (a filtered list):
    ``{"count", "verified_wan", "pending_wan", "pending_count"}``."""
    row = records.order_by().aggregate(
        count=Count("id"),
        verified=Sum("amount_wan", filter=Q(status=FundsStatus.VERIFIED)),
        pending=Sum("amount_wan", filter=Q(status=FundsStatus.SUBMITTED)),
        pending_count=Count("id", filter=Q(status=FundsStatus.SUBMITTED)),
    )
    return {
        "count": row["count"],
        "verified_wan": cents(row["verified"]),
        "pending_wan": cents(row["pending"]),
        "pending_count": row["pending_count"],
    }


def verified_funds_of_projects(
    projects: QuerySet[Project], *, start: dt.date | None = None, end: dt.date | None = None
) -> Decimal:
    """到位资金 of the given projects (optionally of the months in [start, end))."""
    records = verified_records().filter(project__in=projects.values("pk"))
    if start is not None and end is not None:
        records = in_months(records, start, end)
    return cents(records.aggregate(total=Sum("amount_wan"))["total"])


def verified_funds_by_project(project_ids: list[int] | set[int]) -> dict[int, Decimal]:
    """到位资金 of each given project (projects without any are absent)."""
    rows = (
        verified_records()
        .filter(project_id__in=list(project_ids))
        .order_by()
        .values_list("project_id")
        .annotate(total=Sum("amount_wan"))
    )
    return {pk: cents(total) for pk, total in rows}


def verified_funds_of_project(project_ref: str = "pk") -> Coalesce:
    """An expression for a project queryset's ``annotate()``: the project's 到位资金
    (万元, 0 when none), summed in a subquery.

    A subquery, not ``Sum("funds_records__amount_wan")``: beside another to-many aggregate
    (milestones, stage log, investors) a join multiplies the sum by that relation's row count.
    """
    total = (
        verified_records()
        .filter(project_id=OuterRef(project_ref))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount_wan"))
        .values("total")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), Value(ZERO, output_field=money))


def first_verified_month() -> dt.date | None:
    """The earliest month with verified funds anywhere (None without any)."""
    return verified_records().aggregate(first=Min("period"))["first"]


def submitted_count(user: Any) -> int:
    """How many funds records `user` may view are awaiting the city's decision (any month)."""
    if getattr(user, "scope", None) == Scope.ALL and has_model_permission(
        user, "view", FundsRecord
    ):
        table = FundsMonthlyTotal.objects.filter(status=FundsStatus.SUBMITTED)
        return table.aggregate(n=Sum("record_count"))["n"] or 0
    rows = funds_rows(user, start=dt.date.min, end=dt.date.max, statuses=(FundsStatus.SUBMITTED,))
    return sum(r.count for r in rows)


# --- 到位资金: the fast path (the monthly totals table) ---------------------------------------------


class FundsRow(NamedTuple):
    """One group of funds records: their project unit, month and status, sum and count."""

    unit_id: int
    period: dt.date
    status: str
    amount_wan: Decimal
    count: int


def funds_rows(
    user: Any,
    *,
    start: dt.date,
    end: dt.date,
    statuses: list[str] | tuple[str, ...] = (FundsStatus.VERIFIED,),
) -> list[FundsRow]:
    """The funds records `user` may view with a month in [start, end), summed per project unit,
    month and status — what a GROUP BY over ``FundsRecord.objects.restrict(user, "view")`` gives,
    read from the monthly totals table.

    City scope reads the table alone. Unit scope reads its unit's rows from the table, plus
    the records of projects assigned to the user in other units (visible to them, but not a
    whole unit's row). Any other scope sums the records themselves.
    """
    if not has_model_permission(user, "view", FundsRecord):
        return []
    scope = getattr(user, "scope", None)
    table = FundsMonthlyTotal.objects.filter(
        period__gte=start, period__lt=end, status__in=list(statuses)
    ).exclude(record_count=0)
    records = FundsRecord.objects.filter(
        period__gte=start, period__lt=end, status__in=list(statuses)
    )
    out: list[FundsRow] = []
    if scope == Scope.ALL:
        tables = [table]
    elif scope == Scope.UNIT and user.unit_id:
        tables = [table.filter(unit_id=user.unit_id)]
        # the projects assigned to the user elsewhere (few, by their indexes), then their records
        assigned = list(
            Project.objects.filter(Q(commissioner=user) | Q(lead_leader=user))
            .exclude(unit_id=user.unit_id)
            .values_list("pk", flat=True)
        )
        records = records.filter(project_id__in=assigned)
    else:
        tables = []
        records = records.restrict(user, "view")
    for qs in tables:
        out += [
            FundsRow(*row)
            for row in qs.order_by()
            .values_list("unit_id", "period", "status")
            .annotate(total=Sum("amount_wan"), n=Sum("record_count"))
        ]
    if scope != Scope.ALL:
        out += [
            FundsRow(*row)
            for row in records.annotate(unit_id=F("project__unit_id"))
            .order_by()
            .values_list("unit_id", "period", "status")
            .annotate(total=Sum("amount_wan"), n=Count("id"))
        ]
    return out


def funds_totals(user: Any, *, start: dt.date, end: dt.date) -> dict[str, Any]:
    """到位资金 and 待核实资金 of the months in [start, end) within the user's scope:
    ``{"verified_wan", "pending_wan", "pending_count"}``."""
    rows = funds_rows(
        user, start=start, end=end, statuses=(FundsStatus.VERIFIED, FundsStatus.SUBMITTED)
    )
    verified = sum((r.amount_wan for r in rows if r.status == FundsStatus.VERIFIED), ZERO)
    pending = [r for r in rows if r.status == FundsStatus.SUBMITTED]
    return {
        "verified_wan": cents(verified),
        "pending_wan": cents(sum((r.amount_wan for r in pending), ZERO)),
        "pending_count": sum(r.count for r in pending),
    }


def funds_totals_by_unit(
    user: Any, *, start: dt.date, end: dt.date
) -> dict[int, dict[str, Decimal]]:
    """到位资金 and 待核实资金 of the months in [start, end) by project unit:
    ``{unit_id: {"verified_wan", "pending_wan"}}`` for every unit with records of those months
    (even when all were rejected, as a GROUP BY over the records would list it)."""
    out: dict[int, dict[str, Decimal]] = {}
    for row in funds_rows(user, start=start, end=end, statuses=tuple(FundsStatus.values)):
        sums = out.setdefault(row.unit_id, {"verified_wan": ZERO, "pending_wan": ZERO})
        if row.status == FundsStatus.VERIFIED:
            sums["verified_wan"] = cents(sums["verified_wan"] + row.amount_wan)
        elif row.status == FundsStatus.SUBMITTED:
            sums["pending_wan"] = cents(sums["pending_wan"] + row.amount_wan)
    return out


def verified_funds(user: Any, *, start: dt.date, end: dt.date) -> Decimal:
    """到位资金 of the months in [start, end) within the user's scope."""
    return cents(sum((r.amount_wan for r in funds_rows(user, start=start, end=end)), ZERO))


def verified_funds_by_unit(user: Any, *, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """到位资金 of the months in [start, end) by project unit (units without any are absent)."""
    by_unit: dict[int, Decimal] = defaultdict(Decimal)
    for row in funds_rows(user, start=start, end=end):
        by_unit[row.unit_id] += row.amount_wan
    return {unit_id: cents(total) for unit_id, total in by_unit.items()}


def verified_funds_by_month(
    user: Any, *, start: dt.date, end: dt.date, unit_id: int | None = None
) -> dict[dt.date, Decimal]:
    """到位资金 of the months in [start, end) by month (first day), of one unit or all."""
    by_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    for row in funds_rows(user, start=start, end=end):
        if unit_id is None or row.unit_id == unit_id:
            by_month[row.period] += row.amount_wan
    return {period: cents(total) for period, total in sorted(by_month.items())}
