"""Writing notices: the one entry point every app uses (`notify`), reading them, muting kinds.

A notice is written in the caller's transaction, so it exists exactly when what it tells of
does. Its outbound copies (group robots, e-mail) are rows of `Delivery` written beside it and
sent by the job queue after the commit (`transaction.on_commit`): a slow or failing channel
never blocks the request nor loses the in-app notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhaoshang.core.admin_actions import is_administrator

from . import channels, kinds
from .models import Channel, Delivery, Mute, Notification


def _check_url(url: str) -> None:
    # A notice's link is a path of this site: never another host nor a script.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"notice url must be a path of this site, not {url!r}")


def may_receive(user: Any) -> bool:
    """Active business users receive notices; administrator roles (三员) hold no business data."""
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and user.is_active
        and not is_administrator(user)
    )


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
) -> list[Notification]:
    """Notify each recipient once: an in-app notice now (in the caller's transaction), and the
    enabled outbound channels after the commit.

    `key` (e.g. ``"milestone-overdue:42:2024-10-10"``) makes the call idempotent per recipient:
    a recipient who already has a notice with that key gets no second one. Inactive accounts,
    administrator roles and recipients who muted a mutable kind get nothing. `url` is a path of
    this site. Returns the notices created.
    """
    kind_def = kinds.get(kind)  # an unregistered kind is a programming error, before any write
    _check_url(url)
    people: dict[int, Any] = {}
    for user in recipients:
        if may_receive(user) and user.pk not in people:
            people[user.pk] = user
    if not people:
        return []
    skip: set[int] = set()
    if kind_def.mutable:
        skip |= set(
            Mute.objects.filter(user__in=list(people), kind=kind).values_list("user_id", flat=True)
        )
    if key:
        skip |= set(
            Notification.objects.filter(recipient__in=list(people), key=key).values_list(
                "recipient_id", flat=True
            )
        )
    created: list[Notification] = []
    for pk, user in people.items():
        if pk in skip:
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user, kind=kind, title=title[:200], body=body, url=url, key=key
                    )
                )
        except IntegrityError:
            if not key:
                raise
            # Another worker sent the same keyed notice meanwhile: it is sent once.
    if created:
        _plan_deliveries(created, kind)
    return created


def _plan_deliveries(created: list[Notification], kind: str) -> None:
    """Write the outbound deliveries of a call's notices, to be sent after the commit."""
    rows: list[Delivery] = []
    first = created[0]
    audience = "、".join(str(n.recipient) for n in created)[:300]
    for channel in channels.group_channels_for(kind):
        rows.append(Delivery(notification=first, channel=channel, audience=audience))
    if channels.email_instant_enabled():
        rows += [
            Delivery(notification=n, channel=Channel.EMAIL)
            for n in created
            if (n.recipient.email or "").strip()
        ]
    if not rows:
        return
    Delivery.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    if any(pk is None for pk in ids):  # backends that return no ids from bulk_create
        ids = list(Delivery.objects.filter(notification__in=created).values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(delivery_ids: list[int]) -> None:
    from .tasks import deliver

    for pk in delivery_ids:
        deliver(pk)


# --- reading and marking ------------------------------------------------------------------


def _require_receiver(user: Any) -> None:
    from django.core.exceptions import PermissionDenied

    if not may_receive(user):
        raise PermissionDenied("管理员角色不接收业务通知")


def notice_mark_read(*, user: Any, notification: Notification) -> Notification:
    """Mark one of the user's own notices read (a notice of another's is never found)."""
    _require_receiver(user)
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist("不存在")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notice_mark_all_read(*, user: Any, kind: str = "") -> int:
    """Mark all the user's unread notices (of one kind, when given) read; returns how many."""
    _require_receiver(user)
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


def mutes_set(*, user: Any, muted: Iterable[str]) -> set[str]:
    """Set the kinds the user mutes to `muted` (mutable kinds only); returns the muted set."""
    _require_receiver(user)
    wanted = set(muted)
    errors = []
    for code in sorted(wanted):
        try:
            kind = kinds.get(code)
        except LookupError:
            errors.append(f"没有这种通知类型：{code}")
            continue
        if not kind.mutable:
            errors.append(f"“{kind.label}”不可关闭")
    if errors:
        raise ValidationError({"muted": errors})
    with transaction.atomic():
        Mute.objects.filter(user=user).exclude(kind__in=wanted).delete()
        have = set(Mute.objects.filter(user=user).values_list("kind", flat=True))
        Mute.objects.bulk_create([Mute(user=user, kind=code) for code in sorted(wanted - have)])
    return wanted
