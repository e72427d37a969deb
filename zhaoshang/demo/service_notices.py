"""Notifications in the demo city: the reminders the morning job would have sent.

Run last, over everything loaded before it: each Monday of the history year the reminder
producers run as of that morning (07:00), and their recipients read what they got within a
few days, except the last two weeks' notices; then the producers run on the reference date.
So `commissioner`, `leader` and the city's verifiers open the demo on unread reminders. A
producer only reminds of what is still open at the end of the history (a milestone still not
done was not done then either), so no past notice is false; some that were sent at the time
(of things done since) are simply not replayed.
"""

from __future__ import annotations

import datetime as dt
import random

from zhaoshang.notices import reminders
from zhaoshang.notices.models import Notification
from zhaoshang.notices.services import notice_mark_read

from .clock import SimulatedClock
from .reference import REFERENCE_DATE

MORNING = 7
# Notices older than this on the reference date have been read; the last two weeks' are not.
READ_AFTER_DAYS = 14


def _mondays(start: dt.date, end: dt.date) -> list[dt.date]:
    first = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    return [first + dt.timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]


def notices_load(*, clock: SimulatedClock, seed: int, since: dt.date) -> dict[str, int]:
    """Replay the reminders weekly from `since`, read the older ones, send the reference
    date's; returns notices created per producer over the whole replay."""
    rng = random.Random(seed)  # its own stream: the rest of the demo stays as it was
    totals: dict[str, int] = {}
    days = [d for d in _mondays(since, REFERENCE_DATE) if d < REFERENCE_DATE]
    for day in [*days, REFERENCE_DATE]:
        clock.at(day, MORNING)
        report = reminders.run(today=day)
        if report.failed:
            raise RuntimeError(f"demo reminders failed: {report.failed}")
        for code, count in report.created.items():
            totals[code] = totals.get(code, 0) + count
    cutoff = REFERENCE_DATE - dt.timedelta(days=READ_AFTER_DAYS)
    old = (
        Notification.objects.filter(read_at__isnull=True, created_at__date__lt=cutoff)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    for notice in old:
        local = notice.created_at.astimezone(clock.tz).date()
        day, hour, minute = (
            local + dt.timedelta(days=rng.randint(0, 2)),
            rng.randint(9, 17),
            rng.randint(0, 59),
        )
        # A notice sent in the afternoon (by a service during the replay, not the morning job)
        # is not read before it was sent: then it is read the next day.
        if dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.tz) <= notice.created_at:
            day += dt.timedelta(days=1)
        clock.at(day, hour, minute)
        notice_mark_read(user=notice.recipient, notification=notice)
    clock.at(REFERENCE_DATE, MORNING, 5)
    return totals
