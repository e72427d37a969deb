"""Writing the audit log. Every service calls `record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile

from . import auditchain, context, masking
from .models import AuditAction, AuditEntry

# Fields that change on every save and say nothing about the business change.
_NOISE = {"updated_at"}


# --- groups: the entries of a record and of the records that belong to it -------------------


@dataclass(frozen=True)
class Group:
    model: str  # "app_label.model"
    search_field: str  # what an auditor finds it by, e.g. its name
    index: Any = None  # a core.search.SearchIndex over that field, if the table has one


_groups: dict[str, Group] = {}


def group_under(key: str, *, model: str, search_field: str, index: Any = None) -> None:
    """Declare a record type whose log an auditor reads as one: every entry about a record
    with a foreign key to it (a project's funds records, stage changes, milestones …) names
    that record as its parent, so `entries_of` is one indexed query. Called by the app that
    owns the model (core knows none), e.g. `group_under("project", model="projects.project",
    search_field="name")`."""
    _groups[key] = Group(model.lower(), search_field, index)
    _parent_field.cache_clear()


def group(key: str) -> Group | None:
    return _groups.get(key)


def group_search(key: str, text: str) -> QuerySet | None:
    """The records of group `key` whose search field contains `text` (through the table's
    keyword index where it has one), or None while no app has declared the group."""
    found = _groups.get(key)
    if found is None:
        return None
    rows = apps.get_model(found.model)._default_manager.filter(
        **{f"{found.search_field}__icontains": text}
    )
    narrowed = found.index.condition(text) if found.index is not None and text else None
    return rows.filter(narrowed) if narrowed is not None else rows


@cache
def _parent_field(model: type[models.Model]) -> models.ForeignKey | None:
    """The model's foreign key to a declared group (the one named after it first), if any."""
    labels = {g.model for g in _groups.values()}
    if model._meta.label_lower in labels:
        return None  # a group's own entries are found by their object
    keys = [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one
        and hasattr(f.related_model, "_meta")
        and f.related_model._meta.label_lower in labels
    ]
    keys.sort(key=lambda f: f.name != f.related_model._meta.model_name)
    return keys[0] if keys else None


def _parent(obj: models.Model | None) -> tuple[ContentType | None, str]:
    # `obj._meta`, not `type(obj)`: a request's user is a lazy proxy of the model
    key = _parent_field(obj._meta.concrete_model) if obj is not None else None
    value = getattr(obj, key.attname) if key is not None else None
    if value is None:
        return None, ""
    return ContentType.objects.get_for_model(key.related_model), str(value)


def entries_of(
    queryset: QuerySet[AuditEntry], model: type[models.Model], ids: list[Any]
) -> QuerySet[AuditEntry]:
    """The entries about these records and about the records that belong to them: two
    lookups by index (audit_object_idx, audit_parent_idx), no scan of the log."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    keys = [str(pk) for pk in ids]
    return queryset.filter(
        Q(content_type=ct, object_id__in=keys) | Q(parent_type=ct, parent_object_id__in=keys)
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """The record's concrete field values (foreign keys by id, many-to-many as sorted ids),
    personal fields masked (`core.masking`)."""
    if obj is None:
        return None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _NOISE or getattr(field, "generated", False):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            # The same amount reads the same before and after saving (8000 == 8000.00).
            value = decimal.Decimal(str(value)).quantize(
                decimal.Decimal(1).scaleb(-field.decimal_places)
            )
        data[field.attname] = _jsonable(value)
    if obj.pk:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    # The audit log is read by more people than may see a person's number: never a full one.
    return masking.mask_fields(obj, data)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry to the audit log for the current request, chained to the one before."""
    ctx = context.current()
    parent_type, parent_object_id = _parent(obj)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        user=user,
        username=getattr(actor, "username", "") or "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True)
        if obj
        else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        before=before,
        after=after,
        note=note,
        request_id=ctx.request_id,
        ip=ctx.ip,
        parent_type=parent_type,
        parent_object_id=parent_object_id,
    )
    return auditchain.append(entry)


def record_create(*, actor: Any, obj: models.Model, note: str = "") -> AuditEntry:
    return record(actor=actor, action=AuditAction.CREATE, obj=obj, after=snapshot(obj), note=note)


def record_update(
    *, actor: Any, obj: models.Model, before: dict[str, Any] | None, note: str = ""
) -> AuditEntry:
    return record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=obj,
        before=before,
        after=snapshot(obj),
        note=note,
    )


def record_delete(*, actor: Any, obj: models.Model, note: str = "") -> AuditEntry:
    return record(actor=actor, action=AuditAction.DELETE, obj=obj, before=snapshot(obj), note=note)


# What an upload entry holds about its file (labels for the log).
FILE_LABELS = {
    "evidence_id": "证明材料ID",
    "file_name": "文件名",
    "file_kind": "材料类型",
    "file_size": "大小（字节）",
    "file_sha256": "SHA-256",
}


def record_file(
    *,
    actor: Any,
    obj: models.Model,
    file_id: Any,
    name: str,
    kind: str,
    size: int,
    sha256: str,
    action: str = AuditAction.UPLOAD,
) -> AuditEntry:
    """One entry for one stored file under the record it proves (a stage change, a funds
    record): its name, size and SHA-256, so the file can be checked against the log later."""
    return record(
        actor=actor,
        action=action,
        obj=obj,
        after={
            "evidence_id": file_id,
            "file_name": name,
            "file_kind": kind,
            "file_size": size,
            "file_sha256": sha256,
        },
        note=f"{AuditAction(action).label}：{name}（{kind}，{size:,} 字节，SHA-256 {sha256}）",
    )


def history_for(obj: models.Model):
    """Audit entries about one record, newest first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("user")
