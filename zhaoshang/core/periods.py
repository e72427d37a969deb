"""Periods of account: parsing, arithmetic and their Chinese names.

A period is a half-open date range ``[start, end_exclusive)`` with a label that parses back to it:

=================  ==========  ============================================================
label              kind        range
=================  ==========  ============================================================
``2024``           year        2024-01-01 … 2024-12-31
``2024Q1``         quarter     2024-01-01 … 2024-03-31
``2024-03``        month       2024-03-01 … 2024-03-31
``2024-03YTD``     ytd         2024-01-01 … 2024-03-31 (year to the end of a month)
``2024Q2YTD``      ytd         2024-01-01 … 2024-06-30 (year to the end of a quarter)
``2024YTD``        ytd         2024-01-01 … today (the whole year once it is over)
``2024-01-01..2024-03-15``  range  any span of days, both ends inclusive
=================  ==========  ============================================================

``parse_period`` is pure (no database) and raises a Django ``ValidationError`` keyed by the field
it was given, with a Chinese message. Only ``2024YTD`` depends on the day (``today``), so its
label re-parses to the same period on the same day.

Closing a period (关账) is in ``core.closing``; projects and goals both read periods, so they
live on the ground floor.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError

PeriodKind = Literal["year", "quarter", "month", "ytd", "range"]
MIN_YEAR, MAX_YEAR = 2000, 2099
FORMATS_HINT = "2024、2024Q1、2024-03、2024YTD、2024-03YTD 或 2024-01-01..2024-03-15"

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q(\d)$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YTD = re.compile(r"^(\d{4})(?:-(\d{2})|Q(\d))?YTD$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month (day must be a month start)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's last day (2024-08-31 + 6 → 2025-02-28)."""
    first = _add_months(day.replace(day=1), months)
    last = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(day.day, last))


@dataclass(frozen=True)
class Period:
    """A half-open date range with the label it was parsed from (see the module docstring)."""

    start: dt.date
    end_exclusive: dt.date
    label: str
    kind: PeriodKind

    # --- reading ----------------------------------------------------------------------------

    @property
    def last_day(self) -> dt.date:
        return self.end_exclusive - dt.timedelta(days=1)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def days(self) -> int:
        return (self.end_exclusive - self.start).days

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end_exclusive

    def overlaps(self, start: dt.date, end_exclusive: dt.date) -> bool:
        return start < self.end_exclusive and self.start < end_exclusive

    @property
    def display(self) -> str:
        """The Chinese name: 2024年, 2024年第1季度, 2024年3月, 2024年1—3月 …"""
        s, last = self.start, self.last_day
        if self.kind == "year":
            return f"{s.year}年"
        if self.kind == "quarter":
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "ytd" and last == _month_end(last):
            return f"{s.year}年1—{last.month}月" if last.month > 1 else f"{s.year}年1月"
        if s.year == last.year:
            return f"{s.year}年{s.month}月{s.day}日至{last.month}月{last.day}日"
        return f"{s:%Y年%m月%d日}至{last:%Y年%m月%d日}"

    def as_dict(self) -> dict[str, str]:
        return {
            "label": self.label,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.last_day.isoformat(),
            "display": self.display,
        }

    def elapsed_share(self, on: dt.date) -> Decimal:
        """Share of the period elapsed at the end of day `on` (0 before it, 1 after it)."""
        if on < self.start:
            return Decimal(0)
        if on >= self.last_day:
            return Decimal(1)
        return Decimal((on - self.start).days + 1) / Decimal(self.days)

    # --- neighbours -------------------------------------------------------------------------

    def previous(self) -> Period:
        """The period of the same kind just before (2024Q1 → 2023Q4, 2024-01 → 2023-12)."""
        if self.kind == "year":
            return year_period(self.year - 1)
        if self.kind == "quarter":
            return quarter_of(self.start - dt.timedelta(days=1))
        if self.kind == "month":
            return month_period(*_ym(self.start - dt.timedelta(days=1)))
        raise ValueError(f"{self.label} 没有“上一期”")

    def same_last_year(self) -> Period:
        """The same span one year earlier (for growth): 2024Q1 → 2023Q1, 2024-03YTD → 2023-03YTD."""
        if self.kind == "year":
            return year_period(self.year - 1)
        if self.kind == "quarter":
            return quarter_period(self.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "month":
            return month_period(self.year - 1, self.start.month)
        if self.kind == "ytd" and self.last_day == _month_end(self.last_day):
            return ytd_period(self.year - 1, self.last_day.month)
        return range_period(_shift_year(self.start, -1), _shift_year(self.last_day, -1))


def _ym(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- constructors -------------------------------------------------------------------------------


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), f"{year}", "year")


def quarter_period(year: int, quarter: int) -> Period:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return Period(start, _add_months(start, 3), f"{year}Q{quarter}", "quarter")


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(start, _add_months(start, 1), f"{year}-{month:02d}", "month")


def ytd_period(year: int, month: int) -> Period:
    """January to the end of `month` (label 2024-03YTD; December gives 2024-12YTD)."""
    start = dt.date(year, 1, 1)
    return Period(start, _add_months(dt.date(year, month, 1), 1), f"{year}-{month:02d}YTD", "ytd")


def range_period(first: dt.date, last: dt.date) -> Period:
    """Any span of days, both ends inclusive."""
    return Period(first, last + dt.timedelta(days=1), f"{first}..{last}", "range")


def quarter_of(day: dt.date) -> Period:
    return quarter_period(day.year, (day.month - 1) // 3 + 1)


def quarters_between(first: dt.date, last: dt.date) -> list[Period]:
    """Every quarter from the one containing `first` to the one containing `last`."""
    out, q = [], quarter_of(first)
    while q.start <= last:
        out.append(q)
        q = quarter_of(q.end_exclusive)
    return out


# --- parsing ------------------------------------------------------------------------------------


def _invalid(text: str, field: str, reason: str = "") -> ValidationError:
    shown = text if len(text) <= 40 else text[:40] + "…"
    message = f"无法识别的期间“{shown}”：{reason}" if reason else f"无法识别的期间“{shown}”"
    return ValidationError({field: [f"{message}。请使用 {FORMATS_HINT} 等格式"]}, code="invalid")


def _check_year(year: int, text: str, field: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _invalid(text, field, f"年份须在{MIN_YEAR}—{MAX_YEAR}之间")


def _check_month(month: int, text: str, field: str) -> None:
    if not 1 <= month <= 12:
        raise _invalid(text, field, "月份须在01—12之间")


def _check_quarter(quarter: int, text: str, field: str) -> None:
    if not 1 <= quarter <= 4:
        raise _invalid(text, field, "季度须为Q1—Q4")


def parse_period(text: object, *, today: dt.date | None = None, field: str = "period") -> Period:
    """Parse a period label (see the module docstring); ValidationError keyed by `field`."""
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise _invalid(str(text), field)
    raw = text.strip().upper()
    if m := _YEAR.match(raw):
        _check_year(int(m[1]), text, field)
        return year_period(int(m[1]))
    if m := _QUARTER.match(raw):
        _check_year(int(m[1]), text, field)
        _check_quarter(int(m[2]), text, field)
        return quarter_period(int(m[1]), int(m[2]))
    if m := _MONTH.match(raw):
        _check_year(int(m[1]), text, field)
        _check_month(int(m[2]), text, field)
        return month_period(int(m[1]), int(m[2]))
    if m := _YTD.match(raw):
        year = int(m[1])
        _check_year(year, text, field)
        if m[2]:
            _check_month(int(m[2]), text, field)
            return ytd_period(year, int(m[2]))
        if m[3]:
            _check_quarter(int(m[3]), text, field)
            q = quarter_period(year, int(m[3]))
            return Period(dt.date(year, 1, 1), q.end_exclusive, f"{year}Q{m[3]}YTD", "ytd")
        return _ytd_to_today(year, today, text, field)
    if m := _RANGE.match(raw):
        try:
            first, last = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        except ValueError:
            raise _invalid(text, field, "日期无效") from None
        _check_year(first.year, text, field)
        _check_year(last.year, text, field)
        if last < first:
            raise _invalid(text, field, "结束日期早于开始日期")
        return range_period(first, last)
    raise _invalid(text, field)


def _ytd_to_today(year: int, today: dt.date | None, text: str, field: str) -> Period:
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    start, year_end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    if today < start:
        raise _invalid(text, field, f"{year}年尚未开始")
    end = min(today + dt.timedelta(days=1), year_end)
    return Period(start, end, f"{year}YTD", "ytd")


# --- the statistics year ------------------------------------------------------------------------


def statistics_year(today: dt.date | None = None) -> int:
    """The city's current statistics year (统计年度): the year every page shows by default.

    Set by the city on the 关账 page (`core.closing.statistics_year_set`); today's year until
    then. Never inferred from the records: one record dated next year moves nothing. A page's
    ``?year=`` still shows any other year.
    """
    from django.utils import timezone

    from .models import StatisticsYear  # the models import this module

    year = StatisticsYear.objects.filter(pk=StatisticsYear.SINGLETON).values_list("year", flat=True)
    found = year.first()
    return found if found else (today or timezone.localdate()).year
