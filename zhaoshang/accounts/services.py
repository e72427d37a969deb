"""Writes on users and role groups."""

from __future__ import annotations

import fnmatch

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from zhaoshang.core import audit
from zhaoshang.core.permissions import require

from .models import Department, Unit, User
from .roles import ROLE_PERMISSIONS, Role


def _expand(patterns: list[str], using: str) -> list[Permission]:
    perms = list(Permission.objects.using(using).select_related("content_type"))
    chosen = []
    for perm in perms:
        label = f"{perm.content_type.app_label}.{perm.codename}"
        if any(fnmatch.fnmatchcase(label, p) for p in patterns):
            chosen.append(perm)
    return chosen


def role_groups_sync(*, using: str = "default") -> None:
    """Create each role's group and add its default permissions (never removes any).

    Additive so that a system administrator's additions survive upgrades.
    """
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.add(*_expand(ROLE_PERMISSIONS[role], using))


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    department: Department | None = None,
    display_name: str = "",
    title: str = "",
) -> User:
    """Create a user bound to a role (and unit or department); audited."""
    if actor is not None:
        require(actor, "add", User)
    user = User(
        username=username,
        role=role,
        unit=unit,
        department=department,
        display_name=display_name,
        title=title,
    )
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        audit.record_create(actor=actor, obj=user)
    return user
