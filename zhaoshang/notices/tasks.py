"""Background jobs of the notification centre (huey; immediate in tests).

- `deliver`: one outbound delivery, retried with a growing delay (`delivery.Retry`).
- `reminders_daily`: every registered reminder producer, each morning (REMINDER_HOUR, local).
- `digest_daily`: the e-mail digest of unread notices (NOTICE_DIGEST_HOUR, local), once a day.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task
from huey.exceptions import RetryTask

from . import delivery, reminders

logger = logging.getLogger(__name__)


@db_task()
def deliver(delivery_id: int) -> str:
    try:
        return delivery.delivery_attempt(delivery_id)
    except delivery.Retry as retry:
        raise RetryTask(delay=retry.delay) from None


@db_task()
def send_digest(digest_id: int) -> str:
    try:
        return delivery.digest_attempt(digest_id)
    except delivery.Retry as retry:
        raise RetryTask(delay=retry.delay) from None


def digests_run(*, today=None) -> int:
    """Plan today's digests and send them after the commit; returns how many were planned."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ids = delivery.digests_plan(today=today)
        transaction.on_commit(lambda: [send_digest(pk) for pk in ids])
    return len(ids)


@db_periodic_task(crontab(hour=str(settings.REMINDER_HOUR), minute="0"))
@lock_task("notices-reminders")
def reminders_daily() -> dict:
    report = reminders.run()
    if report.failed:
        logger.error("reminder producers failed: %s", report.failed)
    return {"created": report.created, "failed": report.failed}


@db_periodic_task(crontab(hour=str(settings.NOTICE_DIGEST_HOUR), minute="0"))
@lock_task("notices-digest")
def digest_daily() -> int:
    return digests_run()
