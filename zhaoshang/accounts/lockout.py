"""The login lockout (django-axes): per account and address, per address, and lifting it.

A failed login counts against the pair (username, client address): `AXES_FAILURE_LIMIT`
failures lock that pair only, so failures for made-up or other users from one client never lock
anyone else, and a user's own failures from one address leave them free to log in from another.
An address that fails `AXES_IP_FAILURE_LIMIT` times in all, whatever the usernames, is locked
too (password spraying). A lock lasts `AXES_COOLOFF_TIME` from the last failure it counts;
attempts during the lock are refused without extending it, so the time the user is told holds.

The client address comes from `core.client_address.client_ip` (the same as the audit log's).
The system administrator lifts a lock on the 登录锁定 page; each lift is audited.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from zhaoshang.core import audit
from zhaoshang.core.client_address import client_ip
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require

from .models import User


def axes_client_ip(request: Any) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the audit log's client address (None when unknown)."""
    return client_ip(request) or None


def cool_off() -> dt.timedelta:
    return get_cool_off() or dt.timedelta(minutes=30)


def pair_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def address_limit() -> int:
    return int(getattr(settings, "AXES_IP_FAILURE_LIMIT", 50))


def _counted(now: dt.datetime | None = None):
    """The attempts still counted: those whose last failure is within the cool-off."""
    return AccessAttempt.objects.filter(attempt_time__gte=(now or timezone.now()) - cool_off())


def _address_failures(ip: str | None, now: dt.datetime | None = None) -> int:
    if not ip:
        return 0
    total = _counted(now).filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, locking pairs, and addresses past their own limit.

    `AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]` makes axes count the pair; this
    adds the address: once it has used up `AXES_IP_FAILURE_LIMIT`, every attempt from it counts
    as at the pair limit. A success resets only the pair (an attacker's own account cannot wipe
    the address's count).
    """

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        ip = getattr(request, "axes_ip_address", None)
        if _address_failures(ip, getattr(request, "axes_attempt_time", None)) >= address_limit():
            return max(failures, get_failure_limit(request, credentials))
        return failures


def _release_at(rows: list[tuple[dt.datetime, int]], limit: int) -> dt.datetime | None:
    """When the failures in `rows` (last failure, count) drop below `limit`; None if they are."""
    total = sum(count for _, count in rows)
    if total < limit:
        return None
    for at, count in sorted(rows):
        total -= count
        if total < limit:
            return at + cool_off()
    return None  # pragma: no cover (total reaches 0 < limit)


def locked_until(*, username: str | None, ip: str | None) -> dt.datetime | None:
    """When a login as `username` from `ip` will be accepted again; None when it is now."""
    if not ip:
        return None
    rows = list(
        _counted()
        .filter(ip_address=ip)
        .values_list("username", "attempt_time", "failures_since_start")
    )
    pair = [(at, n) for name, at, n in rows if name == username]
    every = [(at, n) for _, at, n in rows]
    times = [t for t in (_release_at(pair, pair_limit()), _release_at(every, address_limit())) if t]
    return max(times) if times else None


def locked_until_for(request: Any, username: str | None) -> dt.datetime | None:
    return locked_until(username=username, ip=client_ip(request))


def lockout_message(until: dt.datetime | None) -> str:
    """The Chinese message for a refused login, with the time the user may try again."""
    if until is None:
        return "登录失败次数过多，账号已暂时锁定，请稍后再试"
    minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
    at = date_format(timezone.localtime(until), "H:i")
    return f"登录失败次数过多，账号已暂时锁定，请于 {at}（约{minutes}分钟后）再试，或联系系统管理员解除锁定"


def lockout_body(until: dt.datetime | None) -> dict[str, str | None]:
    """The API's answer to a locked-out login (429): the message and when to try again."""
    retry_after = timezone.localtime(until).isoformat() if until else None
    return {"detail": lockout_message(until), "retry_after": retry_after}


def retry_after_seconds(until: dt.datetime) -> str:
    """The `Retry-After` header's value: whole seconds until the lock lifts."""
    return str(max(1, int((until - timezone.now()).total_seconds()) + 1))


# --- what the system administrator sees and lifts -------------------------------------------


@dataclass(frozen=True)
class Lock:
    """A lock in force: an account from one address, or an address for every account."""

    username: str | None  # None: the address itself is locked
    ip: str
    failures: int
    until: dt.datetime


def locks_in_force() -> list[Lock]:
    """Every pair and every address locked now, the longest-lasting first."""
    rows = list(
        _counted().values_list("username", "ip_address", "attempt_time", "failures_since_start")
    )
    pairs: dict[tuple[str, str], list[tuple[dt.datetime, int]]] = defaultdict(list)
    addresses: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for username, ip, at, n in rows:
        if not ip:
            continue
        pairs[(username or "", ip)].append((at, n))
        addresses[ip].append((at, n))
    locks = []
    for (username, ip), found in pairs.items():
        until = _release_at(found, pair_limit())
        if until:
            locks.append(Lock(username, ip, sum(n for _, n in found), until))
    for ip, found in addresses.items():
        until = _release_at(found, address_limit())
        if until:
            locks.append(Lock(None, ip, sum(n for _, n in found), until))
    return sorted(locks, key=lambda lock: (lock.until, lock.ip, lock.username or ""), reverse=True)


def _failures_by_address(attempts) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for ip, n in attempts.values_list("ip_address", "failures_since_start"):
        counts[ip or ""] += n
    return dict(sorted(counts.items()))


def lockout_release_user(*, actor: User, user: User) -> int:
    """Forget every failed login of `user`'s username (from any address); audited.

    Returns how many failures were forgotten; nothing is written when there were none.
    """
    require(actor, "change", User)
    with transaction.atomic():
        attempts = AccessAttempt.objects.select_for_update().filter(username=user.username)
        before = _failures_by_address(attempts)
        if not before:
            return 0
        attempts.delete()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            before={"login_failures": before},
            after={"login_failures": {}},
            note="解除登录锁定",
        )
    return sum(before.values())


def lockout_release_address(*, actor: User, ip: str) -> int:
    """Forget every failed login from address `ip` (every username); audited.

    Returns how many failures were forgotten; nothing is written when there were none.
    """
    require(actor, "change", User)
    try:
        ip = str(ipaddress.ip_address(str(ip).strip()))
    except ValueError:
        raise ValidationError({"ip": ["不是有效的IP地址"]}) from None
    with transaction.atomic():
        attempts = AccessAttempt.objects.select_for_update().filter(ip_address=ip)
        counts: dict[str, int] = defaultdict(int)
        for username, n in attempts.values_list("username", "failures_since_start"):
            counts[username or ""] += n
        if not counts:
            return 0
        attempts.delete()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_repr=f"登录地址 {ip}",
            before={"ip": ip, "login_failures": dict(sorted(counts.items()))},
            after={"ip": ip, "login_failures": {}},
            note="解除登录地址锁定",
        )
    return sum(counts.values())
