"""A project's change history from the audit log, with field names and values in Chinese."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from zhaoshang.core import audit

from ..models import Project

_HIDDEN = {"id", "created_at", "created_by_id"}


def _field(attname: str) -> models.Field | None:
    name = attname[:-3] if attname.endswith("_id") else attname
    try:
        return Project._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _related_names(entries: list) -> dict[type[models.Model], dict[str, str]]:
    """Names of every related record the entries mention, fetched once per model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        for attname, before, after in entry.changed_fields():
            field = _field(attname)
            if field is None or not field.is_relation:
                continue
            for value in (before, after):
                values = value if isinstance(value, list) else [value]
                wanted[field.related_model].update(v for v in values if v not in (None, ""))
    names: dict[type[models.Model], dict[str, str]] = {}
    for model, ids in wanted.items():
        names[model] = {str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=ids)}
    return names


def _display(field: models.Field, value: Any, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if field.is_relation:
        lookup = names.get(field.related_model, {})
        values = value if isinstance(value, list) else [value]
        return "、".join(lookup.get(str(v), f"#{v}") for v in values)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.DecimalField):
        try:
            return f"{Decimal(str(value)):,.2f}"
        except (InvalidOperation, ValueError):
            return str(value)
    return str(value)


def history_rows(project: Project, *, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first: when, who, what, and each changed field as label, before → after."""
    entries = list(audit.history_for(project)[:limit])
    names = _related_names(entries)
    rows = []
    for entry in entries:
        changes = []
        if entry.before is not None and entry.after is not None:
            for attname, before, after in entry.changed_fields():
                field = _field(attname)
                if attname in _HIDDEN or field is None:
                    continue
                changes.append(
                    {
                        "label": str(field.verbose_name),
                        "before": _display(field, before, names),
                        "after": _display(field, after, names),
                    }
                )
        rows.append(
            {
                "at": entry.at,
                "user": entry.user or entry.username or "系统",
                "action": entry.get_action_display(),
                "action_code": entry.action,
                "note": entry.note,
                "changes": changes,
            }
        )
    return rows
