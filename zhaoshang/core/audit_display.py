"""How the audit log reads to an auditor: times in Beijing time, people by name and login,
record types and fields by their Chinese names, choice values by their labels, people named
in a change by name, personal data masked. The raw keys stay beside them (`key`) for a
technical reader.

Nothing here writes; the page, its detail rows and its Excel export all read through it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from . import masking
from .audit import FILE_LABELS
from .models import AuditEntry

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# An ISO 8601 time with its offset, as snapshots store them ("2024-03-31T16:30:00+00:00", "…Z").
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$"
)

DATETIME = "datetime"
PERSON = "person"


@dataclass(frozen=True)
class FieldMeta:
    label: str
    choices: dict[str, str] = field(default_factory=dict)
    kind: str = ""  # DATETIME, PERSON or ""


# Keys of entries that are no field of their record (an uploaded file's name and SHA-256).
_EXTRA_META = {key: FieldMeta(label) for key, label in FILE_LABELS.items()}


def local_time(value: dt.datetime) -> str:
    """An aware time in the site's time zone (Beijing time): 2024-04-01 00:30:00."""
    return timezone.localtime(value).strftime(TIME_FORMAT)


def _iso_to_local(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return local_time(parsed) if timezone.is_aware(parsed) else value


def person(user: Any, username: str) -> str:
    """ "张伟（linqing）": the name, then the login; the login alone when there is no name."""
    name = (getattr(user, "display_name", "") or "").strip() if user is not None else ""
    login = username or getattr(user, "username", "") or ""
    if name and login and name != login:
        return f"{name}（{login}）"
    return name or login or "—"


def model_key(content_type: ContentType | None) -> str:
    """The technical name of a record type: "accounts.roledefaultgrant"."""
    return f"{content_type.app_label}.{content_type.model}" if content_type else ""


def model_label(content_type: ContentType | None) -> str:
    """The Chinese name of a record type ("角色默认权限记录"); the technical name of a type
    whose model no longer exists."""
    if content_type is None:
        return ""
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else model_key(content_type)


@lru_cache(maxsize=256)
def field_meta(app_label: str, model_name: str) -> dict[str, FieldMeta]:
    """Field name and attname → its Chinese label, choice labels and kind, for one model
    (stage → 当前阶段, verified_by_id → 核实人)."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return {}
    user_model = settings.AUTH_USER_MODEL.lower()
    meta: dict[str, FieldMeta] = {}
    for f in model._meta.get_fields():
        verbose = getattr(f, "verbose_name", None)
        if not verbose:
            continue
        kind = ""
        if isinstance(f, models.DateTimeField):
            kind = DATETIME
        elif f.many_to_one and getattr(f.related_model, "_meta", None) is not None:
            kind = PERSON if f.related_model._meta.label_lower == user_model else ""
        choices = {str(k): str(v) for k, v in (getattr(f, "flatchoices", None) or [])}
        info = FieldMeta(str(verbose), choices, kind)
        meta[f.name] = info
        meta[getattr(f, "attname", f.name)] = info
    return meta


def _meta_for(entry: AuditEntry) -> dict[str, FieldMeta]:
    if not entry.content_type_id:
        return {}
    return field_meta(entry.content_type.app_label, entry.content_type.model)


def masked(entry: AuditEntry, data: dict[str, Any] | None) -> dict[str, Any]:
    """The snapshot with the model's personal fields masked (again: masking is idempotent,
    and an entry written without `audit.snapshot` is masked here all the same)."""
    if not isinstance(data, dict):
        return {} if data is None else {"value": data}
    data = dict(data)
    model = entry.content_type.model_class() if entry.content_type_id else None
    return masking.mask_fields(model, data) if model is not None else data


def show(value: Any, meta: FieldMeta | None = None, people: dict[int, str] | None = None) -> str:
    """One stored value as an auditor reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if meta is not None and meta.kind == PERSON and people is not None:
        try:
            return people.get(int(value)) or f"用户 #{value}"
        except (TypeError, ValueError):
            return str(value)
    if meta is not None and meta.choices and str(value) in meta.choices:
        return f"{meta.choices[str(value)]}（{value}）"
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return _iso_to_local(value)
    return str(value)


def _changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    before, after = masked(entry, entry.before), masked(entry, entry.after)
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def people_for(entries: Iterable[AuditEntry]) -> dict[int, str]:
    """User id → "张伟（linqing）" for every person a change of these entries names (核实人,
    上传人 …), in one query."""
    ids: set[int] = set()
    for entry in entries:
        meta = _meta_for(entry)
        for key, before, after in _changes(entry):
            if key in meta and meta[key].kind == PERSON:
                ids.update(v for v in (before, after) if isinstance(v, int))
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: person(user, user.get_username()) for user in users}


def changed_fields(entry: AuditEntry, people: dict[int, str] | None = None) -> list[dict[str, str]]:
    """The changed fields of an entry: the raw key (`field`), its Chinese label, the values
    before and after as an auditor reads them."""
    meta = _meta_for(entry)
    if people is None:
        people = people_for([entry])
    rows = []
    for key, before, after in _changes(entry):
        info = meta.get(key) or _EXTRA_META.get(key)
        rows.append(
            {
                "field": key,
                "label": info.label if info else key,
                "before": show(before, info, people) if entry.before is not None else "",
                "after": show(after, info, people) if entry.after is not None else "",
            }
        )
    return rows


def change_lines(changes: list[dict[str, str]]) -> str:
    """The changes as lines for the export: "核实状态：待核实（pending）→ 已核实（verified）"."""
    lines = []
    for change in changes:
        before, after = change["before"], change["after"]
        value = f"{before} → {after}" if before and after else (after or before)
        lines.append(f"{change['label']}：{value}")
    return "\n".join(lines)
