"""Writing the service log (服务记录) of a project, and the audited reveal of a contact's number."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.core import audit, masking
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require, require_perm
from zhaoshang.projects.models import Project

from ..models import ServiceKind, ServiceLog

REVEAL_PERMISSION = "service.reveal_servicelog_contact"
# A mainland mobile, or a landline with its area code and an optional extension.
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
# A log entry may be dated back this far (a week's visits typed in on Friday, not last year's).
MAX_BACKDATE_DAYS = 366


def _clean(
    *, on: dt.date, kind: ServiceKind | None, note: str, contact_name: str, contact_phone: str,
    help_given: str,
) -> dict[str, Any]:  # fmt: skip
    """The typed values, stripped, or a ValidationError keyed by field (all problems at once)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if on > today:
        errors["on"] = ["日期不能晚于今天"]
    elif (today - on).days > MAX_BACKDATE_DAYS:
        errors["on"] = ["只能登记一年以内的服务"]
    if kind is None or not kind.is_active:
        errors["kind"] = ["请选择服务方式"]
    note = (note or "").strip()
    if not note:
        errors["note"] = ["请填写服务内容"]
    phone = re.sub(r"\s", "", contact_phone or "")
    if phone and not _PHONE.match(phone):
        errors["contact_phone"] = ["请填写11位手机号码或带区号的固定电话"]
    if errors:
        raise ValidationError(errors)
    return {
        "on": on,
        "kind": kind,
        "note": note,
        "contact_name": (contact_name or "").strip()[:50],
        "contact_phone": phone,
        "help_given": (help_given or "").strip(),
    }


def service_log_add(
    *,
    actor: Any,
    project: Project,
    on: dt.date,
    kind: ServiceKind | None,
    note: str,
    contact_name: str = "",
    contact_phone: str = "",
    help_given: str = "",
) -> ServiceLog:
    """Log one service to the project's investor, by the actor, on a day (not in the future)."""
    entry = ServiceLog(project=project, actor=actor)
    require(actor, "add", entry)
    values = _clean(on=on, kind=kind, note=note, contact_name=contact_name,
                    contact_phone=contact_phone, help_given=help_given)  # fmt: skip
    for name, value in values.items():
        setattr(entry, name, value)
    with transaction.atomic():
        entry.save()
        audit.record_create(actor=actor, obj=entry)
    return entry


def service_log_update(
    *,
    actor: Any,
    entry: ServiceLog,
    on: dt.date,
    kind: ServiceKind | None,
    note: str,
    contact_name: str = "",
    contact_phone: str = "",
    help_given: str = "",
    version: str | None = None,
) -> ServiceLog:
    """Correct one's own entry. A phone sent back as it was shown (masked) keeps the stored one.

    `version` is the entry's version the editor read (`core.concurrency`).
    """
    require(actor, "change", entry)
    if entry.actor_id != actor.pk:
        raise PermissionDenied("只能修改本人登记的服务记录")
    if masking.is_masked(masking.PHONE, contact_phone, entry.contact_phone):
        contact_phone = entry.contact_phone
    values = _clean(on=on, kind=kind, note=note, contact_name=contact_name,
                    contact_phone=contact_phone, help_given=help_given)  # fmt: skip
    with transaction.atomic():
        stored = ServiceLog.objects.select_for_update().get(pk=entry.pk)
        check_version(stored, version, submitted=values)
        old = {name: getattr(stored, name) for name in masking.personal_fields(ServiceLog)}
        before = audit.snapshot(stored)
        for name, value in values.items():
            setattr(stored, name, value)
        stored.save()
        after = audit.snapshot(stored)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=stored,
            before=before,
            after=after,
            note=masking.masked_changes(stored, old, before, after),
        )
    return stored


def can_reveal_contact(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(REVEAL_PERMISSION))


def service_log_reveal(*, actor: Any, entry: ServiceLog) -> str:
    """The contact's full number: one audit entry per reveal, naming whose number was seen."""
    require(actor, "view", entry)
    require_perm(actor, REVEAL_PERMISSION)
    if not entry.contact_phone:
        raise ValidationError({"contact_phone": ["该记录没有登记对接人电话"]})
    audit.record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=entry,
        note=f"查看服务记录对接人电话：{entry.project.name} {entry.contact_name}",
    )
    return entry.contact_phone
