"""Writes on what hangs off an enterprise: chain placements, contacts (and the audited reveal of a
phone number and e-mail address), relations between enterprises, dated signals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhaoshang.core import audit, masking
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require, require_perm

from ..models import (
    Contact,
    Enterprise,
    Placement,
    PlacementSource,
    PlacementStatus,
    Relation,
    RelationKind,
    Signal,
    SignalKind,
)

PHONE_PERMISSION = "enterprises.view_contact_phone"

# --- placements on chain nodes ------------------------------------------------------------------


def placement_decide(
    *, actor: Any, enterprise: Enterprise, node: Any, status: str, note: str = ""
) -> Placement:
    """A person confirms, rejects or adds the placement of an enterprise on a chain node.

    The row becomes `source=manual` with the person and time: automatic placement (the
    targeting classifier) never overwrites a manual row, so the person's decision wins.
    Confirming sets the confidence to 1, rejecting to 0.
    """
    if status not in (PlacementStatus.CONFIRMED, PlacementStatus.REJECTED):
        raise ValidationError({"status": ["只能确认或否定"]})
    existing = Placement.objects.filter(enterprise=enterprise, node=node).first()
    require(actor, "change" if existing else "add", existing or Placement)
    before = audit.snapshot(existing)
    placement = existing or Placement(enterprise=enterprise, node=node)
    placement.source = PlacementSource.MANUAL
    placement.status = status
    placement.confidence = Decimal("1") if status == PlacementStatus.CONFIRMED else Decimal("0")
    placement.decided_by = actor
    placement.decided_at = timezone.now()
    with transaction.atomic():
        placement.save()
        if existing:
            audit.record_update(actor=actor, obj=placement, before=before, note=note)
        else:
            audit.record_create(actor=actor, obj=placement, note=note)
    return placement


def placement_is_manual(placement: Placement) -> bool:
    return placement.source == PlacementSource.MANUAL


# --- contacts -----------------------------------------------------------------------------------


def _clean_contact(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = {
        k: (v or "").strip() if isinstance(v, str) or v is None else v for k, v in fields.items()
    }
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = ["请填写联系人姓名"]
    phone = cleaned.get("phone", "")
    if phone:
        digits = phone.replace("-", "").replace(" ", "").replace("+", "")
        if not digits.isdigit() or not 7 <= len(digits) <= 15:
            errors["phone"] = ["电话号码应为 7–15 位数字（可含 - 和空格）"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def contact_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    note: str = "",
) -> Contact:
    require(actor, "add", Contact)
    fields = _clean_contact(
        {"name": name, "title": title, "phone": phone, "email": email, "note": note}
    )
    contact = Contact(enterprise=enterprise, **fields)
    with transaction.atomic():
        contact.save()
        audit.record(
            actor=actor, action=AuditAction.CREATE, obj=contact, after=contact_snapshot(contact)
        )
    return contact


def contact_update(
    *, actor: Any, contact: Contact, version: str | Iterable[str] | None = None, **changes: Any
) -> Contact:
    """Change a contact. A phone number or e-mail address equal to the masked form of the stored
    one (what every form and the API show) leaves the stored value as it is. `version` is the
    contact's version the editor read (`core.concurrency`)."""
    require(actor, "change", contact)
    allowed = {"name", "title", "phone", "email", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    for name, kind in masking.personal_fields(Contact).items():
        if name in changes and masking.is_masked(kind, changes[name], getattr(contact, name)):
            changes.pop(name)  # sent back as it was shown: unchanged, not the stars
    before = contact_snapshot(contact)
    old = {name: getattr(contact, name) for name in masking.personal_fields(Contact)}
    cleaned = _clean_contact(changes)
    for key, value in cleaned.items():
        setattr(contact, key, value)
    with transaction.atomic():
        stored = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(stored, version, submitted=cleaned)
        contact.save()
        after = contact_snapshot(contact)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=contact,
            before=before,
            after=after,
            note=masking.masked_changes(contact, old, before, after),
        )
    return contact


def contact_delete(*, actor: Any, contact: Contact) -> None:
    require(actor, "delete", contact)
    with transaction.atomic():
        audit.record(
            actor=actor, action=AuditAction.DELETE, obj=contact, before=contact_snapshot(contact)
        )
        contact.delete()


def can_reveal_contacts(user: Any) -> bool:
    """Whether the user may ask for a contact's full phone number and e-mail address (one audit
    entry per reveal); everyone else, and everything else, sees them masked."""
    return bool(user and user.is_authenticated and user.has_perm(PHONE_PERMISSION))


def contact_snapshot(contact: Contact) -> dict[str, Any] | None:
    """The audit snapshot (phone and e-mail masked, as every snapshot of a personal field)."""
    return audit.snapshot(contact)


def contact_reveal(*, actor: Any, contact: Contact) -> dict[str, str]:
    """The full phone number and e-mail address, for a user holding
    `enterprises.view_contact_phone`: the only way to them. Every reveal is one audit entry
    (action `reveal`) saying whose details were seen, never the details themselves."""
    require(actor, "view", contact)
    require_perm(actor, PHONE_PERMISSION)
    if not contact.phone and not contact.email:
        raise ValidationError({"phone": ["该联系人没有登记电话或邮箱"]})
    audit.record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=contact,
        note=f"查看联系方式：{contact.enterprise.name} {contact.name}",
    )
    return {"phone": contact.phone, "email": contact.email}


# --- relations ----------------------------------------------------------------------------------


def relation_create(
    *,
    actor: Any,
    source: Enterprise,
    target: Enterprise,
    kind: str,
    note: str = "",
    since: dt.date | None = None,
) -> Relation:
    """`source` is the target's supplier / customer / investor / parent (per `kind`)."""
    require(actor, "add", Relation)
    errors: dict[str, list[str]] = {}
    if kind not in RelationKind.values:
        errors["kind"] = ["请选择关系类型"]
    if source.pk == target.pk:
        errors["target"] = ["不能与本企业建立关系"]
    if since and since > timezone.localdate():
        errors["since"] = ["起始日期不能晚于今天"]
    if errors:
        raise ValidationError(errors)
    if Relation.objects.filter(source=source, target=target, kind=kind).exists():
        raise ValidationError({"target": ["该关系已登记"]})
    relation = Relation(source=source, target=target, kind=kind, note=note.strip(), since=since)
    try:
        with transaction.atomic():
            relation.save()
            audit.record_create(actor=actor, obj=relation)
    except IntegrityError:
        raise ValidationError({"target": ["该关系已登记"]}) from None
    return relation


def relation_delete(*, actor: Any, relation: Relation) -> None:
    require(actor, "delete", relation)
    with transaction.atomic():
        audit.record_delete(actor=actor, obj=relation)
        relation.delete()


# --- signals ------------------------------------------------------------------------------------


def signal_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    kind: str,
    on: dt.date,
    title: str,
    source: str = "",
    amount_wan: Decimal | None = None,
) -> Signal:
    """A dated event about an enterprise with where it was learnt (its weight decays with age,
    see `enterprises.signals`)."""
    require(actor, "add", Signal)
    errors: dict[str, list[str]] = {}
    if kind not in SignalKind.values:
        errors["kind"] = ["请选择动态类型"]
    if on is None:
        errors["on"] = ["请填写日期"]
    elif on > timezone.localdate():
        errors["on"] = ["日期不能晚于今天"]
    if not (title or "").strip():
        errors["title"] = ["请填写摘要"]
    if amount_wan is not None and amount_wan < 0:
        errors["amount_wan"] = ["金额不能为负数"]
    if errors:
        raise ValidationError(errors)
    signal = Signal(
        enterprise=enterprise,
        kind=kind,
        on=on,
        title=title.strip(),
        source=(source or "").strip(),
        amount_wan=amount_wan,
    )
    with transaction.atomic():
        signal.save()
        audit.record_create(actor=actor, obj=signal)
    return signal


def signal_delete(*, actor: Any, signal: Signal) -> None:
    require(actor, "delete", signal)
    with transaction.atomic():
        audit.record_delete(actor=actor, obj=signal)
        signal.delete()
