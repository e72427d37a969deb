"""The indicator registry: every figure of the goals, dashboards and rankings, computed from records.

An indicator is declared once (``INDICATORS``): which records it counts for a period — projects
(through their stage dates and stage log) or *verified* funds records — and what it adds up
(a count, or a sum of a field). ``evaluate()`` groups it by unit in one SQL aggregate (the city
is the sum over all units), or, when asked for the drill-down, returns for every unit the ids of
the records behind its figure with each one's contribution. Nobody types an actual value.

Dates and stages
    A project enters a stage (签约, 开工 …) on the date of its StageChange. By default a project
    counts in the period that holds its *current* stage date (``Project.signed_on`` …, the cache
    the stage service keeps of the log): a project signed, reverted and signed again counts once,
    at its latest signing, and a reverted signing no longer counts anywhere.

Options (any scheme entry may set them; each indicator lists the ones it supports)
    ``once_only``
        Count a project in the period of its *first* entry into the stage, from the StageChange
        log, so a project reverted and re-entered is not counted a second time in a later period.
        It still has to hold the stage now (a reverted signing never re-entered does not count).
    ``exclude_same_city``
        Leave out projects none of whose investors is outside Liaocheng (``Enterprise.is_local``):
        investment moving between units of the same city is not attraction. A project with no
        investor on record is left out too, since nothing shows it is external.
    ``entered_before_close``
        Count only the stage changes recorded (``created_at``), and the funds records verified
        (``verified_at``), before the first close of the period their date falls in. Reopening a
        period lets corrections into the statistics; it does not move the ranking's deadline.
    ``months`` (parameter, default 6)
        For ``signed_to_started_within_n_months`` and ``signed_not_started_within_n_months``.
    ``tags`` (parameter, default the three 500-strong lists)
        For ``top500_projects``: which investor tags qualify (e.g. ``["china500", "private500"]``).

境外 (foreign) funds in USD
    ``funds_foreign_usd`` needs no new field and no exchange-rate table. A project's foreign
    capital is declared in US dollars on the project (``foreign_investment_usd_wan``, 万美元)
    beside its total investment in yuan; each verified funds record of such a project brings in
    the same share of that foreign capital as it brings of the total investment:
    ``usd = amount_wan × foreign_investment_usd_wan / total_investment_wan`` (per record, to
    0.0001 万美元; the figure is rounded to 0.01). A joint venture whose foreign partner holds a
    fifth of the capital thus counts a fifth of its funds as foreign, in the dollars the contract
    states; a wholly foreign project counts all of them. Projects without a declared foreign
    amount count nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Min, Model, OuterRef, Q, QuerySet, Sum

from zhaoshang.core.periods import Period, add_months
from zhaoshang.enterprises.models import TOP500_TAGS
from zhaoshang.projects import figures
from zhaoshang.projects.models import (
    FundsRecord,
    Milestone,
    Project,
    Stage,
    StageChange,
)

CENT = Decimal("0.01")
FINE = Decimal("0.0001")
WAN_1BN = Decimal(100_000)  # 10亿元 = 100,000 万元
WAN_5BN = Decimal(500_000)  # 50亿元
FLAGS = ("once_only", "exclude_same_city", "entered_before_close")
_EARLIEST = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Options:
    """The rules an indicator is computed under (see the module docstring)."""

    once_only: bool = False
    exclude_same_city: bool = False
    entered_before_close: bool = False
    months: int = 6
    tags: tuple[str, ...] = TOP500_TAGS

    def as_dict(self, indicator: Indicator | None = None) -> dict[str, Any]:
        """Canonical form: the flags that are on, and the parameters the indicator takes."""
        out: dict[str, Any] = {f: True for f in FLAGS if getattr(self, f)}
        supports = indicator.supports if indicator else frozenset({"months", "tags"})
        if "months" in supports:
            out["months"] = self.months
        if "tags" in supports:
            out["tags"] = sorted(self.tags)
        return out


_OPTION_LABELS = {
    "once_only": "同一项目只计一次",
    "exclude_same_city": "不计市内单位间投资",
    "entered_before_close": "只计关账前录入",
    "months": "月数",
    "tags": "投资方标签",
}


@dataclass(frozen=True)
class Indicator:
    """One registered figure. `records(period, options)` is the queryset of what it counts."""

    key: str
    label: str
    unit: str  # 万元, 个, 万美元
    doc: str
    source: str  # "funds" or "projects"
    records: Callable[[Period, Options], QuerySet]
    measure: str | None = None  # the field summed; None counts records
    supports: frozenset[str] = frozenset()
    # Exact rules that SQL cannot say portably (calendar months, shares): fetched rows are
    # filtered / weighed in Python; the candidates are few (one period's projects).
    row_fields: tuple[str, ...] = ()
    keep: Callable[[Mapping[str, Any], Period, Options], bool] | None = None
    # Adds computed fields to the fetched rows (in batch) before `keep` looks at them.
    enrich: Callable[[list[dict[str, Any]], QuerySet, Period, Options], None] | None = None
    contribute: Callable[[Mapping[str, Any]], Decimal] | None = None
    # A figure that is not a sum over records (a rate, a mean): `compute(period, options)` gives
    # `{unit id: value, None: the city's value}` (see `service_indicator`). Its records (the
    # drill-down) are those `records` selects, the ones the figure looks at; the city's value is
    # computed, never a sum of the units'.
    compute: Callable[[Period, Options], Mapping[int | None, Decimal | None]] | None = None
    record_model: type[Model] | None = None
    unit_path: str = ""  # the record's unit, for `record_model`
    detail_url: str = ""  # the page that shows this figure and its records (a URL name)

    @property
    def model(self) -> type[Model]:
        if self.record_model is not None:
            return self.record_model
        return FundsRecord if self.source == "funds" else Project

    @property
    def unit_field(self) -> str:
        if self.unit_path:
            return f"{self.unit_path}_id"
        return "project__unit_id" if self.source == "funds" else "unit_id"

    @property
    def unit_relation(self) -> str:
        return self.unit_field.removesuffix("_id")

    @property
    def is_count(self) -> bool:
        if self.compute is not None:
            return self.unit == "个"
        return self.measure is None and self.contribute is None

    @property
    def in_python(self) -> bool:
        return self.keep is not None or self.contribute is not None

    def quantize(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1)) if self.is_count else value.quantize(CENT, ROUND_HALF_UP)

    def describe(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "doc": self.doc,
            "source": self.source,
            "options": sorted(self.supports),
        }


# --- building blocks ----------------------------------------------------------------------------


def _external(project_field: str) -> Q:
    """The project has an investor outside the city (a semi-join SQLite materialises once)."""
    through = Project.investors.through
    external = through.objects.filter(enterprise__is_local=False).values("project_id")
    return Q(**{f"{project_field}__in": external})


def _cutoff_q(closes: Iterable[tuple[dt.date, dt.date, dt.datetime]], day: str, at: str) -> Q:
    """Records dated in a closed period but entered at/after its first close are left out."""
    q = Q()
    for start, end, first in closes:
        q &= ~Q(**{f"{day}__gte": start, f"{day}__lt": end, f"{at}__gte": first})
    return q


def _closes(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, dt.datetime]]:
    from zhaoshang.core.closing import first_closes
    from zhaoshang.core.periods import range_period

    return first_closes(range_period(start, end - dt.timedelta(days=1)))


def _log(stage: str, options: Options, period: Period) -> QuerySet[StageChange]:
    """The stage log's entries into `stage`, as the options allow (entered before the close)."""
    qs = StageChange.objects.filter(to_stage=stage)
    if options.entered_before_close:
        since = _EARLIEST if options.once_only else period.start
        qs = qs.filter(_cutoff_q(_closes(since, period.end_exclusive), "on", "created_at"))
    return qs


def _changes(stage: str, options: Options, period: Period) -> QuerySet[StageChange]:
    """The same, for the outer project of a subquery."""
    return _log(stage, options, period).filter(project_id=OuterRef("pk"))


def first_entries(stage: str, options: Options, period: Period) -> QuerySet:
    """`{project_id, first_on}` for the projects whose first entry into `stage` is in `period`.

    One GROUP BY over the log entries of the projects that entered the stage in the period (no
    correlated subquery per project, which SQLite would run against the whole log).
    """
    log = _log(stage, options, period)
    in_period = log.filter(on__gte=period.start, on__lt=period.end_exclusive)
    return (
        log.filter(project_id__in=in_period.values("project_id"))
        .order_by()
        .values("project_id")
        .annotate(first_on=Min("on"))
        .filter(first_on__gte=period.start, first_on__lt=period.end_exclusive)
    )


def entered(stage: str, period: Period, options: Options) -> QuerySet[Project]:
    """Projects that entered `stage` in `period` (current stage date, or first entry if once_only)."""
    date_field = figures.STAGE_DATE[stage]
    qs = Project.objects.filter(**{f"{date_field}__isnull": False})
    if options.once_only:
        qs = qs.filter(pk__in=first_entries(stage, options, period).values("project_id"))
    else:
        qs = qs.filter(figures.entered_q(stage, period.start, period.end_exclusive))
        if options.entered_before_close:
            changes = _changes(stage, options, period)
            qs = qs.filter(Exists(changes.filter(on=OuterRef(date_field))))
    if options.exclude_same_city:
        qs = qs.filter(_external("pk"))
    return qs


def _first_dates(
    stage: str, options: Options, period: Period, project_ids: list[int]
) -> dict[int, dt.date]:
    """Each given project's first entry into `stage`, by chunks of ids.

    The stage is matched in Python on purpose: with `to_stage` in the WHERE clause SQLite picks
    the (to_stage, on) index and reads the whole log once per chunk instead of the project index.
    """
    out: dict[int, dt.date] = {}
    log = StageChange.objects.all()
    if options.entered_before_close:
        log = log.filter(_cutoff_q(_closes(_EARLIEST, period.end_exclusive), "on", "created_at"))
    for i in range(0, len(project_ids), 500):
        rows = log.filter(project_id__in=project_ids[i : i + 500]).values_list(
            "project_id", "to_stage", "on"
        )
        for project_id, to_stage, on in rows.order_by():
            if to_stage == stage and (project_id not in out or on < out[project_id]):
                out[project_id] = on
    return out


def verified_funds(period: Period, options: Options) -> QuerySet[FundsRecord]:
    """Verified funds records whose month lies in the period."""
    qs = figures.in_months(figures.verified_records(), period.start, period.end_exclusive)
    if options.entered_before_close:
        qs = qs.filter(
            _cutoff_q(_closes(period.start, period.end_exclusive), "period", "verified_at")
        )
    if options.exclude_same_city:
        qs = qs.filter(_external("project_id"))
    return qs


# --- the indicators -----------------------------------------------------------------------------


def _funds_out_of_province(period: Period, options: Options) -> QuerySet:
    return verified_funds(period, options).filter(project__is_out_of_province=True)


def _funds_foreign(period: Period, options: Options) -> QuerySet:
    return verified_funds(period, options).filter(
        project__foreign_investment_usd_wan__gt=0, project__total_investment_wan__gt=0
    )


def _usd_share(row: Mapping[str, Any]) -> Decimal:
    amount = row["amount_wan"]
    usd = row["project__foreign_investment_usd_wan"]
    total = row["project__total_investment_wan"]
    return (amount * usd / total).quantize(FINE, ROUND_HALF_UP)


def _signed(period: Period, options: Options) -> QuerySet:
    return entered(Stage.SIGNED, period, options)


def _started_over_100m(period: Period, options: Options) -> QuerySet:
    return entered(Stage.STARTED, period, options).filter(figures.OVER_100M)


def _signed_over(threshold: Decimal) -> Callable[[Period, Options], QuerySet]:
    def build(period: Period, options: Options) -> QuerySet:
        return entered(Stage.SIGNED, period, options).filter(total_investment_wan__gte=threshold)

    return build


def _top500(period: Period, options: Options) -> QuerySet:
    through = Project.investors.through
    tagged = through.objects.filter(
        project_id=OuterRef("pk"), enterprise__tags__code__in=list(options.tags)
    )
    return entered(Stage.SIGNED, period, options).filter(Exists(tagged))


def _key_started(period: Period, options: Options) -> QuerySet:
    return entered(Stage.STARTED, period, options).filter(is_key=True)


def _key_on_schedule(period: Period, options: Options) -> QuerySet:
    end = period.end_exclusive
    milestones = Milestone.objects.filter(project_id=OuterRef("pk"), due_on__lt=end)
    overdue = milestones.filter(Q(done_on__isnull=True) | Q(done_on__gte=end))
    qs = Project.objects.filter(
        Q(dropped_on__isnull=True) | Q(dropped_on__gte=end),
        Exists(StageChange.objects.filter(project_id=OuterRef("pk"), on__lt=end)),
        Exists(Milestone.objects.filter(project_id=OuterRef("pk"))),
        ~Exists(overdue),
        is_key=True,
    )
    if options.exclude_same_city:
        qs = qs.filter(_external("pk"))
    return qs


def _started(period: Period, options: Options) -> QuerySet:
    return entered(Stage.STARTED, period, options)


def _entry_dates(
    rows: list[dict[str, Any]], qs: QuerySet, period: Period, options: Options, *, started: bool
) -> None:
    """Add `entered_signed` / `entered_started` to the rows: the current stage dates, or with
    once_only the first entries from the log (fetched for these projects in one query each)."""
    ids = [row["pk"] for row in rows]
    signed = _first_dates(Stage.SIGNED, options, period, ids) if options.once_only else None
    first_started = (
        _first_dates(Stage.STARTED, options, period, ids) if options.once_only and started else None
    )
    for row in rows:
        row["entered_signed"] = signed.get(row["pk"]) if signed is not None else row["signed_on"]
        row["entered_started"] = (
            first_started.get(row["pk"]) if first_started is not None else row["started_on"]
        )


def _enrich_started(rows, qs, period, options) -> None:
    _entry_dates(rows, qs, period, options, started=True)


def _within_months(row: Mapping[str, Any], period: Period, options: Options) -> bool:
    signed, started = row["entered_signed"], row["entered_started"]
    return (
        signed is not None and started is not None and started <= add_months(signed, options.months)
    )


def _deadline_window(period: Period, options: Options) -> Period:
    lo = add_months(period.start, -options.months) - dt.timedelta(days=3)
    hi = add_months(period.end_exclusive, -options.months) + dt.timedelta(days=3)
    return Period(lo, hi, "", "range")


def _signing_deadline_in(period: Period, options: Options) -> QuerySet:
    """Signed projects whose N-month start deadline may fall in the period (refined in Python)."""
    window = _deadline_window(period, options)
    signed = Project.objects.filter(signed_on__isnull=False)
    if options.once_only:
        signed = signed.filter(
            pk__in=first_entries(Stage.SIGNED, options, window).values("project_id")
        )
    else:
        signed = signed.filter(signed_on__gte=window.start, signed_on__lt=window.end_exclusive)
    if options.exclude_same_city:
        signed = signed.filter(_external("pk"))
    return signed


def _enrich_deadline(rows, qs, period, options) -> None:
    _entry_dates(rows, qs, _deadline_window(period, options), options, started=False)


def _missed_deadline(row: Mapping[str, Any], period: Period, options: Options) -> bool:
    signed, started = row["entered_signed"], row["entered_started"]
    if signed is None:
        return False
    deadline = add_months(signed, options.months)
    if not period.contains(deadline):
        return False
    return started is None or started > deadline


_STAGE_OPTIONS = frozenset(FLAGS)
_FUNDS_OPTIONS = frozenset({"exclude_same_city", "entered_before_close"})

INDICATOR_LIST: tuple[Indicator, ...] = (
    Indicator(
        key="funds_verified",
        label="到位资金",
        unit="万元",
        doc="已核实的到位资金之和，按到位资金记录的所属月份计入期间。",
        source="funds",
        records=verified_funds,
        measure="amount_wan",
        supports=_FUNDS_OPTIONS,
    ),
    Indicator(
        key="funds_verified_out_of_province",
        label="省外到位资金",
        unit="万元",
        doc="投资方中有省外企业的项目的已核实到位资金。",
        source="funds",
        records=_funds_out_of_province,
        measure="amount_wan",
        supports=_FUNDS_OPTIONS,
    ),
    Indicator(
        key="funds_foreign_usd",
        label="境外到位资金（万美元）",
        unit="万美元",
        doc="有外资（万美元）的项目，每笔已核实到位资金按“外资额÷总投资”的比例折算为美元。",
        source="funds",
        records=_funds_foreign,
        measure="amount_wan",
        supports=_FUNDS_OPTIONS,
        row_fields=("project__foreign_investment_usd_wan", "project__total_investment_wan"),
        contribute=_usd_share,
    ),
    Indicator(
        key="new_signed_count",
        label="新签约项目数",
        unit="个",
        doc="签约日期在期间内的项目个数。",
        source="projects",
        records=_signed,
        supports=_STAGE_OPTIONS,
    ),
    Indicator(
        key="new_signed_contracted_wan",
        label="新签约项目合同投资",
        unit="万元",
        doc="签约日期在期间内的项目的合同投资之和。",
        source="projects",
        records=_signed,
        measure="contracted_investment_wan",
        supports=_STAGE_OPTIONS,
    ),
    Indicator(
        key="new_started_over_100m",
        label="新开工过亿元项目数",
        unit="个",
        doc="总投资1亿元以上、开工日期在期间内的项目个数。",
        source="projects",
        records=_started_over_100m,
        supports=_STAGE_OPTIONS,
    ),
    Indicator(
        key="new_started_over_100m_investment_wan",
        label="新开工过亿元项目总投资",
        unit="万元",
        doc="总投资1亿元以上、开工日期在期间内的项目的总投资之和。",
        source="projects",
        records=_started_over_100m,
        measure="total_investment_wan",
        supports=_STAGE_OPTIONS,
    ),
    Indicator(
        key="signed_over_1bn",
        label="新签约10亿元以上项目数",
        unit="个",
        doc="总投资10亿元（100,000万元）以上、签约日期在期间内的项目个数。",
        source="projects",
        records=_signed_over(WAN_1BN),
        supports=_STAGE_OPTIONS,
    ),
    Indicator(
        key="signed_over_5bn",
        label="新签约50亿元以上项目数",
        unit="个",
        doc="总投资50亿元（500,000万元）以上、签约日期在期间内的项目个数。",
        source="projects",
        records=_signed_over(WAN_5BN),
        supports=_STAGE_OPTIONS,
    ),
    Indicator(
        key="top500_projects",
        label="三类500强投资项目数",
        unit="个",
        doc="签约日期在期间内、投资方带有所选500强标签（默认三类500强）的项目个数。",
        source="projects",
        records=_top500,
        supports=_STAGE_OPTIONS | {"tags"},
    ),
    Indicator(
        key="key_started",
        label="重点项目开工数",
        unit="个",
        doc="重点项目中开工日期在期间内的项目个数。",
        source="projects",
        records=_key_started,
        supports=_STAGE_OPTIONS,
    ),
    Indicator(
        key="key_on_schedule",
        label="重点项目按期推进数",
        unit="个",
        doc="期末在库（未终止）、已列推进节点的重点项目中，期末没有逾期未完成节点的项目个数。",
        source="projects",
        records=_key_on_schedule,
        supports=frozenset({"exclude_same_city"}),
    ),
    Indicator(
        key="signed_to_started_within_n_months",
        label="签约后N个月内开工项目数",
        unit="个",
        doc="开工日期在期间内、且开工日期不晚于签约日期后N个月（默认6个月）的项目个数。",
        source="projects",
        records=_started,
        supports=_STAGE_OPTIONS | {"months"},
        row_fields=("signed_on", "started_on"),
        enrich=_enrich_started,
        keep=_within_months,
    ),
    Indicator(
        key="signed_not_started_within_n_months",
        label="签约后N个月未开工项目数",
        unit="个",
        doc="签约后N个月（默认6个月）的开工期限落在期间内、到期限仍未开工的项目个数（用于扣分）。",
        source="projects",
        records=_signing_deadline_in,
        supports=frozenset({"once_only", "exclude_same_city", "entered_before_close", "months"}),
        row_fields=("signed_on", "started_on"),
        enrich=_enrich_deadline,
        keep=_missed_deadline,
    ),
)


# --- the service system's figures (问题办理, 议定事项): rates and means, computed by service ------


def service_indicator(figure: Any) -> Indicator:
    """An indicator over one of the service system's published figures
    (`service.selectors.figures.FIGURES`): the registry and the department service page call the
    same function, so a ranking column and the page read the same number."""
    from zhaoshang.service.models import Problem, Task

    def compute(period: Period, options: Options) -> Mapping[int | None, Decimal | None]:
        return figure.compute(period=period, by="unit")

    if figure.source == "problems":
        model, unit_path = Problem, "project__unit"

        def records(period: Period, options: Options) -> QuerySet:
            return Problem.objects.filter(
                raised_on__gte=period.start, raised_on__lt=period.end_exclusive
            )
    else:
        model, unit_path = Task, "owner_unit"

        def records(period: Period, options: Options) -> QuerySet:
            from zhaoshang.service.models import TaskSource, TaskStatus

            return Task.objects.filter(
                source=TaskSource.DECISION,
                due_on__gte=period.start,
                due_on__lt=period.end_exclusive,
            ).exclude(status=TaskStatus.CANCELLED)

    return Indicator(
        key=figure.key,
        label=figure.label,
        unit=figure.unit,
        doc=figure.doc + "（没有可计算记录的单位记为0）",
        source=figure.source,
        records=records,
        compute=compute,
        record_model=model,
        unit_path=unit_path,
        detail_url="service:figures",
    )


def _service_indicators() -> tuple[Indicator, ...]:
    from zhaoshang.service.selectors.figures import FIGURES

    return tuple(service_indicator(f) for f in FIGURES)


INDICATOR_LIST = (*INDICATOR_LIST, *_service_indicators())
INDICATORS: dict[str, Indicator] = {i.key: i for i in INDICATOR_LIST}


def get_indicator(key: str, *, field: str = "indicator") -> Indicator:
    """The registered indicator, or a ValidationError keyed by `field`."""
    try:
        return INDICATORS[key]
    except (KeyError, TypeError):
        known = "、".join(INDICATORS)
        raise ValidationError(
            {field: [f"未知指标“{key}”，可用指标：{known}"]}, code="unknown_indicator"
        ) from None


def _as_bool(value: Any, name: str, errors: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on", "0", "false", "no"}:
        return value.lower() in {"1", "true", "yes", "on"}
    errors.append(f"{_OPTION_LABELS[name]}（{name}）须为 true 或 false")
    return False


def parse_options(
    indicator: Indicator, raw: Mapping[str, Any] | Options | None, *, field: str = "options"
) -> Options:
    """Check a mapping of options against what the indicator supports; ValidationError by field."""
    if isinstance(raw, Options):
        return raw
    raw = dict(raw or {})
    errors: list[str] = []
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in _OPTION_LABELS:
            errors.append(f"未知选项“{name}”")
            continue
        if name not in indicator.supports:
            errors.append(f"指标“{indicator.label}”不支持选项“{_OPTION_LABELS[name]}”（{name}）")
            continue
        if name in FLAGS:
            values[name] = _as_bool(value, name, errors)
        elif name == "months":
            try:
                months = int(value)
            except (TypeError, ValueError):
                months = 0
            if isinstance(value, bool) or not 1 <= months <= 60:
                errors.append("月数（months）须为1—60的整数")
            values["months"] = months
        elif name == "tags":
            tags = [value] if isinstance(value, str) else list(value or [])
            if not tags or any(t not in TOP500_TAGS for t in tags):
                errors.append(f"投资方标签（tags）须取自：{'、'.join(TOP500_TAGS)}")
            values["tags"] = tuple(sorted(set(tags)))
    if errors:
        raise ValidationError({field: errors}, code="invalid_options")
    return Options(**values)


OPTION_NAMES = tuple(f.name for f in fields(Options))


# --- evaluation ---------------------------------------------------------------------------------


@dataclass
class Figure:
    """An indicator evaluated for a period: values by unit id, and optionally the records behind.

    `records[unit_id]` lists `(record id, contribution)` pairs whose sum is `values[unit_id]`
    (before rounding); units without records are absent (value 0).
    """

    indicator: Indicator
    period: Period
    options: Options
    values: dict[int, Decimal]
    records: dict[int, list[tuple[int, Decimal]]] | None = None
    city: Decimal | None = None  # a computed figure's own city value (not a sum of units')
    record_model: str = field(init=False)

    def __post_init__(self) -> None:
        self.record_model = self.indicator.model._meta.label_lower

    def value(self, unit_id: int | None = None) -> Decimal:
        """One unit's value, or the city's (all units) when `unit_id` is None."""
        if unit_id is None:
            if self.indicator.compute is not None:
                return self.indicator.quantize(self.city or Decimal(0))
            return self.indicator.quantize(sum(self.values.values(), Decimal(0)))
        return self.values.get(unit_id, self.indicator.quantize(Decimal(0)))

    def record_ids(self, unit_id: int | None = None) -> list[int]:
        if self.records is None:
            raise ValueError("evaluate(..., records=True) first")
        if unit_id is None:
            return sorted(pk for rows in self.records.values() for pk, _ in rows)
        return sorted(pk for pk, _ in self.records.get(unit_id, []))


def evaluate(
    indicator: Indicator | str,
    period: Period,
    options: Options | Mapping[str, Any] | None = None,
    *,
    records: bool = False,
    unit_ids: Iterable[int] | None = None,
) -> Figure:
    """Compute an indicator for every unit (or the given units) in one query.

    Without `records` it is a single GROUP BY; with it the rows behind each figure are fetched
    as well (ids and contributions), which is what the drill-down and a published snapshot keep.
    """
    if isinstance(indicator, str):
        indicator = get_indicator(indicator)
    options = parse_options(indicator, options)
    if indicator.compute is not None:
        # A rate or a mean: no records behind it to add up (the drill-down lists what it reads).
        computed = indicator.compute(period, options)
        wanted = None if unit_ids is None else set(unit_ids)
        values = {
            u: indicator.quantize(v)
            for u, v in computed.items()
            if u is not None and v is not None and (wanted is None or u in wanted)
        }
        city = computed.get(None)
        return Figure(indicator, period, options, values, None, city)
    qs = indicator.records(period, options)
    if unit_ids is not None:
        qs = qs.filter(**{f"{indicator.unit_field}__in": list(unit_ids)})
    unit_field = indicator.unit_field
    if not records and not indicator.in_python:
        aggregate = Sum(indicator.measure) if indicator.measure else Count("pk")
        rows = qs.order_by().values(unit_field).annotate(v=aggregate).values_list(unit_field, "v")
        values = {u: indicator.quantize(Decimal(v or 0)) for u, v in rows}
        return Figure(indicator, period, options, values)
    columns = [unit_field, "pk", *([indicator.measure] if indicator.measure else [])]
    columns += [c for c in indicator.row_fields if c not in columns]
    found: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    fetched = list(qs.order_by().values(*columns))
    if indicator.enrich is not None:
        indicator.enrich(fetched, qs, period, options)
    for row in fetched:
        if indicator.keep is not None and not indicator.keep(row, period, options):
            continue
        if indicator.contribute is not None:
            amount = indicator.contribute(row)
        elif indicator.measure:
            amount = Decimal(row[indicator.measure] or 0)
        else:
            amount = Decimal(1)
        found[row[unit_field]].append((row["pk"], amount))
    for rows in found.values():
        rows.sort()
    values = {u: indicator.quantize(sum((a for _, a in r), Decimal(0))) for u, r in found.items()}
    return Figure(indicator, period, options, values, dict(found) if records else None)


def drilldown(figure: Figure, unit_id: int | None) -> QuerySet:
    """The records behind one unit's figure (or the city's), as an unrestricted queryset.

    Callers that show it to a user must narrow it with `.restrict(user, "view")`.
    """
    model = figure.indicator.model
    if figure.records is not None or figure.indicator.in_python:
        if figure.records is None:
            figure = evaluate(figure.indicator, figure.period, figure.options, records=True)
        return model.objects.filter(pk__in=figure.record_ids(unit_id))
    qs = figure.indicator.records(figure.period, figure.options)
    if unit_id is not None:
        qs = qs.filter(**{figure.indicator.unit_field: unit_id})
    return qs
