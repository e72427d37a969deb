"""Filter set for the audit log, shared by the auditors' page, its Excel export and the API."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from . import audit
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
    """(content type id, Chinese model name) for the filter's object-type choices; a name two
    apps share is followed by its app's name."""
    found = []
    for ct in ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model"):
        model = ct.model_class()
        if model is not None:
            found.append(
                (ct.pk, str(model._meta.verbose_name), str(model._meta.app_config.verbose_name))
            )
    names = Counter(name for _, name, _ in found)
    return sorted(
        ((pk, name if names[name] == 1 else f"{name}（{app}）") for pk, name, app in found),
        key=lambda choice: choice[1],
    )


# A project name as short as one character may match thousands of projects: past this many the
# auditor is asked for more of the name rather than shown a part of the log.
PROJECT_MATCH_LIMIT = 500


def _projects(name: str):
    """The projects whose name contains `name` (the group "project" that the projects app
    declares to the audit log), or None while no app has declared it."""
    return audit.group_search("project", name)


class AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        name = (data.get("project") or "").strip()
        if name:
            projects = _projects(name)
            if projects is None:
                self.add_error("project", "项目筛选暂不可用")
            elif projects[: PROJECT_MATCH_LIMIT + 1].count() > PROJECT_MATCH_LIMIT:
                self.add_error(
                    "project",
                    f"名称含“{name}”的项目超过 {PROJECT_MATCH_LIMIT} 个，请输入更完整的项目名称",
                )
        if data.get("object_id", "").strip() and not data.get("content_type"):
            self.add_error(
                "object_id", "按对象ID筛选时，请先选择对象类型（不同类型的记录ID会重复）"
            )
        return data


# A person filter as short as one character matches many accounts; the log is searched for the
# first ones (by id), enough for any real name or login.
PERSON_MATCH_LIMIT = 1000


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEntryFilter(FilterSet):
    date_from = django_filters.DateFilter(label="开始日期", method="filter_date_from")
    date_to = django_filters.DateFilter(label="结束日期", method="filter_date_to")
    user = django_filters.CharFilter(label="人员", method="filter_person")
    project = django_filters.CharFilter(label="项目名称", method="filter_project")
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
        form = AuditFilterForm

    def filter_date_from(self, queryset, name, value: dt.date):
        return queryset.filter(at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value: dt.date):
        """Inclusive: entries up to the end of that day."""
        return queryset.filter(at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_person(self, queryset, name, value: str):
        """Entries by everyone whose name or login contains `value`, and by a login typed in
        full that has no account (a failed login, a deleted user). The matching accounts are
        read first, so the log is searched by its index on the user."""
        value = (value or "").strip()
        if not value:
            return queryset
        users = get_user_model().objects.all()
        matches = Q(**{f"{users.model.USERNAME_FIELD}__icontains": value})
        if any(f.name == "display_name" for f in users.model._meta.get_fields()):
            matches |= Q(display_name__icontains=value)
        ids = list(users.filter(matches).values_list("pk", flat=True)[:PERSON_MATCH_LIMIT])
        return queryset.filter(Q(user_id__in=ids) | Q(username=value))

    def filter_project(self, queryset, name, value: str):
        """The entries of every project whose name contains `value`: the projects themselves
        and their records (funds, stage changes, milestones, evidence …), by index."""
        value = (value or "").strip()
        projects = _projects(value) if value else None
        if projects is None:
            return queryset
        ids = list(projects.values_list("pk", flat=True)[:PROJECT_MATCH_LIMIT])
        return audit.entries_of(queryset, projects.model, ids)

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
