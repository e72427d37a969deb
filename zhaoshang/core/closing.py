"""Closing periods of account (关账), and the check every dated write makes against it.

A closed period freezes the records dated in it: the project services call
``ensure_open(date, field=…)`` (or ``closed_message(date)``) before writing a stage change dated
in it, submitting, verifying or rejecting a funds record whose month is in it, or marking a
milestone done on a date in it (or moving a completion recorded in it). Nobody is exempt: a city
user who may reopen periods reopens first. A project's current attributes (unit, total
investment, key-project flag) stay editable; the published ranking snapshot freezes what a
quarter read (see ``project_update``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from . import audit
from .models import PeriodClose, StatisticsYear
from .periods import MAX_YEAR, MIN_YEAR, Period, parse_period
from .permissions import require

CLOSABLE_KINDS = ("year", "quarter", "month")


def _name(actor: Any) -> str:
    return (getattr(actor, "display_name", "") or getattr(actor, "username", "") or "")[:150]


# --- reads --------------------------------------------------------------------------------------


def active_close_on(day: dt.date) -> PeriodClose | None:
    """The closed (and not reopened) period containing `day`, if any."""
    return (
        PeriodClose.objects.filter(start__lte=day, end_exclusive__gt=day, reopened_at__isnull=True)
        .order_by("closed_at", "id")
        .first()
    )


def closed_message(day: dt.date) -> str | None:
    """Why records dated `day` cannot be changed (its period is closed), or None if open."""
    close = active_close_on(day)
    if close is None:
        return None
    who = close.closed_by_name or "市级管理员"
    return (
        f"{close.period.display}已关账（{close.closed_at:%Y-%m-%d} 由{who}关闭），"
        "不能再修改该期间的记录；如需更正，请市级管理员说明理由后重新开放该期间"
    )


def ensure_open(day: dt.date, *, field: str = "on") -> None:
    """Raise a ValidationError keyed by `field` if `day` falls in a closed period.

    Called by the project services before a stage change dated `day`, a funds submission,
    verification or rejection for the month `day`, or a milestone completed on `day`. A reopened
    period is open again.
    """
    message = closed_message(day)
    if message:
        raise ValidationError({field: [message]}, code="period_closed")


def first_closes(period: Period) -> list[tuple[dt.date, dt.date, dt.datetime]]:
    """(start, end_exclusive, first closed_at) of every closed period overlapping `period`.

    The first close is the deadline: a reopen lets corrections in for the statistics, but the
    `entered_before_close` option of the indicators still counts only what was there by then.
    """
    rows = (
        PeriodClose.objects.filter(start__lt=period.end_exclusive, end_exclusive__gt=period.start)
        .values("start", "end_exclusive")
        .annotate(first=Min("closed_at"))
        .order_by("start", "end_exclusive")
    )
    return [(r["start"], r["end_exclusive"], r["first"]) for r in rows]


def closable(period: str | Period) -> Period:
    """The period named by `period` if it can be closed now (a finished month, quarter or year
    not closed already); else a ValidationError keyed by ``period``. The page asks for
    confirmation naming it before ``period_close``, which checks the same again."""
    period = parse_period(period)
    if period.kind not in CLOSABLE_KINDS:
        raise ValidationError({"period": ["只能按月、季度或年度关账"]})
    if period.end_exclusive > timezone.localdate():
        raise ValidationError({"period": [f"{period.display}尚未结束，不能关账"]})
    if PeriodClose.objects.filter(label=period.label, reopened_at__isnull=True).exists():
        raise ValidationError({"period": [f"{period.display}已关账"]})
    return period


# --- writes -------------------------------------------------------------------------------------


def period_close(*, actor: Any, period: str | Period, note: str = "") -> PeriodClose:
    """Close a finished month, quarter or year: its records can no longer be changed."""
    require(actor, "add", PeriodClose)
    period = closable(period)
    with transaction.atomic():
        if PeriodClose.objects.filter(label=period.label, reopened_at__isnull=True).exists():
            raise ValidationError({"period": [f"{period.display}已关账"]})
        close = PeriodClose(
            label=period.label,
            kind=period.kind,
            start=period.start,
            end_exclusive=period.end_exclusive,
            note=note.strip()[:300],
            closed_at=timezone.now(),
            closed_by=actor,
            closed_by_name=_name(actor),
        )
        try:
            with transaction.atomic():
                close.save()
        except IntegrityError as exc:
            raise ValidationError({"period": [f"{period.display}已关账"]}) from exc
        audit.record_create(actor=actor, obj=close, note=close.note)
    return close


def period_reopen(*, actor: Any, period: str | Period, reason: str) -> PeriodClose:
    """Reopen a closed period, with a reason (audited); closing it again makes a new close."""
    require(actor, "change", PeriodClose)
    period = parse_period(period)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["重新开放必须说明理由"]})
    with transaction.atomic():
        close = (
            PeriodClose.objects.select_for_update()
            .filter(label=period.label, reopened_at__isnull=True)
            .first()
        )
        if close is None:
            raise ValidationError({"period": [f"{period.display}未关账"]})
        before = audit.snapshot(close)
        close.reopened_at = timezone.now()
        close.reopened_by = actor
        close.reopened_by_name = _name(actor)
        close.reason = reason.strip()[:300]
        close.save()
        audit.record_update(actor=actor, obj=close, before=before, note=close.reason)
    return close


def statistics_year_set(*, actor: Any, year: int | str) -> StatisticsYear:
    """Set the city's current statistics year (统计年度), the year every page opens on."""
    require(actor, "change", PeriodClose)
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        value = 0
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationError({"year": [f"统计年度应为 {MIN_YEAR}–{MAX_YEAR} 之间的年份"]})
    with transaction.atomic():
        current = (
            StatisticsYear.objects.select_for_update().filter(pk=StatisticsYear.SINGLETON).first()
        )
        if current is None:
            current = StatisticsYear(year=value, updated_by=actor, updated_by_name=_name(actor))
            current.save()
            audit.record_create(actor=actor, obj=current)
            return current
        before = audit.snapshot(current)
        current.year, current.updated_by, current.updated_by_name = value, actor, _name(actor)
        current.save()
        audit.record_update(actor=actor, obj=current, before=before)
    return current
