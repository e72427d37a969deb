"""Filter sets shared by the project pages, the Excel export and the API."""

import datetime as dt
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from zhaoshang.accounts.models import Unit
from zhaoshang.core.filtersets import FilterSet
from zhaoshang.enterprises.selectors import enterprise_ids_coded
from zhaoshang.industries.models import Direction, Industry
from zhaoshang.projects.models import Campaign

from .models import (
    INVESTOR_SEARCH,
    PROJECT_SEARCH,
    AttractionMode,
    FundsRecord,
    FundsSource,
    FundsStatus,
    Project,
    ProjectInvestorNames,
    Stage,
)

ORDERING = (
    ("created_at", "created"),
    ("name", "name"),
    ("total_investment_wan", "total_investment_wan"),
    ("signed_on", "signed_on"),
    ("started_on", "started_on"),
    ("stage", "stage"),
)


class ProjectFilter(FilterSet):
    q = django_filters.CharFilter(label="关键词", method="filter_text")
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.all(), to_field_name="code"
    )
    # One row per project either way: DISTINCT would only cost (35 columns on PostgreSQL).
    stage = django_filters.MultipleChoiceFilter(label="阶段", choices=Stage.choices, distinct=False)
    industry = django_filters.ModelChoiceFilter(label="产业", queryset=Industry.objects.all())
    direction = django_filters.ModelChoiceFilter(label="细分方向", queryset=Direction.objects.all())
    attraction_mode = django_filters.ChoiceFilter(label="招商方式", choices=AttractionMode.choices)
    campaign = django_filters.ModelChoiceFilter(label="招商会战", queryset=Campaign.objects.all())
    is_key = django_filters.BooleanFilter(label="重点项目")
    is_over_100m = django_filters.BooleanFilter(label="过亿元项目")
    is_out_of_province = django_filters.BooleanFilter(label="省外项目")
    is_top500 = django_filters.BooleanFilter(label="三类500强项目")
    signed_on = django_filters.DateFromToRangeFilter(label="签约日期")
    started_on = django_filters.DateFromToRangeFilter(label="开工日期")
    created = django_filters.DateFromToRangeFilter(label="录入日期", field_name="created_at__date")
    min_investment = django_filters.NumberFilter(
        label="总投资不低于（万元）", field_name="total_investment_wan", lookup_expr="gte"
    )
    ordering = django_filters.OrderingFilter(
        label="排序",
        fields=ORDERING,
        field_labels={
            "created_at": "录入时间",
            "name": "名称",
            "total_investment_wan": "总投资",
            "signed_on": "签约日期",
            "started_on": "开工日期",
            "stage": "阶段",
        },
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, *args, walk: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.walk = walk

    def filter_text(self, queryset, name, value):
        return projects_matching(queryset, value, walk=self.walk)


def projects_matching(
    queryset: QuerySet[Project], q: str, *, walk: bool = False
) -> QuerySet[Project]:
    """The keyword filter of the project pages, export and API: the name or description
    contains `q`, ignoring case, or an investor's name does, or an investor's credit code is
    `q`. The keyword indexes narrow the rows and this condition decides, so the result is the
    scan's (see zhaoshang.core.search): the project's own text and its investors' names
    (`ProjectInvestorNames`) each in one index lookup. `walk`: the project's own text checked
    on each row, for a page read in its order when most pages' rows hold `q`
    (`search.walks`)."""
    q = (q or "").strip()
    if not q:
        return queryset
    found = (
        None
        if walk
        else PROJECT_SEARCH.either(
            INVESTOR_SEARCH, q, other_rows=ProjectInvestorNames.objects
        )  # the indexes alone
    )
    if found is not None:
        match = found
    elif walk:
        match = Q(name__icontains=q) | Q(description__icontains=q) | Q(pk__in=_named(q))
    else:
        match = Q(pk__in=_own(q)) | Q(pk__in=_named(q))
    coded = enterprise_ids_coded(q)
    if coded is not None:
        invested = Project.investors.through.objects.filter(enterprise_id__in=coded)
        match |= Q(pk__in=invested.values("project_id"))
    return queryset.filter(match)


def _own(q: str) -> Any:
    found = PROJECT_SEARCH.condition(q)
    match = Q(name__icontains=q) | Q(description__icontains=q)
    if found is not None and PROJECT_SEARCH.exact(q):
        match = found
    elif found is not None:
        match &= found
    return Project.objects.filter(match).order_by().values("pk")


def _named(q: str) -> Any:
    """The projects an investor's name containing `q` finds."""
    candidates = INVESTOR_SEARCH.candidates(q)
    if candidates is not None and INVESTOR_SEARCH.exact(q):
        return candidates
    if "\n" in q:  # it may span two joined names: ask the enterprises themselves
        return Project.investors.through.objects.filter(enterprise__name__icontains=q).values(
            "project_id"
        )
    names = ProjectInvestorNames.objects.filter(names__icontains=q)
    if candidates is not None:
        names = names.filter(pk__in=candidates)
    return names.order_by().values("pk")


class FundsFilter(FilterSet):
    project = django_filters.NumberFilter(label="项目")
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.all(), to_field_name="code", field_name="project__unit"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=FundsStatus.choices)
    source = django_filters.ChoiceFilter(label="资金来源", choices=FundsSource.choices)
    period_from = django_filters.CharFilter(label="起始月份", method="filter_period_from")
    period_to = django_filters.CharFilter(label="截止月份", method="filter_period_to")

    class Meta:
        model = FundsRecord
        fields: list[str] = []

    @staticmethod
    def _month(value: str):
        import datetime as dt

        try:
            year, month = value.strip().split("-")[:2]
            return dt.date(int(year), int(month), 1)
        except (ValueError, TypeError):
            return None

    def filter_period_from(self, queryset, name, value):
        month = self._month(value)
        return queryset.filter(period__gte=month) if month else queryset

    def filter_period_to(self, queryset, name, value):
        month = self._month(value)
        return queryset.filter(period__lte=month) if month else queryset


def parse_month(value: str | None):
    """A "YYYY-MM" month as its first day (None when empty or not a month)."""
    text = (value or "").strip()
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None


def _month_validator(value: str) -> None:
    if value and parse_month(value) is None:
        raise ValidationError("月份格式应为“2024-10”", code="invalid")


class VerifyQueueFilter(FilterSet):
    """The city's verification queue: by 单位, by 月份, the records over the project's total
    investment (`over_cap`, see `selectors.verification_queue`), newest or oldest first (the
    queryset given comes oldest first)."""

    ORDERS = {"oldest": ("submitted_at", "id"), "newest": ("-submitted_at", "-id")}

    unit = django_filters.ModelChoiceFilter(
        label="单位",
        queryset=Unit.objects.all(),
        to_field_name="code",
        field_name="project__unit",
        error_messages={"invalid_choice": "单位无效，请从列表中选择"},
    )
    month = django_filters.CharFilter(
        label="月份", method="filter_month", validators=[_month_validator]
    )
    over_cap = django_filters.ChoiceFilter(
        label="超总投资",
        choices=(("1", "仅超总投资"), ("0", "未超总投资")),
        method="filter_over_cap",
        error_messages={"invalid_choice": "“超总投资”条件无效"},
    )
    order = django_filters.ChoiceFilter(
        label="排序",
        choices=(("oldest", "最早提交在前"), ("newest", "最新提交在前")),
        method="filter_order",
        empty_label=None,
        error_messages={"invalid_choice": "排序只能为“最早提交在前”或“最新提交在前”"},
    )

    class Meta:
        model = FundsRecord
        fields: list[str] = []

    def filter_month(self, queryset, name, value):
        month = parse_month(value)
        return queryset.filter(period=month) if month else queryset

    def filter_over_cap(self, queryset, name, value):
        return queryset.filter(over_cap=value == "1")

    def filter_order(self, queryset, name, value):
        return queryset.order_by(*self.ORDERS[value])
