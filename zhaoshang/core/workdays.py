"""Working days (工作日) of the Chinese calendar: weekends, public holidays and 调休.

The holidays and the weekend days worked in exchange (调休) come from the `chinese_calendar`
package, which knows the years the State Council has published (2004–2026 in the installed
version). A city corrects or extends it with `WorkdayOverride` rows (date, working or not,
name): an override wins over the package. For a year the package does not know, the
calendar falls back to Monday–Friday plus the overrides, and `fallback_years` says which
years of a span are computed that way, so a page can warn that a deadline there is provisional
until the city enters that year's holidays.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import chinese_calendar

_ONE_DAY = dt.timedelta(days=1)
# A deadline further than this is a typing error, not a working-day count to walk.
MAX_WORKDAYS = 2000


@cache
def known_years() -> frozenset[int]:
    """The years whose holidays and 调休 the installed package publishes."""
    return frozenset(d.year for d in chinese_calendar.holidays) | frozenset(
        d.year for d in chinese_calendar.workdays
    )


def is_known_year(year: int) -> bool:
    return year in known_years()


def fallback_years(start: dt.date, end: dt.date) -> list[int]:
    """The years between `start` and `end` (inclusive, either order) computed by the fallback."""
    first, last = sorted([start, end])
    return [y for y in range(first.year, last.year + 1) if not is_known_year(y)]


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    from .models import WorkdayOverride

    rows = WorkdayOverride.objects.filter(date__gte=first, date__lte=last)
    return dict(rows.values_list("date", "is_workday"))


def _base_is_workday(day: dt.date) -> bool:
    if is_known_year(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def _is_workday(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    found = overrides.get(day)
    return _base_is_workday(day) if found is None else found


def is_workday(day: dt.date) -> bool:
    """Whether people work on `day` (a 调休 Sunday is a working day; a holiday Monday is not)."""
    return _is_workday(day, _overrides(day, day))


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The `n`-th working day after `start` (`start` itself is never counted); `start` for 0.

    A problem raised on Friday 2024-09-27 with 5 working days is due on 2024-10-10: Sunday
    09-29 is a 调休 working day, 10-01 to 10-07 are the National Day holiday, 10-12 is worked.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if n > MAX_WORKDAYS:
        raise ValueError(f"n must not exceed {MAX_WORKDAYS}")
    if n == 0:
        return start
    # Generous window: 7 calendar days for every 4 working days covers the longest holidays.
    horizon = start + dt.timedelta(days=n * 2 + 30)
    overrides = _overrides(start, horizon)
    day, counted = start, 0
    while counted < n:
        day += _ONE_DAY
        if day > horizon:  # only when overrides declare a very long break
            horizon = day + dt.timedelta(days=n * 2 + 30)
            overrides.update(_overrides(day, horizon))
        if _is_workday(day, overrides):
            counted += 1
    return day


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b`; negative when `b` is before `a`.

    `workdays_between(d, add_workdays(d, n)) == n`; the days a problem took from raised to
    resolved; a deadline passed by `-workdays_between(today, due)` working days.
    """
    if b == a:
        return 0
    if b < a:
        return -workdays_between(b, a)
    overrides = _overrides(a + _ONE_DAY, b)
    count, day = 0, a
    while day < b:
        day += _ONE_DAY
        if _is_workday(day, overrides):
            count += 1
    return count
