"""Not harassing enterprises (#12 §3): the city marks an enterprise "do not disturb" or notes
how it prefers to be contacted; whoever plans a visit to it is warned (activities)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import Scope, has_model_permission, require

from ..models import Enterprise

PREFERENCE_MAX = 200


def may_set_contact_rules(user: Any) -> bool:
    """Only the city (市投资促进局) marks enterprises: it coordinates every unit's visits."""
    return getattr(user, "scope", None) == Scope.ALL and has_model_permission(
        user, "change", Enterprise
    )


def enterprise_contact_rules_set(
    *,
    actor: Any,
    enterprise: Enterprise,
    do_not_disturb: bool,
    contact_preference: str = "",
    version: str | Iterable[str] | None = None,
) -> Enterprise:
    """Set 请勿打扰 and the contact preference of an enterprise; audited before and after."""
    require(actor, "change", enterprise)
    if not may_set_contact_rules(actor):
        raise PermissionDenied("只有市投资促进局可以设置请勿打扰和联系偏好")
    preference = (contact_preference or "").strip()
    if len(preference) > PREFERENCE_MAX:
        raise ValidationError({"contact_preference": [f"不能超过{PREFERENCE_MAX}个字"]})
    with transaction.atomic():
        stored = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        check_version(
            stored,
            version,
            submitted={"do_not_disturb": do_not_disturb, "contact_preference": preference},
        )
        before = audit.snapshot(stored)
        stored.do_not_disturb = bool(do_not_disturb)
        stored.contact_preference = preference
        stored.save(update_fields=["do_not_disturb", "contact_preference", "updated_at"])
        audit.record_update(actor=actor, obj=stored, before=before, note="请勿打扰/联系偏好")
    enterprise.do_not_disturb = stored.do_not_disturb
    enterprise.contact_preference = stored.contact_preference
    return enterprise
