"""Filter set for the audit log, shared by the auditors' page, its Excel export and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .filtersets import FilterSet
from .models import AuditAction, AuditEntry

# Apps whose records are audited; their models are the choices of "对象类型".
AUDITED_APPS = (
    "accounts",
    "enterprises",
    "projects",
    "industries",
    "activities",
    "geo",
    "core",
)


def audited_content_types() -> list[tuple[int, str]]:
    """(content type id, Chinese model name) for the filter's object-type choices."""
    choices = []
    for ct in ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model"):
        model = ct.model_class()
        if model is None:
            continue
        choices.append((ct.pk, f"{model._meta.verbose_name}（{ct.app_label}.{ct.model}）"))
    return choices


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEntryFilter(FilterSet):
    date_from = django_filters.DateFilter(label="开始日期", method="filter_date_from")
    date_to = django_filters.DateFilter(label="结束日期", method="filter_date_to")
    user = django_filters.CharFilter(label="用户名", field_name="username", lookup_expr="iexact")
    action = django_filters.MultipleChoiceFilter(label="操作", choices=AuditAction.choices)
    content_type = django_filters.ChoiceFilter(
        label="对象类型",
        choices=audited_content_types,
        field_name="content_type_id",
        empty_label="全部",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    object_id = django_filters.CharFilter(label="对象ID", method="filter_stripped")
    request_id = django_filters.CharFilter(label="请求ID", method="filter_stripped")

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def filter_date_from(self, queryset, name, value: dt.date):
        return queryset.filter(at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value: dt.date):
        """Inclusive: entries up to the end of that day."""
        return queryset.filter(at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_stripped(self, queryset, name, value: str):
        value = (value or "").strip()
        return queryset.filter(**{name: value}) if value else queryset

    def describe(self) -> str:
        """The active filters in words, for the export's own audit entry."""
        if not self.is_bound or not self.form.is_valid():
            return "无"
        parts = []
        for key, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            field = self.form.fields[key]
            if key == "action":
                value = "、".join(AuditAction(v).label for v in value)
            elif key == "content_type":
                value = dict(audited_content_types()).get(int(value), value)
            parts.append(f"{field.label}={value}")
        return "；".join(parts) or "无"
