"""Reads on user accounts, for the user-management pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhaoshang.core.permissions import has_model_permission, restrict

from .models import User
from .roles import Role


def users_for(
    *,
    actor: Any,
    q: str = "",
    role: str = "",
    unit_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """The accounts `actor` may see, narrowed by the list filters.

    Accounts are not business records: the system administrator, whose business scope is
    empty, manages every account. Everyone else goes through `.restrict` (the city administrator
    and auditors read all accounts; roles without `accounts.view_user` see none).
    """
    base = User.objects.select_related("unit", "department")
    if actor.role == Role.SYSADMIN and has_model_permission(actor, "view", User):
        qs = base.all()
    else:
        qs = restrict(base.all(), actor, "view")
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(phone__icontains=q)
        )
    if role:
        qs = qs.filter(role=role)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("username")
