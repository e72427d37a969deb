"""Writing the audit log. Every service calls `record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from . import auditchain, context, masking
from .models import AuditAction, AuditEntry

# Fields that change on every save and say nothing about the business change.
_NOISE = {"updated_at"}


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


def history_for(obj: models.Model):
    """Audit entries about one record, newest first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("user")
