"""Reading notices: a user's own only, whatever their role's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from . import kinds
from .models import Mute, Notification
from .services import may_receive

_REQUEST_CACHE = "_notices_unread"


def notices_for(*, user: Any, unread: bool = False, kind: str = "") -> QuerySet[Notification]:
    """The user's notices, newest first; administrators (三员) have none."""
    if not may_receive(user):
        return Notification.objects.none()
    qs = Notification.objects.for_user(user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    if not may_receive(user):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_for_request(request: HttpRequest) -> int | None:
    """The signed-in user's unread count, counted once per request (one indexed COUNT); None
    for visitors and administrators, who have no notification centre."""
    if hasattr(request, _REQUEST_CACHE):
        return getattr(request, _REQUEST_CACHE)
    user = getattr(request, "user", None)
    value = (
        unread_count(user=user)
        if user is not None and user.is_authenticated and may_receive(user)
        else None
    )
    setattr(request, _REQUEST_CACHE, value)
    return value


def page_cache_part(request: HttpRequest) -> str:
    """What the cached pages (core.pagecache) vary by for the badge: the unread count."""
    value = unread_for_request(request)
    return "" if value is None else str(value)


def kind_counts(*, user: Any, unread: bool = False) -> list[tuple[str, str, int]]:
    """(code, label, count) of the user's notices by kind, for the list's kind filter."""
    from django.db.models import Count

    rows = (
        notices_for(user=user, unread=unread)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    out = []
    for row in rows:
        try:
            label = kinds.get(row["kind"]).label
        except LookupError:
            label = row["kind"]
        out.append((row["kind"], label, row["n"]))
    return out


def muted_kinds(*, user: Any) -> set[str]:
    return set(Mute.objects.filter(user=user).values_list("kind", flat=True))


def keys_sent(keys: list[str]) -> set[tuple[str, int]]:
    """(key, recipient id) of the keyed notices already sent, for a producer to skip the
    things every recipient was told of without one query per thing."""
    sent: set[tuple[str, int]] = set()
    unique = sorted(set(keys))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        sent |= set(Notification.objects.filter(key__in=chunk).values_list("key", "recipient_id"))
    return sent
