"""Sending a planned delivery or digest once, and what its attempts did.

The job queue calls `delivery_attempt`; a failure is recorded on the row (attempts, last
error) and answered with `Retry`, which the task turns into huey's retry after a growing delay
(NOTICE_DELIVERY_RETRY_SECONDS, doubled each time), until NOTICE_DELIVERY_ATTEMPTS attempts
have failed: the row is then `failed` and stays so (the in-app notice is untouched).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from . import channels, kinds
from .models import Channel, Delivery, DeliveryStatus, Digest, Notification


class Retry(Exception):
    """The attempt failed and another is due after `delay` seconds (None: at once)."""

    def __init__(self, delay: int | None) -> None:
        super().__init__(delay)
        self.delay = delay


def max_attempts() -> int:
    return max(1, int(getattr(settings, "NOTICE_DELIVERY_ATTEMPTS", 5)))


def retry_delay(attempts: int) -> int | None:
    base = int(getattr(settings, "NOTICE_DELIVERY_RETRY_SECONDS", 60))
    return base * 2 ** (attempts - 1) if base > 0 else None


def _claim(model, pk: int):
    """Count one more attempt on a pending row (None when there is nothing left to send)."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status != DeliveryStatus.PENDING:
            return None
        row.attempts += 1
        model.objects.filter(pk=pk).update(attempts=row.attempts)
    return row


def _settle(model, row, error: Exception | None) -> str:
    if error is None:
        model.objects.filter(pk=row.pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
        )
        return DeliveryStatus.SENT
    final = row.attempts >= max_attempts()
    model.objects.filter(pk=row.pk).update(
        status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
        last_error=str(error)[:500],
    )
    if final:
        return DeliveryStatus.FAILED
    raise Retry(retry_delay(row.attempts))


def delivery_attempt(delivery_id: int) -> str:
    """Try to send one delivery; returns its status, or raises Retry."""
    claimed = _claim(Delivery, delivery_id)
    if claimed is None:
        return (
            Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or ""
        )
    row = Delivery.objects.select_related("notification__recipient").get(pk=claimed.pk)
    row.attempts = claimed.attempts
    notice = row.notification
    error: Exception | None = None
    try:
        if row.channel == Channel.EMAIL:
            address = (notice.recipient.email or "").strip()
            if not address:
                raise channels.DeliveryError("接收人没有电子邮箱")
            text = "\n\n".join(p for p in (notice.body, channels.absolute(notice.url)) if p)
            channels.send_email(to=address, subject=notice.title, text=text or notice.title)
        else:
            channels.send_group(
                row.channel,
                title=notice.title,
                body=notice.body,
                url=notice.url,
                audience=row.audience,
            )
    except channels.DeliveryError as exc:
        error = exc
    return _settle(Delivery, row, error)


# --- the daily digest ----------------------------------------------------------------------

DIGEST_KIND = "digest"
DIGEST_LINES = 20


def digests_plan(*, today: dt.date) -> list[int]:
    """One digest row per user with unread notices and an e-mail address, once per day; the
    ids of the rows created now (a second run the same day creates none)."""
    if not channels.email_digest_enabled():
        return []
    from django.contrib.auth import get_user_model

    from .services import may_receive

    # Unread notices of users who have an address and did not mute the digest.
    unread = (
        Notification.objects.filter(read_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(recipient__notice_mutes__kind=DIGEST_KIND)
        .exclude(recipient__notice_digests__on=today)
        .values("recipient")
        .annotate(n=Count("id"))
        .order_by("recipient")
    )
    counts = {row["recipient"]: row["n"] for row in unread}
    created: list[int] = []
    for user in get_user_model().objects.filter(pk__in=list(counts)).order_by("pk"):
        if not may_receive(user):
            continue
        digest, made = Digest.objects.get_or_create(
            user=user, on=today, defaults={"unread": counts[user.pk]}
        )
        if made:
            created.append(digest.pk)
    return created


def digest_text(digest: Digest) -> tuple[str, str]:
    """The digest's subject and text: unread notices by kind, then the newest ones."""
    unread = Notification.objects.filter(recipient=digest.user, read_at__isnull=True)
    by_kind = unread.values("kind").annotate(n=Count("id")).order_by("-n", "kind")
    lines = [f"您有 {digest.unread} 条未读通知（截至 {digest.on:%Y年%m月%d日}）：", ""]
    for row in by_kind:
        try:
            label = kinds.get(row["kind"]).label
        except LookupError:
            label = row["kind"]
        lines.append(f"· {label}：{row['n']} 条")
    lines += ["", "最新："]
    for notice in unread.order_by("-created_at", "-id")[:DIGEST_LINES]:
        link = channels.absolute(notice.url)
        lines.append(f"- {notice.title}" + (f"  {link}" if link else ""))
    lines += ["", f"通知中心：{channels.absolute(reverse('notices:list'))}"]
    return f"每日通知摘要：{digest.unread} 条未读", "\n".join(lines)


def digest_attempt(digest_id: int) -> str:
    claimed = _claim(Digest, digest_id)
    if claimed is None:
        return Digest.objects.filter(pk=digest_id).values_list("status", flat=True).first() or ""
    digest = Digest.objects.select_related("user").get(pk=claimed.pk)
    digest.attempts = claimed.attempts
    error: Exception | None = None
    try:
        subject, text = digest_text(digest)
        channels.send_email(to=digest.user.email.strip(), subject=subject, text=text)
    except channels.DeliveryError as exc:
        error = exc
    return _settle(Digest, digest, error)
