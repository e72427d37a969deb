"""The enterprise filter set: one reading of a query string for the list page, its Excel
export and the API (`?q=轴承&tag=listed&is_local=false&province=32&industry=C33`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhaoshang.core import search
from zhaoshang.core.filtersets import FilterSet

from .models import Enterprise, Tag
from .selectors import enterprises_counted, enterprises_for, enterprises_matching


@extend_schema_field(OpenApiTypes.STR)
class TagCodeFilter(django_filters.ModelMultipleChoiceFilter):
    """Tag codes (`?tag=listed&tag=global500`): enterprises carrying any of them."""


class EnterpriseFilter(FilterSet):
    q = django_filters.CharFilter(label="名称或代码（同页面搜索）", method="filter_text")
    name = django_filters.CharFilter(label="企业名称（包含）", lookup_expr="icontains")
    uscc = django_filters.CharFilter(label="统一社会信用代码", method="filter_uscc")
    is_local = django_filters.BooleanFilter(label="本市企业")
    province = django_filters.CharFilter(label="省份代码（2位）", field_name="province_code")
    industry = django_filters.CharFilter(label="行业代码前缀", method="filter_industry")
    tag = TagCodeFilter(
        label="标签（代码，可多选）",
        field_name="tags__code",
        to_field_name="code",
        queryset=Tag.objects.all(),
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, *args, walk: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.walk = walk

    def filter_text(self, queryset, name, value):
        return enterprises_matching(queryset, value, walk=self.walk)

    def keyword_only(self) -> str:
        """The keyword, when it is the only narrowing asked for; "" otherwise."""
        if not self.is_valid():
            return ""
        data = self.form.cleaned_data
        if any(value for key, value in data.items() if key != "q"):
            return ""
        return (data.get("q") or "").strip()

    def filter_uscc(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(uscc=value) if value else queryset

    def filter_industry(self, queryset, name, value):
        value = value.strip().upper()
        if value[:1].isalpha():
            value = value[1:]
        return queryset.filter(industry_code__startswith=value) if value else queryset


def enterprise_page(data: Any, *, user: Any, page_size: int) -> tuple[QuerySet[Enterprise], int]:
    """The enterprise list's rows in its order (name) and their number, for `data` (the query
    string). A keyword alone is counted by its index; when the keyword is held by many names
    (`search.walks`, up to the page asked for), the rows are the names read in order, checked
    one by one, so a page reads a few hundred names rather than every match (the same rows
    either way)."""
    filterset = EnterpriseFilter(data, queryset=enterprises_for(user=user))
    q = filterset.keyword_only()
    found = enterprises_counted(filterset.queryset, q) if q else None
    if found is None:
        qs = filterset.qs
        return qs, qs.count()
    if search.walks(found, search.rows(Enterprise), page_size * search.page_number(data)):
        filterset = EnterpriseFilter(data, queryset=enterprises_for(user=user), walk=True)
    return filterset.qs, found
