"""Optimistic concurrency: a stale edit never overwrites what someone else saved meanwhile.

A record's *version* is a keyed digest of each of its editable values (the model's
``version_fields``, by default every editable field), written one after the other. A page form
carries the version it was read at in a hidden field (`VersionedFormMixin`); the API sends it as
the ``ETag`` of a record's detail and reads it back from ``If-Match``. The edit service compares
it with the stored record under the row lock it takes for the write (`check_version`): when a
field differs, nothing is written and a `VersionConflict` names each field changed meanwhile,
with the value the user submitted and the value stored now.

Digests are per field, so a conflict can say *which* fields changed without the form carrying
their old values (a hidden field must not hold a phone number), and keyed with the secret key,
so a digest cannot be reversed by trying values. A version compares only what the edit can
write: a stage move meanwhile does not make a project's edit form stale.

A caller that does not say which version it read (``version=None``: imports, jobs, an API client
sending no ``If-Match``) is not checked; every page form sends one.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.crypto import salted_hmac

from . import masking

DIGEST_CHARS = 6  # per field: 24 bits, enough to tell a change from none
NEW = "new"  # the version of a record not written yet (a plan to be created)
EMPTY = "（空）"

STALE_PAGE = "页面已过期：请核对后重新提交（本次未保存任何内容）"
CONFLICT = "保存失败：在您打开此页之后，他人已修改了此记录，本次未保存任何内容。"
RESUBMIT = "请核对上述内容；如仍以您的填写为准，再次提交即覆盖他人的修改。"


def version_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    """The fields a version covers: the model's ``version_fields``, or every editable one."""
    declared = getattr(model, "version_fields", None)
    if declared is not None:
        return tuple(declared)
    opts = model._meta
    names = [
        f.name
        for f in opts.concrete_fields
        if f.editable and not f.primary_key and not getattr(f, "auto_now", False)
        if not getattr(f, "auto_now_add", False)
    ]
    return (*names, *(f.name for f in opts.many_to_many))


def _state(obj: models.Model) -> dict[str, Any]:
    """The stored form of each versioned field: foreign keys by id, many-to-many as sorted ids,
    decimals at their field's places (8000 and 8000.00 are one value). Read from the record
    itself, never from a masked copy: a changed phone number changes the version."""
    state: dict[str, Any] = {}
    for name in version_fields(obj):
        field = obj._meta.get_field(name)
        if field.many_to_many:
            value: Any = sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
        else:
            value = getattr(obj, field.attname)
            if isinstance(field, models.DecimalField) and value is not None:
                places = decimal.Decimal(1).scaleb(-field.decimal_places)
                value = decimal.Decimal(str(value)).quantize(places)
        state[name] = value
    return state


def _digest(name: str, value: Any) -> str:
    if isinstance(value, enum.Enum):  # a choice just assigned reads as its stored value
        value = value.value
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return salted_hmac("zhaoshang.core.concurrency", f"{name}={text}").hexdigest()[:DIGEST_CHARS]


def version_of(obj: models.Model | None) -> str:
    """The record's current version (`NEW` for a record that does not exist yet)."""
    if obj is None or obj.pk is None:
        return NEW
    return "".join(_digest(name, value) for name, value in _state(obj).items())


def etag(obj: models.Model | None) -> str:
    """The record's version as an HTTP entity tag."""
    return f'"{version_of(obj)}"'


def parse_if_match(header: str | None) -> list[str] | None:
    """The versions an ``If-Match`` header names; None when absent or ``*`` (not checked)."""
    header = (header or "").strip()
    if not header or header == "*":
        return None
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        tags.append(part.strip().strip('"'))
    return tags


def _changed(obj: models.Model | None, read: str) -> list[str]:
    """The versioned fields whose stored value differs from the version `read`."""
    if obj is None:
        return []
    names = version_fields(obj)
    if read == NEW or len(read) != DIGEST_CHARS * len(names):
        return list(names)  # created meanwhile, or a version of another shape: all of them
    now = version_of(obj)
    return [
        name
        for i, name in enumerate(names)
        if now[i * DIGEST_CHARS : (i + 1) * DIGEST_CHARS]
        != read[i * DIGEST_CHARS : (i + 1) * DIGEST_CHARS]
    ]


def _shown(field: models.Field, value: Any, kind: str | None) -> str:
    """A value as the user reads it: labels for choices, names for records, 是/否."""
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, list | tuple | set | models.QuerySet):
        if len(value) > 5:  # a role's permissions: the count says enough
            return f"共 {len(value)} 项"
        return "、".join(_shown(field, v, kind) for v in value) or EMPTY
    if value is None or value == "":
        return EMPTY
    if kind:  # a personal field (core.masking): shown masked, as everywhere
        return masking.mask(kind, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, decimal.Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if field.choices and not isinstance(value, models.Model):
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and not isinstance(value, models.Model):
        model = field.related_model
        found = model._default_manager.filter(pk=value).first() if model else None
        return str(found) if found is not None else str(value)
    return str(value)


class VersionConflict(ValidationError):
    """A stale save: `changes` holds (field, label, submitted, stored now) for each field changed
    since the version the user read; `current` is the version stored now. A form shows the
    messages above its fields and takes `current`, so a second submit is a deliberate one."""

    def __init__(
        self,
        changes: list[tuple[str, str, str | None, str]],
        current: str,
        *,
        headline: str = CONFLICT,
    ) -> None:
        self.changes = changes
        self.current = current
        self.headline = headline
        lines = [
            f"{label}：您填写“{yours}”，他人已改为“{theirs}”"
            if yours is not None
            else f"{label}：他人已改为“{theirs}”（您未修改此项）"
            for _, label, yours, theirs in changes
        ]
        super().__init__({NON_FIELD_ERRORS: [headline, *lines, RESUBMIT]})


def check_version(
    stored: models.Model | None,
    read: str | Iterable[str] | None,
    *,
    submitted: Mapping[str, Any] | None = None,
) -> None:
    """Refuse a save whose version `read` is not the `stored` record's (locked by the caller).

    `submitted` (field → value) supplies "your value" in the message; None for `read` skips the
    check (the caller did not say what it read). Several versions (an ``If-Match`` list) pass
    when one of them is current.
    """
    if read is None:
        return
    candidates = [read] if isinstance(read, str) else list(read)
    current = version_of(stored)
    if current in candidates:
        return
    submitted = submitted or {}
    changes = []
    personal = masking.personal_fields(type(stored))
    for name in _changed(stored, candidates[0] if candidates else ""):
        field = stored._meta.get_field(name)  # type: ignore[union-attr]
        label = str(getattr(field, "verbose_name", name))
        yours = _shown(field, submitted[name], personal.get(name)) if name in submitted else None
        theirs = _shown(field, getattr(stored, name), personal.get(name))
        changes.append((name, label, yours, theirs))
    raise VersionConflict(changes, current)
