"""A simulated clock, so the demo's history reads as if it had been entered when it happened.

While the loader replays a project's life (lead in 2023, signed months later, funds monthly …),
`django.utils.timezone.now` returns the simulated moment. Every timestamp the services write —
`created_at`, the audit log's `at`, `submitted_at`, `verified_at`, `uploaded_at` — and every
"not in the future" check they make then agree with the business dates, exactly as if staff had
entered each step on the day. The real clock is restored on exit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


class SimulatedClock:
    """Holds the current simulated instant; `at()` moves it to a local date and time."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def now(self) -> dt.datetime:
        return self._now

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        """Move to `day` at local `hour:minute`; returns the new instant (aware, UTC)."""
        local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)
        self._now = local.astimezone(dt.UTC)
        return self._now


@contextmanager
def simulated_time(start: dt.date) -> Iterator[SimulatedClock]:
    """Patch `timezone.now` (and so `timezone.localdate`) with a clock the caller moves."""
    clock = SimulatedClock(dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC))
    with mock.patch.object(timezone, "now", clock.now):
        yield clock
