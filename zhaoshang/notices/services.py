"""Sending notices: the one entry point every app uses (`notify`)."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from . import kinds
from .models import Notification


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
) -> list[Notification]:
    """Notify each recipient once: an in-app notice now (in the caller's transaction).

    `key` (e.g. ``"milestone-overdue:42:2024-10-10"``) makes the call idempotent per recipient:
    a recipient who already has a notice with that key gets no second one. Inactive accounts
    get nothing. Returns the notices created.
    """
    kinds.get(kind)  # an unregistered kind is a programming error, raised before any write
    created = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if key and Notification.objects.filter(recipient=user, key=key).exists():
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
    return created
