"""Shared by the dashboard modules: constants, the tables behind the charts, years and periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from zhaoshang.core.periods import Period, range_period, statistics_year, year_period

CENT = Decimal("0.01")
ZERO = Decimal(0)
YEARS_OFFERED = 6
DEFAULT_MAP_INDICATOR = "funds_verified"
TOP_PER_TRACK = 3
LEADER_ROWS = 100
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}

# --- tables behind the charts -------------------------------------------------------------------


@dataclass
class Column:
    """A column of a table: its header and how its cells are shown (and typed in Excel).

    kinds: ``text``; ``number`` (a Decimal shown as given: 300 or 1,234.50); ``money`` (万元,
    two decimals); ``pct`` (a percentage, two decimals); ``date``; ``change`` (rank change).
    """

    label: str
    kind: str = "text"
    width: int = 14


@dataclass
class Table:
    """The data behind one chart: rows as shown on the page and exported to Excel."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    links: list[str | None] = field(default_factory=list)  # url of each row's first cell
    footer: list[Any] | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "headers": [c.label for c in self.columns],
            "rows": self.rows,
            "footer": self.footer,
        }


def _q(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole) * 100).quantize(CENT, ROUND_HALF_UP)


def _link(name: str, *args: Any, query: str = "") -> str:
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


# --- years and periods --------------------------------------------------------------------------


def years_offered(today: dt.date | None = None) -> list[int]:
    """The statistics year or this year, whichever is later, and the five before it, newest first."""
    top = max((today or timezone.localdate()).year, statistics_year(today))
    return list(range(top, top - YEARS_OFFERED, -1))


def default_year(today: dt.date | None = None) -> int:
    """The city's statistics year (`core.periods.statistics_year`), never the latest record's."""
    return statistics_year(today)


def year_to_date(year: int, on: dt.date | None = None) -> Period:
    """The year, or January 1st to `on` while the year runs (the span of the cockpit's figures)."""
    on = on or timezone.localdate()
    if on >= dt.date(year, 12, 31):
        return year_period(year)
    return range_period(dt.date(year, 1, 1), max(on, dt.date(year, 1, 1)))
