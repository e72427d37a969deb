"""Masking personal contact data: phone numbers and e-mail addresses.

A person's phone number or e-mail address is shown masked on every path (pages, forms, the API,
exports, the audit log's before/after); the full value leaves the platform only through an
audited reveal (one audit entry each time). A model lists its personal fields in
`personal_fields` (field name → kind), and `mask_fields` masks them in any dict of its values,
which is how the audit log's snapshots never hold a full number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PHONE = "phone"
EMAIL = "email"


def mask_phone(value: Any) -> str:
    """Hide the middle of a phone number: 13812345678 → "138****5678"."""
    phone = str(value or "").strip()
    if not phone:
        return ""
    if len(phone) >= 11:  # mobile numbers and landlines with area code
        return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
    if len(phone) >= 8:
        return f"{'*' * (len(phone) - 4)}{phone[-4:]}"
    return "*" * max(len(phone) - 2, 1) + phone[-2:] if len(phone) > 2 else "*" * len(phone)


def mask_email(value: Any) -> str:
    """Hide an address's name but its first character: zhang.wei@example.com → "z***@example.com"."""
    email = str(value or "").strip()
    if not email:
        return ""
    name, at, domain = email.rpartition("@")
    if not at:
        return mask_phone(email) if email.replace("-", "").isdigit() else email[:1] + "***"
    return f"{name[:1]}***@{domain}"


MASKS = {PHONE: mask_phone, EMAIL: mask_email}


def mask(kind: str, value: Any) -> str:
    return MASKS[kind](value)


def is_masked(kind: str, value: Any, stored: Any) -> bool:
    """Whether `value` is the masked form of `stored`: a form or a client sending back what it
    was shown means "unchanged", never "store the stars"."""
    return bool(stored) and str(value or "").strip() == mask(kind, stored)


def personal_fields(model: Any) -> Mapping[str, str]:
    """The model's personal fields (attribute name → kind), empty for most models."""
    return getattr(model, "personal_fields", None) or {}


def mask_fields(model: Any, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """`data` (a record's field values) with the model's personal fields masked, in place."""
    if data:
        for name, kind in personal_fields(model).items():
            if data.get(name):
                data[name] = mask(kind, data[name])
    return data


def masked_changes(obj: Any, old: Mapping[str, Any], before: Any, after: Any) -> str:
    """An audit note for personal fields changed to a value that masks like the old one (the
    before/after snapshots alone would show no change): "电话已修改（已遮蔽）", or ""."""
    labels = [
        str(type(obj)._meta.get_field(name).verbose_name)
        for name in personal_fields(obj)
        if name in old
        and old[name] != getattr(obj, name)
        and (before or {}).get(name) == (after or {}).get(name)
    ]
    return f"{'、'.join(labels)}已修改（已遮蔽）" if labels else ""
