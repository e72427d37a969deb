"""The 登录锁定 page: the locks in force, and the system administrator lifting them (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.core.permissions import has_model_permission

from .lockout import (
    address_limit,
    cool_off,
    lockout_release_address,
    lockout_release_user,
    locks_in_force,
    pair_limit,
)
from .models import User
from .selectors import users_for


def _require_manage_users(user) -> None:
    if not has_model_permission(user, "change", User):
        raise PermissionDenied("只有系统管理员可以解除登录锁定")


@login_required
def lockout_list(request: HttpRequest) -> HttpResponse:
    """Every account and address locked now, when each lock lifts, and a button to lift it."""
    _require_manage_users(request.user)
    locks = locks_in_force()
    known = set(
        User.objects.filter(
            username__in={lock.username for lock in locks if lock.username}
        ).values_list("username", flat=True)
    )
    context = {
        "locks": locks,
        "known": known,
        "pair_limit": pair_limit(),
        "address_limit": address_limit(),
        "minutes": int(cool_off().total_seconds() // 60),
    }
    return render(request, "accounts/lockouts.html", context)


@login_required
@require_POST
def lockout_release(request: HttpRequest) -> HttpResponse:
    """Lift the lock of an account (`username`, from every address) or of an address (`ip`)."""
    _require_manage_users(request.user)
    username = request.POST.get("username", "").strip()
    ip = request.POST.get("ip", "").strip()
    if username:
        target = get_object_or_404(users_for(actor=request.user), username=username)
        forgotten = lockout_release_user(actor=request.user, user=target)
        label = f"账号 {target.username}"
    else:
        try:
            forgotten = lockout_release_address(actor=request.user, ip=ip)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("accounts:lockouts")
        label = f"地址 {ip}"
    if forgotten:
        messages.success(request, f"已解除{label}的登录锁定（清除 {forgotten} 次失败记录）")
    else:
        messages.info(request, f"{label}没有登录失败记录")
    return redirect("accounts:lockouts")
