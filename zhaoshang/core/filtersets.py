"""The base of every filter set: numbers in a query string are bounded before any query.

django-filter reads `?project=` or `?direction=` as a decimal of any size and passes it to the
database: `?project=99999999999999999999` or `?direction=3.4e38` raised OverflowError on SQLite
(a 500). Here a number filter on an integer column or a foreign key reads an integer within the
64-bit range, and any other number filter a decimal within ±10^50: anything else is a form error
(a 400 on the API, an error under the field on a page), in Chinese.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field

INT_MAX = 2**63 - 1
DECIMAL_LIMIT = Decimal("1e50")


def _integer_column(model, field_name: str) -> bool:
    """Whether `field_name` (a path like `project__unit_id`) ends on an integer column."""
    if model is None or not field_name:
        return False
    field = get_model_field(model, field_name)
    if field is not None and field.is_relation and field.many_to_one:
        field = field.target_field
    return isinstance(field, models.IntegerField)


def bound_number_filter(model, number_filter: django_filters.NumberFilter) -> None:
    """Give a NumberFilter an integer field with the 64-bit range, or decimal bounds."""
    extra = number_filter.extra
    if number_filter.method is None and _integer_column(model, number_filter.field_name):
        number_filter.field_class = forms.IntegerField
        extra.setdefault("min_value", -INT_MAX)
        extra.setdefault("max_value", INT_MAX)
    else:
        # The upper bound is django-filter's own (NumberFilter.get_max_validator, 1e50).
        extra.setdefault("min_value", -DECIMAL_LIMIT)


class FilterSet(django_filters.FilterSet):
    """Every filter set of the project derives from this one (a test walks them)."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for value in filters.values():
            if isinstance(value, django_filters.NumberFilter):
                bound_number_filter(cls._meta.model, value)
        return filters


class FilterBackend(DjangoFilterBackend):
    """The API's filter backend: a filter set built from `filterset_fields` is bounded too."""

    filterset_base = FilterSet
