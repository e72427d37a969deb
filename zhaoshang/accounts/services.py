"""Writes on users, their API tokens and role groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.core import audit, masking
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.permissions import require

from .models import ApiToken, ApprovalReason, Department, RoleDefaultGrant, Unit, User
from .roles import ADMIN_DUTIES, APPROVAL_FIELDS, ROLE_PERMISSIONS, Role
from .selectors import (
    grantable_permissions,
    label_matches,
    permission_label,
    permissions_matching,
    role_edit_refusal,
    role_rule_violations,
)
from .tokens import token_expires_at, token_is_expired, token_issue


def role_groups_sync(*, using: str = "default") -> None:
    """Create each role's group and grant it the defaults it has never been granted before.

    Runs after every `migrate` (post_migrate) and in `load_demo`, that is on every deploy. It
    used to add all of ROLE_PERMISSIONS each time, which silently gave back every permission the
    system administrator had taken away on the role page. Two simpler rules were rejected:
    overwriting the groups with ROLE_PERMISSIONS (loses every edit), and seeding a group only
    when it is created (a permission a new release adds, e.g. on a new model under
    `projects.*`, would never reach existing installations).

    So each default granted is remembered in `RoleDefaultGrant`, and only defaults without such
    a row are granted: a new release's new defaults arrive, a removal sticks, an addition stays.
    Nothing is ever removed here; `role_permissions_restore` is the explicit way back to the
    defaults. On the first run after this change every default is granted once more, which is
    what every earlier deploy did anyway.
    """
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        granted = set(
            RoleDefaultGrant.objects.using(using)
            .filter(role=role.value)
            .values_list("permission", flat=True)
        )
        new = [
            p
            for p in permissions_matching(ROLE_PERMISSIONS[role], using=using)
            if permission_label(p) not in granted
        ]
        if new:
            group.permissions.add(*new)
            _remember_defaults(role=role.value, perms=new, using=using)
        if role.value in ADMIN_DUTIES:
            _admin_role_correct(role=role.value, group=group, using=using)


def _admin_role_correct(*, role: str, group: Group, using: str = "default") -> None:
    """Take from an administrator role what its duty does not allow (三员分立), on every deploy.

    A fixed role (the audit administrator) is put back to exactly its defaults; any other
    administrator role loses the permissions outside its duty, e.g. the role permissions or
    the business data an earlier release let the system administrator give itself.
    """
    duty = ADMIN_DUTIES[role]
    held = list(group.permissions.using(using).select_related("content_type"))
    if duty.fixed:
        wanted = permissions_matching(ROLE_PERMISSIONS[role], using=using)
    else:
        wanted = [p for p in held if label_matches(permission_label(p), duty.may_hold)]
    before = sorted(permission_label(p) for p in held)
    after = sorted(permission_label(p) for p in wanted)
    if before == after:
        return
    group.permissions.set(wanted)
    if using == "default":
        audit.record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=group,
            object_repr=f"角色：{Role(role).label}",
            before={"permissions": before},
            after={"permissions": after},
            note="按三员分立规则校正管理员角色的权限",
        )


def _remember_defaults(*, role: str, perms: Iterable[Permission], using: str = "default") -> None:
    RoleDefaultGrant.objects.using(using).bulk_create(
        [RoleDefaultGrant(role=role, permission=permission_label(p)) for p in perms],
        ignore_conflicts=True,
    )


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
    """Create a user bound to a role (and unit or department); audited.

    An account with a role created by an administrator (not by the installation itself, nor a
    superuser) is inactive and waits for the security administrator's approval, and its
    initial password must be changed at the first login.
    """
    if actor is not None:
        require(actor, "add", User)
    waits = bool(role) and _needs_approval(actor)
    user = User(
        username=username,
        role=role,
        unit=unit,
        department=department,
        display_name=display_name,
        title=title,
        phone=phone,
        email=email,
        is_active=not waits,
        approval_pending=waits,
        approval_reason=ApprovalReason.CREATED if waits else "",
        must_change_password=actor is not None,
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
EDITABLE_FIELDS = frozenset(User.version_fields)


def _needs_approval(actor: User | None) -> bool:
    """Whether what `actor` does to an account waits for the security administrator.

    The installation (no actor: commands, the demo's bootstrap) and superusers act alone.
    """
    return actor is not None and not actor.is_superuser


def _hold_for_approval(user: User, reason: str) -> None:
    user.is_active = False
    user.approval_pending = True
    user.approval_reason = reason


def user_snapshot(user: User) -> dict[str, Any]:
    """The user's fields for the audit log, without the password hash."""
    data = audit.snapshot(user) or {}
    return {k: v for k, v in data.items() if k not in _SECRET_FIELDS}


def _require_manage(actor: User, user: User) -> None:
    require(actor, "change", User)
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied("只有超级管理员可以修改超级管理员账号")


def user_update(
    *, actor: User, user: User, version: str | Iterable[str] | None = None, **changes: Any
) -> User:
    """Change a user's role, binding, contact details or active flag; audited before and after.

    The administrator cannot deactivate their own account or take away their own role, so an
    installation never loses its last way in by accident. A change of role or binding
    (`APPROVAL_FIELDS`) of an account with a role, or enabling such an account again, leaves it
    inactive until the security administrator approves it (a pending account stays pending).
    `version` is the account's version the editor read (`core.concurrency`).
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
        # Re-binding oneself would wait for approval, locking the administrator out.
        for key in ("unit", "department"):
            if key in changes and changes[key] != getattr(user, key):
                errors[key] = ["不能修改自己绑定的单位或部门"]
        if errors:
            raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for name, kind in masking.personal_fields(User).items():
            if name in changes and masking.is_masked(kind, changes[name], getattr(user, name)):
                changes.pop(name)  # sent back as the form showed it: unchanged, not the stars
        check_version(user, version, submitted=changes)
        before = user_snapshot(user)
        was_active = user.is_active
        rebound = any(
            key in APPROVAL_FIELDS and getattr(user, key) != value for key, value in changes.items()
        )
        old = {key: getattr(user, key) for key in changes}
        for key, value in changes.items():
            setattr(user, key, value)
        # An account kept switched off is not put in the queue: approving it would switch it on.
        if user.role and _needs_approval(actor) and (user.is_active or user.approval_pending):
            if rebound:
                _hold_for_approval(user, ApprovalReason.CHANGED)
            elif user.approval_pending or not was_active:
                _hold_for_approval(user, user.approval_reason or ApprovalReason.ENABLED)
        user.full_clean(exclude=["password"])
        user.save()
        after = user_snapshot(user)
        # The snapshots mask the phone number: a new number may look like the old one there.
        hidden = masking.masked_changes(user, old, before, after)
        if after != before or hidden:
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=user,
                before=before,
                after=after,
                note=hidden,
            )
    return user


def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Reset a user's password (checked by the password rules) and lift any login lockout.

    The user must change the password at the next login, and an account with a role waits
    for the security administrator's approval before it can log in again (the one who reset
    the password knows it). Nobody resets their own password here: they change it, knowing
    the old one. The audit entry says that the password was reset, never what it is.
    """
    _require_manage(actor, user)
    if user.pk == actor.pk:
        raise ValidationError({"password": ["不能在此重置自己的密码，请在“修改密码”页面修改"]})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = user_snapshot(user)
        user.set_password(password)
        user.must_change_password = True
        if user.role and _needs_approval(actor):
            _hold_for_approval(user, ApprovalReason.RESET)
        user.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            before=before,
            after=user_snapshot(user),
            note="重置密码",
        )
        _reset_lockout(user.username)
    return user


def _require_approver(actor: User) -> None:
    if (
        not actor.is_authenticated
        or not actor.is_active
        or not actor.has_perm("accounts.approve_user")
    ):
        raise PermissionDenied("只有安全管理员可以审核账号")


def _locked_pending(*, actor: User, user: User) -> User:
    if user.pk == actor.pk:
        raise ValidationError({"user": ["不能审核自己的账号"]})
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.approval_pending:
        raise ValidationError({"user": [f"账号 {user.username} 没有待审核的事项"]})
    return user


def user_approve(*, actor: User, user: User) -> User:
    """The security administrator approves a waiting account: it is active again; audited."""
    _require_approver(actor)
    with transaction.atomic():
        user = _locked_pending(actor=actor, user=user)
        before = user_snapshot(user)
        reason = ApprovalReason(user.approval_reason).label if user.approval_reason else "审核"
        user.is_active, user.approval_pending, user.approval_reason = True, False, ""
        user.save()
        audit.record(
            actor=actor,
            action=AuditAction.VERIFY,
            obj=user,
            before=before,
            after=user_snapshot(user),
            note=f"安全管理员审核通过：{reason}",
        )
    return user


def user_reject(*, actor: User, user: User, reason: str) -> User:
    """The security administrator refuses a waiting account: it stays inactive; audited."""
    _require_approver(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写不予通过的原因"]})
    with transaction.atomic():
        user = _locked_pending(actor=actor, user=user)
        before = user_snapshot(user)
        user.is_active, user.approval_pending, user.approval_reason = False, False, ""
        user.save()
        audit.record(
            actor=actor,
            action=AuditAction.REJECT,
            obj=user,
            before=before,
            after=user_snapshot(user),
            note=f"安全管理员不予通过：{reason}",
        )
    return user


def user_password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """A user changes their own password (the old one, then the password rules); audited.

    This is also how a password set by someone else is replaced at the first login.
    """
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied("请先登录")
    if not actor.check_password(old_password):
        raise ValidationError({"old_password": ["原密码不正确"]})
    if old_password == new_password:
        raise ValidationError({"new_password": ["新密码不能与原密码相同"]})
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        before = user_snapshot(user)
        user.set_password(new_password)
        user.must_change_password = False
        user.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            before=before,
            after=user_snapshot(user),
            note="用户修改本人密码",
        )
    # The caller's instance carries the new hash, so its session can be kept.
    actor.password, actor.must_change_password = user.password, False
    return user


def _reset_lockout(username: str) -> None:
    """Forget the failed logins (django-axes) that lock this account out."""
    from axes.utils import reset

    reset(username=username)


# --- API tokens -----------------------------------------------------------------------------
#
# The audit log records when a token was issued and when it expires, never its key.


def _token_facts(token: ApiToken) -> dict[str, str]:
    return {
        "created": timezone.localtime(token.created).isoformat(),
        "expires_at": timezone.localtime(token_expires_at(token)).isoformat(),
    }


def _lock_user(user: User) -> None:
    """Serialise token writes of one user (a user has at most one token)."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def token_obtain(*, user: User) -> tuple[ApiToken, str]:
    """The token `POST /api/auth/token/` hands out: always a new one, with its key.

    Only the key's digest is stored, so a token still valid cannot be handed out again: the new
    token replaces it (a user has one token). Every call is audited as `token`, with the dates
    of the token replaced and of the new one, never a key.
    """
    with transaction.atomic():
        _lock_user(user)
        old = ApiToken.objects.filter(user=user).first()
        before = {"api_token": _token_facts(old)} if old else None
        if old is None:
            note = "签发新API令牌"
        elif token_is_expired(old):
            note = "原API令牌已过期，签发新令牌"
        else:
            note = "签发新API令牌，原令牌作废"
        if old is not None:
            old.delete()
        token, key = token_issue(user=user)
        audit.record(
            actor=user,
            action=AuditAction.TOKEN,
            obj=user,
            before=before,
            after={"api_token": _token_facts(token)},
            note=note,
        )
    return token, key


def token_regenerate(*, actor: User) -> tuple[ApiToken, str]:
    """Give the actor a new token (their own only), replacing the one they had; audited.

    The caller shows the key once; only its digest is stored, so nobody can read it again.
    """
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied("请先登录")
    with transaction.atomic():
        _lock_user(actor)
        old = ApiToken.objects.filter(user=actor).first()
        before = {"api_token": _token_facts(old)} if old else None
        if old is not None:
            old.delete()
        token, key = token_issue(user=actor)
        audit.record(
            actor=actor,
            action=AuditAction.TOKEN,
            obj=actor,
            before=before,
            after={"api_token": _token_facts(token)},
            note="重新生成API令牌" if old else "生成API令牌",
        )
    return token, key


def token_revoke(*, actor: User, user: User) -> bool:
    """Delete `user`'s token; False when there was none (nothing is audited then).

    Anyone may revoke their own token; revoking another user's needs the right to manage
    accounts (the system administrator), and a superuser's needs a superuser.
    """
    if user.pk != actor.pk:
        _require_manage(actor, user)
    with transaction.atomic():
        _lock_user(user)
        token = ApiToken.objects.filter(user=user).first()
        if token is None:
            return False
        before = {"api_token": _token_facts(token)}
        token.delete()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            before=before,
            after={"api_token": None},
            note="撤销API令牌" if user.pk == actor.pk else "系统管理员撤销该用户的API令牌",
        )
    return True


def token_discard_expired(*, token: ApiToken) -> None:
    """Delete a token that was presented after it expired; audited without an actor."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(pk=token.pk).delete()
        if deleted:
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=token.user,
                before={"api_token": _token_facts(token)},
                after={"api_token": None},
                note="API令牌已过期，使用时被拒绝并删除",
            )


# --- role permissions -----------------------------------------------------------------------


@dataclass(frozen=True)
class RolePermissionChange:
    """What a save on the role page did (the audit entry is None when nothing changed)."""

    role: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    entry: AuditEntry | None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _require_role_admin(actor: User) -> None:
    if not actor.is_authenticated or not actor.is_active or not actor.has_perm("auth.change_group"):
        raise PermissionDenied("只有安全管理员可以修改角色权限")


def _require_role_editable(*, actor: User, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": ["未知角色"]})
    refusal = role_edit_refusal(actor=actor, role=role)
    if refusal:
        raise ValidationError({"role": [refusal]})


def _locked_group(role: str) -> Group:
    if role not in Role.values:
        raise ValidationError({"role": ["未知角色"]})
    group, _ = Group.objects.get_or_create(name=role)
    return Group.objects.select_for_update().get(pk=group.pk)


def _write_role_permissions(
    *, actor: User, role: str, group: Group, perms: list[Permission], note: str
) -> RolePermissionChange:
    before = sorted(permission_label(p) for p in group.permissions.select_related("content_type"))
    after = sorted({permission_label(p) for p in perms})
    violations = role_rule_violations(role=role, labels=after)
    if violations:
        raise ValidationError({"permissions": violations})
    added = tuple(sorted(set(after) - set(before)))
    removed = tuple(sorted(set(before) - set(after)))
    if not added and not removed:
        return RolePermissionChange(role=role, added=(), removed=(), entry=None)
    group.permissions.set(perms)
    entry = audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=group,
        object_repr=f"角色：{Role(role).label}",
        before={"permissions": before},
        after={"permissions": after},
        note=f"{note}：新增 {len(added)} 项，取消 {len(removed)} 项",
    )
    return RolePermissionChange(role=role, added=added, removed=removed, entry=entry)


def role_permissions_set(
    *, actor: User, role: str, permissions: Iterable[str], version: str | None = None
) -> RolePermissionChange:
    """Give a role exactly the listed permissions (`app_label.codename`) of those on offer.

    Only permissions of the role page (`selectors.grantable_permissions`) may be listed; any
    other permission the group holds (Django's own models) is kept as it is. 三员分立: the
    actor edits only the roles its duty names, never its own, never a fixed role, and the
    result must keep the role's rules (`selectors.role_rule_violations`). One audit entry
    holds the role's whole permission list before and after; nothing is written when nothing
    changes. `version` is the role's version the editor read (`core.concurrency`).
    """
    _require_role_admin(actor)
    _require_role_editable(actor=actor, role=role)
    wanted = set(permissions)
    on_offer = {permission_label(p): p for p in grantable_permissions()}
    unknown = sorted(wanted - set(on_offer))
    if unknown:
        raise ValidationError({"permissions": [f"不能在此分配的权限：{'、'.join(unknown)}"]})
    with transaction.atomic():
        group = _locked_group(role)
        check_version(group, version, submitted={"permissions": sorted(wanted)})
        kept = [
            p
            for p in group.permissions.select_related("content_type")
            if permission_label(p) not in on_offer
        ]
        return _write_role_permissions(
            actor=actor,
            role=role,
            group=group,
            perms=kept + [on_offer[label] for label in sorted(wanted)],
            note="修改角色权限",
        )


def role_permissions_restore(*, actor: User, role: str) -> RolePermissionChange:
    """Reset a role to exactly its ROLE_PERMISSIONS defaults, dropping every edit; audited."""
    _require_role_admin(actor)
    _require_role_editable(actor=actor, role=role)
    with transaction.atomic():
        group = _locked_group(role)
        defaults = permissions_matching(ROLE_PERMISSIONS[role])
        change = _write_role_permissions(
            actor=actor, role=role, group=group, perms=defaults, note="恢复默认权限"
        )
        _remember_defaults(role=role, perms=defaults)
    return change
