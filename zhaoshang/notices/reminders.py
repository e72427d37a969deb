"""The reminder registry: the apps above declare what to remind whom of, this app runs it daily.

A *producer* is a callable ``produce(*, today: date) -> int`` that looks at its app's records
as of `today` and calls `notify()` for what is due, overdue or waiting, each call with a `key`
naming the thing and the occasion (``"milestone-overdue:42:2024-10-10"``): a second run on the
same day, or the next day, sends nothing twice. It returns how many notices it created.

The apps register their producers when they are ready (`AppConfig.ready`), since they sit
above this app::

    from zhaoshang.notices import reminders

    reminders.register(
        "projects.milestone_due",
        "推进节点即将到期",
        produce_milestones_due,
        thresholds={"days": 3},
    )

Thresholds are data: each producer declares its defaults and reads them back through
`threshold()`. A deployment overrides them in ``settings.REMINDER_THRESHOLDS`` (environment
``REMINDER_THRESHOLDS="projects.milestone_due.days=5,projects.stale.days=45"``), and an app
that keeps such numbers in a table the city edits (the work queue's rules) registers a
`threshold_source`, asked first, so the reminder and the page use one number.

One periodic job (`tasks.reminders_daily`) and ``manage.py run_reminders`` run every producer,
each in its own transaction: one that fails is logged and reported, the others still run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

Produce = Callable[..., Any]


@dataclass(frozen=True)
class Producer:
    code: str
    label: str
    produce: Produce
    thresholds: dict[str, int] = field(default_factory=dict)


_PRODUCERS: dict[str, Producer] = {}
# Callables `(code, name) -> int | None`, asked in order before the settings and the default.
_SOURCES: list[Callable[[str, str], int | None]] = []


def register(
    code: str, label: str, produce: Produce, *, thresholds: dict[str, int] | None = None
) -> Producer:
    """Declare a reminder producer; registering the same code again replaces it only with the
    same callable (an app's `ready()` may run twice in tests), otherwise it is an error."""
    producer = Producer(code, label, produce, dict(thresholds or {}))
    known = _PRODUCERS.get(code)
    if known is not None and (known.produce is not produce or known.label != label):
        raise ValueError(f"reminder producer {code!r} already registered")
    _PRODUCERS[code] = producer
    return producer


def get(code: str) -> Producer:
    try:
        return _PRODUCERS[code]
    except KeyError:
        raise LookupError(f"reminder producer {code!r} is not registered") from None


def all_producers() -> list[Producer]:
    return sorted(_PRODUCERS.values(), key=lambda p: p.code)


def threshold_source(source: Callable[[str, str], int | None]) -> None:
    """Register where thresholds are kept as data (e.g. a table a city administrator edits):
    `source(code, name)` answers an int, or None to leave it to the settings and default."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def threshold(code: str, name: str) -> int:
    """A producer's threshold: from a registered source (`threshold_source`), else the
    deployment's settings (REMINDER_THRESHOLDS ``"<code>.<name>"``), else the registered default."""
    for source in _SOURCES:
        value = source(code, name)
        if value is not None:
            return int(value)
    configured = getattr(settings, "REMINDER_THRESHOLDS", {}) or {}
    value = configured.get(f"{code}.{name}")
    if value is not None:
        return int(value)
    try:
        return get(code).thresholds[name]
    except KeyError:
        raise LookupError(f"reminder producer {code!r} declares no threshold {name!r}") from None


@dataclass
class RunReport:
    """What one run of the producers did: notices created per producer, failures by code."""

    today: dt.date
    created: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _count(result: Any) -> int:
    if isinstance(result, int):
        return result
    try:
        return len(result)
    except TypeError:
        return 0


def run(*, today: dt.date | None = None, only: Iterable[str] | None = None) -> RunReport:
    """Run the producers (all, or the codes in `only`) as of `today` (default: the local date)."""
    today = today or timezone.localdate()
    wanted = set(only) if only is not None else None
    if wanted is not None:
        for code in wanted:
            get(code)  # an unknown code is refused before anything runs
    report = RunReport(today=today)
    for producer in all_producers():
        if wanted is not None and producer.code not in wanted:
            continue
        try:
            with transaction.atomic():
                report.created[producer.code] = _count(producer.produce(today=today))
        except Exception as exc:  # one broken producer must not silence the others
            logger.exception("reminder producer %s failed", producer.code)
            report.failed[producer.code] = f"{type(exc).__name__}: {exc}"[:500]
    return report
