"""Login and logout, the user's own account page (API token), and the system administrator's
user management and role permissions.

Logins, failed logins and logouts are written to the audit log by `accounts.auth_events`; user,
token and role changes by `accounts.services`. A django-axes lockout is shown on the login page
in Chinese.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.core.concurrency import version_of
from zhaoshang.core.htmx import apply_service_errors
from zhaoshang.core.permissions import ACTION_LABELS, ACTIONS, has_model_permission

from .forms import (
    ApprovalRejectForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RolePermissionsForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from .lockout import locked_until_for, lockout_body, lockout_message, retry_after_seconds
from .models import User
from .roles import ADMIN_DUTIES, Role
from .selectors import (
    role_edit_refusal,
    role_permission_sections,
    roles_overview,
    token_status_for,
    users_for,
    users_pending_approval,
)
from .services import (
    role_permissions_restore,
    role_permissions_set,
    token_regenerate,
    token_revoke,
    user_approve,
    user_create,
    user_password_change,
    user_reject,
    user_set_password,
    user_update,
)

USERS_PAGE_SIZE = 30


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); the audit entry is written by accounts.auth_events."""


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes lockout (AXES_LOCKOUT_CALLABLE): a Chinese message, never an English page.

    The message says when the user may try again. On the login page the form already carries
    it, so its own response is kept; API clients get JSON with `retry_after` and a
    `Retry-After` header; any other page gets the login page with the message.
    """
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    match = getattr(request, "resolver_match", None)
    if (
        original_response is not None
        and match is not None
        and match.view_name == "accounts:login"
        and original_response.status_code == 200
    ):
        original_response.status_code = status
        return original_response
    username = (credentials or {}).get("username") or request.POST.get("username")
    until = locked_until_for(request, username)
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(lockout_body(until), status=status)
        if until is not None:
            response["Retry-After"] = retry_after_seconds(until)
        return response
    form = LoginForm(request)
    form.add_error(None, lockout_message(until))
    return TemplateResponse(request, "accounts/login.html", {"form": form}, status=status).render()


# --- user management ------------------------------------------------------------------------


def _require_view_users(user: Any) -> None:
    if not has_model_permission(user, "view", User):
        raise PermissionDenied("只有系统管理员和市级管理员可以查看用户列表")


def _require_manage_users(user: Any) -> None:
    if not has_model_permission(user, "change", User):
        raise PermissionDenied("只有系统管理员可以管理用户账号")


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """All accounts with their role and binding; the system administrator may edit them."""
    _require_view_users(request.user)
    form = UserFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "role": data["role"],
            "unit_id": data["unit"].pk if data["unit"] else None,
            "active": {"1": True, "0": False}.get(data["active"]),
        }
    paginator = Paginator(users_for(actor=request.user, **filters), USERS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "can_manage": has_model_permission(request.user, "change", User),
            "can_add": has_model_permission(request.user, "add", User),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, "add", User):
        raise PermissionDenied("只有系统管理员可以新建用户")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                unit=data["unit"],
                department=data["department"],
                display_name=data["display_name"],
                title=data["title"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已新建用户 {user.username}{_pending_note(user)}")
            return redirect("accounts:user-edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def _pending_note(user: User) -> str:
    return "，待安全管理员审核通过后方可登录" if user.approval_pending else ""


def _user_page(
    request: HttpRequest, target: User, *, form: UserEditForm, password_form: PasswordResetForm
) -> HttpResponse:
    """A user's edit page: the account form, the password reset and the API token's status."""
    context = {
        "form": form,
        "target": target,
        "password_form": password_form,
        "token": token_status_for(user=target),
    }
    return render(request, "accounts/user_form.html", context)


def _target(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(users_for(actor=request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage_users(request.user)
    target = _target(request, pk)
    form = UserEditForm(
        request.POST or None, initial=UserEditForm.initial_for(target), version=version_of(target)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = user_update(actor=request.user, user=target, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存用户 {target.username} 的修改{_pending_note(saved)}")
            return redirect("accounts:user-list")
    return _user_page(request, target, form=form, password_form=PasswordResetForm())


@login_required
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset another user's password (also lifts a login lockout)."""
    _require_manage_users(request.user)
    target = _target(request, pk)
    password_form = PasswordResetForm(request.POST)
    if password_form.is_valid():
        try:
            saved = user_set_password(
                actor=request.user, user=target, password=password_form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            apply_service_errors(password_form, exc, {"password": "password1"})
        else:
            messages.success(
                request,
                f"已重置用户 {target.username} 的密码，并解除登录锁定；"
                f"用户登录后须修改密码{_pending_note(saved)}",
            )
            return redirect("accounts:user-edit", pk=target.pk)
    form = UserEditForm(initial=UserEditForm.initial_for(target))
    return _user_page(request, target, form=form, password_form=password_form)


@login_required
@require_POST
def user_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The system administrator revokes another user's API token."""
    _require_manage_users(request.user)
    target = _target(request, pk)
    if token_revoke(actor=request.user, user=target):
        messages.success(request, f"已撤销用户 {target.username} 的API令牌")
    else:
        messages.info(request, f"用户 {target.username} 没有API令牌")
    return redirect("accounts:user-edit", pk=target.pk)


# --- the user's own account: API token --------------------------------------------------------


def _token_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "token": token_status_for(user=request.user),
        "ttl_hours": settings.API_TOKEN_TTL_HOURS,
        **extra,
    }


def _token_response(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The token card for htmx, the whole account page otherwise."""
    template = "accounts/_token_card.html" if request.htmx else "accounts/account.html"
    return render(request, template, context)


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: who they are, and their API token (dates only, never the key)."""
    return render(request, "accounts/account.html", _token_context(request))


@login_required
@require_POST
@never_cache
def token_regenerate_view(request: HttpRequest) -> HttpResponse:
    """Issue a new token for the user and show its key this once (never stored in a message)."""
    _, key = token_regenerate(actor=request.user)
    return _token_response(request, _token_context(request, new_key=key))


@login_required
@require_POST
@never_cache
def token_revoke_view(request: HttpRequest) -> HttpResponse:
    revoked = token_revoke(actor=request.user, user=request.user)
    notice = "已撤销API令牌，使用它的程序将无法再访问接口" if revoked else "当前没有API令牌"
    if request.htmx:
        return _token_response(request, _token_context(request, notice=notice))
    messages.success(request, notice)
    return redirect("accounts:account")


# --- the user's own password -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """The user changes their own password (required first when someone else set it)."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"new_password": "new_password1"})
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("portal:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "required": request.user.must_change_password},
    )


# --- account approval (security administrator) ------------------------------------------------


def _require_approver(user: Any) -> None:
    if not user.is_active or not user.has_perm("accounts.approve_user"):
        raise PermissionDenied("只有安全管理员可以审核账号")


@login_required
def approval_queue(request: HttpRequest) -> HttpResponse:
    """The accounts waiting for approval: new, re-bound, re-enabled or reset by the sysadmin."""
    _require_approver(request.user)
    return render(
        request,
        "accounts/approval_queue.html",
        {"pending": users_pending_approval(), "reject_form": ApprovalRejectForm()},
    )


def _pending_target(pk: int) -> User:
    return get_object_or_404(users_pending_approval(), pk=pk)


@login_required
@require_POST
def user_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_approver(request.user)
    target = _pending_target(pk)
    try:
        user_approve(actor=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已审核通过账号 {target.username}")
    return redirect("accounts:approval-queue")


@login_required
@require_POST
def user_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_approver(request.user)
    target = _pending_target(pk)
    form = ApprovalRejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": ["请填写不予通过的原因"]})
        user_reject(actor=request.user, user=target, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"账号 {target.username} 未通过审核，保持停用")
    return redirect("accounts:approval-queue")


# --- role permissions (security administrator) ------------------------------------------------


def _require_view_roles(user: Any) -> None:
    if not user.is_active or not user.has_perm("auth.view_group"):
        raise PermissionDenied("只有系统管理员和安全管理员可以查看角色权限")


def _require_change_roles(user: Any) -> None:
    if not user.is_active or not user.has_perm("auth.change_group"):
        raise PermissionDenied("只有安全管理员可以修改角色权限")


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    """The roles, how many active users each has, and how far each is from its defaults."""
    _require_view_roles(request.user)
    return render(request, "accounts/role_list.html", {"roles": roles_overview()})


def _role_or_404(role: str) -> Role:
    if role not in Role.values:
        raise Http404("没有这个角色")
    return Role(role)


def _role_editor(
    request: HttpRequest,
    role: Role,
    form: RolePermissionsForm,
    *,
    checked: set[str] | None = None,
    notice: str = "",
) -> HttpResponse:
    refusal = role_edit_refusal(actor=request.user, role=role.value)
    context = {
        "role": role,
        "form": form,
        "sections": role_permission_sections(role=role.value, checked=checked),
        "can_edit": request.user.has_perm("auth.change_group") and not refusal,
        "refusal": refusal if request.user.has_perm("auth.change_group") else "",
        "duty": ADMIN_DUTIES.get(role.value),
        "action_labels": [ACTION_LABELS[action] for action in ACTIONS],
        "notice": notice,
    }
    template = "accounts/_role_editor.html" if request.htmx else "accounts/role_edit.html"
    return render(request, template, context)


def _role_form(chosen: Role, data: Any = None) -> RolePermissionsForm:
    """The role's permission form, carrying the version of its permissions (core.concurrency)."""
    group = Group.objects.filter(name=chosen.value).first()
    return RolePermissionsForm(data, version=version_of(group))


def _role_saved(request: HttpRequest, chosen: Role, notice: str) -> HttpResponse:
    """After a save or a restore: the editor afresh with the notice (htmx), or back to it."""
    if request.htmx:
        return _role_editor(request, chosen, _role_form(chosen), notice=notice)
    messages.success(request, notice)
    return redirect("accounts:role-edit", role=chosen.value)


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, role: str) -> HttpResponse:
    """One role's permissions by app and model; the system administrator saves them."""
    _require_view_roles(request.user)
    chosen = _role_or_404(role)
    if request.method != "POST":
        return _role_editor(request, chosen, _role_form(chosen))
    _require_change_roles(request.user)
    form = _role_form(chosen, request.POST)
    if form.is_valid():
        try:
            change = role_permissions_set(
                actor=request.user,
                role=chosen.value,
                permissions=form.cleaned_data["permissions"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            notice = (
                f"已保存：新增 {len(change.added)} 项，取消 {len(change.removed)} 项"
                if change.changed
                else "权限没有变化"
            )
            return _role_saved(request, chosen, notice)
    return _role_editor(request, chosen, form, checked=set(request.POST.getlist("permissions")))


@login_required
@require_POST
def role_restore(request: HttpRequest, role: str) -> HttpResponse:
    """Reset a role to ROLE_PERMISSIONS."""
    _require_change_roles(request.user)
    chosen = _role_or_404(role)
    try:
        change = role_permissions_restore(actor=request.user, role=chosen.value)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("accounts:role-edit", role=chosen.value)
    notice = (
        f"已恢复默认权限：新增 {len(change.added)} 项，取消 {len(change.removed)} 项"
        if change.changed
        else "该角色已是默认权限"
    )
    return _role_saved(request, chosen, notice)
