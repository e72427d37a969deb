"""Reads on user accounts, API tokens and role permissions, for the accounts pages."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Count, Q, QuerySet

from zhaoshang.core.permissions import ACTION_LABELS, ACTIONS, has_model_permission, restrict

from .models import ApiToken, User
from .roles import (
    ADMIN_DUTIES,
    ADMIN_PERMISSIONS,
    BUSINESS_DATA_PERMISSIONS,
    ROLE_PERMISSIONS,
    Role,
)
from .tokens import token_expires_at, token_is_expired


def users_for(
    *,
    actor: Any,
    q: str = "",
    role: str = "",
    unit_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """The accounts `actor` may see, narrowed by the list filters.

    Accounts are not business records: the system and security administrators, whose business
    scope is empty, manage (and approve) every account. Everyone else goes through `.restrict` (the city administrator
    and the audit administrator read all accounts; roles without `accounts.view_user` see none).
    """
    base = User.objects.select_related("unit", "department")
    if actor.role in (Role.SYSADMIN, Role.SECADMIN) and has_model_permission(actor, "view", User):
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


# --- API tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenStatus:
    """What a user may know about an API token: never its key once it has been shown."""

    created: dt.datetime
    expires_at: dt.datetime
    expired: bool


def token_status_for(*, user: User) -> TokenStatus | None:
    """The user's API token (issued when, expiring when), or None when they have none."""
    token = ApiToken.objects.filter(user=user).first()
    if token is None:
        return None
    return TokenStatus(
        created=token.created, expires_at=token_expires_at(token), expired=token_is_expired(token)
    )


# --- role permissions -----------------------------------------------------------------------


def permission_label(perm: Permission) -> str:
    """`app_label.codename`, as `user.has_perm` and ROLE_PERMISSIONS spell a permission."""
    return f"{perm.content_type.app_label}.{perm.codename}"


def label_matches(label: str, patterns: Iterable[str]) -> bool:
    """Whether `app_label.codename` matches any pattern (`app.view_*`) and no `!`-prefixed one."""
    patterns = list(patterns)
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    return any(fnmatch.fnmatchcase(label, p) for p in include) and not any(
        fnmatch.fnmatchcase(label, p) for p in exclude
    )


def permissions_matching(patterns: Iterable[str], *, using: str = "default") -> list[Permission]:
    """Permissions matching any pattern (`app.view_*`) and none of the `!`-prefixed ones."""
    patterns = list(patterns)
    return [
        perm
        for perm in Permission.objects.using(using).select_related("content_type")
        if label_matches(permission_label(perm), patterns)
    ]


def role_rule_violations(*, role: str, labels: Iterable[str]) -> list[str]:
    """Why a role may not hold these permissions under 三员分立 (empty: it may).

    An administrator role holds only what its duty allows (`ADMIN_DUTIES`), never business
    data; a business role never holds an administrator permission.
    """
    labels = sorted(set(labels))
    duty = ADMIN_DUTIES.get(role)
    if duty is None:
        admin = [label for label in labels if label_matches(label, ADMIN_PERMISSIONS)]
        return [f"业务角色不能拥有管理员权限：{'、'.join(admin)}"] if admin else []
    errors = []
    business = [label for label in labels if label_matches(label, BUSINESS_DATA_PERMISSIONS)]
    if business:
        errors.append(f"管理员角色不能拥有业务数据权限：{'、'.join(business)}")
    outside = [
        label
        for label in labels
        if not label_matches(label, duty.may_hold) and label not in business
    ]
    if outside:
        errors.append(f"{Role(role).label}的职责不包含这些权限：{'、'.join(outside)}")
    return errors


def role_edit_refusal(*, actor: Any, role: str) -> str:
    """Why `actor` may not edit `role`'s permissions under 三员分立 ("" when they may).

    A fixed role is edited by nobody, one's own role neither, and an administrator edits only
    the roles its duty names (`ADMIN_DUTIES`); a superuser edits any role that is not fixed.
    """
    label = Role(role).label
    duty = ADMIN_DUTIES.get(role)
    if duty is not None and duty.fixed:
        return f"{label}的权限由系统固定，不能在系统中修改"
    if getattr(actor, "is_superuser", False):
        return ""
    if actor.role == role:
        return "不能修改自己所属角色的权限"
    own = ADMIN_DUTIES.get(actor.role)
    if own is None or role not in own.edits:
        return f"您的角色不能修改{label}的权限"
    return ""


def users_pending_approval() -> QuerySet[User]:
    """Accounts waiting for the security administrator, oldest request first."""
    return (
        User.objects.filter(approval_pending=True)
        .select_related("unit", "department")
        .order_by("date_joined", "username")
    )


def role_default_labels(*, role: str) -> set[str]:
    """The permissions ROLE_PERMISSIONS gives the role, as labels."""
    return {permission_label(p) for p in permissions_matching(ROLE_PERMISSIONS[role])}


def role_permission_labels(*, role: str) -> set[str]:
    """The permissions the role's group holds now, as labels."""
    rows = Permission.objects.filter(group__name=role).values_list(
        "content_type__app_label", "codename"
    )
    return {f"{app}.{code}" for app, code in rows}


# The role group itself: whoever holds auth.change_group edits the roles on the role pages.
_GRANTABLE_EXTRA = {("auth", "group")}


def _grantable_app_labels() -> list[str]:
    """The platform's own apps, in INSTALLED_APPS order (Django's apps are not granted here)."""
    return [c.label for c in apps.get_app_configs() if c.name.startswith("zhaoshang.")]


def grantable_permissions() -> list[Permission]:
    """The permissions the role page offers: those on the platform's models and on role groups.

    Django's own models (sessions, admin log, content types, tokens, axes) are left out; a
    permission on one of them that a group already holds is kept as it is by the services.
    """
    labels = _grantable_app_labels()
    query = Q(content_type__app_label__in=labels)
    for app_label, model in _GRANTABLE_EXTRA:
        query |= Q(content_type__app_label=app_label, content_type__model=model)
    perms = Permission.objects.filter(query).select_related("content_type")
    return [p for p in perms if p.content_type.model_class() is not None]


@dataclass(frozen=True)
class RoleSummary:
    role: str
    label: str
    users: int
    permissions: int
    added: int  # held beyond the defaults
    removed: int  # defaults the role no longer holds

    @property
    def customised(self) -> bool:
        return bool(self.added or self.removed)


def roles_overview() -> list[RoleSummary]:
    """Every role with its number of active users and how far it is from its defaults."""
    users = dict(
        User.objects.filter(is_active=True)
        .exclude(role="")
        .order_by()
        .values("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    rows = []
    for role in Role:
        held = role_permission_labels(role=role)
        defaults = role_default_labels(role=role)
        rows.append(
            RoleSummary(
                role=role.value,
                label=role.label,
                users=users.get(role.value, 0),
                permissions=len(held),
                added=len(held - defaults),
                removed=len(defaults - held),
            )
        )
    return rows


@dataclass(frozen=True)
class PermissionCell:
    """One checkbox of the role page."""

    label: str  # projects.view_project
    name: str  # 查看 / 核实到位资金
    checked: bool
    default: bool

    @property
    def changed(self) -> bool:
        """Differs from ROLE_PERMISSIONS."""
        return self.checked != self.default


@dataclass
class ModelRow:
    name: str
    actions: list[PermissionCell | None]  # in ACTIONS order: view, add, change, delete
    others: list[PermissionCell] = field(default_factory=list)


@dataclass
class AppSection:
    app_label: str
    name: str
    rows: list[ModelRow]


# Django's own name for the auth app and its Group model says nothing to a sysadmin here.
_APP_NAMES = {"auth": "角色权限"}
_MODEL_NAMES = {("auth", "group"): "角色"}


def role_permission_sections(*, role: str, checked: set[str] | None = None) -> list[AppSection]:
    """The grantable permissions by app and model, with Chinese names, for one role.

    `checked` overrides what the role holds (to show a submitted form back); each cell also
    says whether ROLE_PERMISSIONS grants it, so the page can mark what differs.
    """
    held = role_permission_labels(role=role) if checked is None else checked
    defaults = role_default_labels(role=role)
    by_model: dict[tuple[str, str], list[Permission]] = {}
    for perm in grantable_permissions():
        key = (perm.content_type.app_label, perm.content_type.model)
        by_model.setdefault(key, []).append(perm)

    def cell(perm: Permission, name: str) -> PermissionCell:
        label = permission_label(perm)
        return PermissionCell(
            label=label, name=name, checked=label in held, default=label in defaults
        )

    sections = []
    order = ["auth", *_grantable_app_labels()]
    for app_label in order:
        config = apps.get_app_config(app_label)
        rows = []
        for model in config.get_models():
            perms = by_model.get((app_label, model._meta.model_name))
            if not perms:
                continue
            model_name = model._meta.model_name
            standard = {f"{action}_{model_name}": action for action in ACTIONS}
            cells: dict[str, PermissionCell] = {}
            others = []
            for perm in sorted(perms, key=lambda p: p.codename):
                if perm.codename in standard:
                    action = standard[perm.codename]
                    cells[action] = cell(perm, ACTION_LABELS[action])
                else:
                    others.append(cell(perm, perm.name))
            rows.append(
                ModelRow(
                    name=_MODEL_NAMES.get((app_label, model_name), str(model._meta.verbose_name)),
                    actions=[cells.get(action) for action in ACTIONS],
                    others=others,
                )
            )
        if rows:
            sections.append(
                AppSection(
                    app_label=app_label,
                    name=_APP_NAMES.get(app_label, str(config.verbose_name)),
                    rows=rows,
                )
            )
    return sections
