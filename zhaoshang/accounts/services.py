"""Writes on users and role groups."""

from __future__ import annotations

import fnmatch
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require

from .models import Department, Unit, User
from .roles import ROLE_PERMISSIONS, Role


def _expand(patterns: list[str], using: str) -> list[Permission]:
    """Permissions matching any pattern (`app.view_*`) and none of the `!`-prefixed ones."""
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    perms = list(Permission.objects.using(using).select_related("content_type"))
    chosen = []
    for perm in perms:
        label = f"{perm.content_type.app_label}.{perm.codename}"
        if any(fnmatch.fnmatchcase(label, p) for p in include) and not any(
            fnmatch.fnmatchcase(label, p) for p in exclude
        ):
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
    phone: str = "",
    email: str = "",
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
        phone=phone,
        email=email,
    )
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        audit.record(actor=actor, action=AuditAction.CREATE, obj=user, after=user_snapshot(user))
    return user


# Never copied into the audit log: the password hash, and what changes on every login.
_SECRET_FIELDS = {"password", "last_login"}

# What the system administrator may change on an account (not superuser or staff flags).
EDITABLE_FIELDS = frozenset(
    {"role", "unit", "department", "display_name", "title", "phone", "email", "is_active"}
)


def user_snapshot(user: User) -> dict[str, Any]:
    """The user's fields for the audit log, without the password hash."""
    data = audit.snapshot(user) or {}
    return {k: v for k, v in data.items() if k not in _SECRET_FIELDS}


def _require_manage(actor: User, user: User) -> None:
    require(actor, "change", User)
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied("只有超级管理员可以修改超级管理员账号")


def user_update(*, actor: User, user: User, **changes: Any) -> User:
    """Change a user's role, binding, contact details or active flag; audited before and after.

    The administrator cannot deactivate their own account or take away their own role, so an
    installation never loses its last way in by accident.
    """
    _require_manage(actor, user)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({k: ["该字段不能在此修改"] for k in sorted(unknown)})
    if user.pk == actor.pk:
        errors = {}
        if changes.get("is_active", True) is False:
            errors["is_active"] = ["不能停用自己的账号"]
        if "role" in changes and changes["role"] != user.role:
            errors["role"] = ["不能修改自己的角色"]
        if errors:
            raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = user_snapshot(user)
        for key, value in changes.items():
            setattr(user, key, value)
        user.full_clean(exclude=["password"])
        user.save()
        after = user_snapshot(user)
        if after != before:
            audit.record(
                actor=actor, action=AuditAction.UPDATE, obj=user, before=before, after=after
            )
    return user


def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Reset a user's password (checked by the password rules) and lift any login lockout.

    The audit entry says that the password was reset, never what it is.
    """
    _require_manage(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=user, note="重置密码")
        _reset_lockout(user.username)
    return user


def _reset_lockout(username: str) -> None:
    """Forget the failed logins (django-axes) that lock this account out."""
    from axes.utils import reset

    reset(username=username)
