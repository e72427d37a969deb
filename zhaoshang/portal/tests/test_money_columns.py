"""One unit per column: no table of the main pages shows 万元 and 亿元 in the same column.

The pages are rendered over the goals tests' world (investments from 8,000 to 600,000 万元,
funds from 500 to 60,000 万元: amounts both sides of 1 亿元), every <table> is parsed with the
standard library, and each column (header, body and footer cells, by position with colspans)
may hold amounts of one unit only.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client

from zhaoshang.core.closing import statistics_year_set
from zhaoshang.goals.tests.conftest import advance, funds, investors, tags, world  # noqa: F401
from zhaoshang.projects.models import FundsRecord, FundsStatus

pytestmark = pytest.mark.django_db

# An amount with its unit ("8,700.00 万元", "3.79 亿元") or a unit in a header ("金额（万元）").
UNITS = {unit: re.compile(rf"(\d\s*|[（(]){unit}") for unit in ("万元", "亿元")}


class Tables(HTMLParser):
    """Each <table> as {column index: [cell texts]}; captions are left out (they explain units)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[int, list[str]]] = []
        self._stack: list[dict[int, list[str]]] = []
        self._column = 0
        self._cell: list[str] | None = None
        self._span = 1
        self._caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append({})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr":
            self._column = 0
        elif tag in ("td", "th") and self._stack:
            self._cell = []
            self._span = int(dict(attrs).get("colspan") or 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "caption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            text = " ".join("".join(self._cell).split())
            for offset in range(self._span):
                self._stack[-1].setdefault(self._column + offset, []).append(text)
            self._column += self._span
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._caption:
            self._cell.append(data)


def mixed_columns(html: str) -> list[list[str]]:
    """The columns of the page's tables that hold both 万元 and 亿元 amounts."""
    parser = Tables()
    parser.feed(html)
    return [
        cells
        for table in parser.tables
        for cells in table.values()
        if all(any(pattern.search(cell) for cell in cells) for pattern in UNITS.values())
    ]


def test_the_parser_finds_a_mixed_column_and_passes_a_clean_one():
    mixed = (
        "<table><caption>1 亿元 = 10,000 万元</caption><tr><th>总投资</th><th>到位</th></tr>"
        "<tr><td>8,700.00 万元</td><td>1.00 万元</td></tr>"
        "<tr><td>3.79 亿元</td><td>2.00 万元</td></tr></table>"
    )
    assert mixed_columns(mixed) == [["总投资", "8,700.00 万元", "3.79 亿元"]]
    assert mixed_columns(mixed.replace("8,700.00 万元", "0.87 亿元")) == []
    header = "<table><tr><th colspan=2>金额（万元）</th></tr><tr><td>a</td><td>1.00 亿元</td></tr>"
    assert mixed_columns(header + "</table>") == [["金额（万元）", "1.00 亿元"]]


@pytest.fixture
def city_world(users, world):  # noqa: F811
    cache.clear()
    statistics_year_set(actor=users["city"], year=2024)
    # The unverified 700 万元 of P4 waits in the verification queue.
    assert FundsRecord.objects.filter(status=FundsStatus.SUBMITTED).count() == 1
    yield world
    cache.clear()


PAGES = [
    "/",
    "/projects/",
    "/projects/?ordering=-total_investment_wan",
    "/projects/funds/",
    "/projects/funds/verify/",
    "/goals/?year=2024",
    "/goals/units/371581/?year=2024",
    "/goals/units/371502/?year=2024",
    "/goals/leader/",
    "/goals/indicators/funds_verified/?period=2024",
    "/goals/indicators/new_started_over_100m/?period=2024",
    "/service/figures/",
    "/service/teams/",
]


@pytest.mark.parametrize("who", ["city", "linqing"])
def test_no_table_column_mixes_wan_and_yi(users, city_world, who):
    client = Client()
    client.force_login(users[who])
    pages = PAGES + [f"/projects/{p.pk}/" for p in city_world.values() if hasattr(p, "pk")]
    seen_tables = 0
    for url in pages:
        response = client.get(url, follow=True)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        assert mixed_columns(html) == [], url
        seen_tables += html.count("<table")
    assert seen_tables >= 10


def test_the_home_page_shows_funds_in_wan_and_investment_in_yi(users, city_world):
    client = Client()
    client.force_login(users["city"])
    parser = Tables()
    parser.feed(client.get("/").content.decode())
    money = [
        cells
        for table in parser.tables
        for cells in table.values()
        if any(p.search(c) for p in UNITS.values() for c in cells)
    ]
    assert money, "the home page has money columns"
    funds_by_unit = next(cells for cells in money if cells[0] == "到位资金")
    assert funds_by_unit[1:] and all(c.endswith("万元") for c in funds_by_unit[1:])
    investment = next(cells for cells in money if cells[0] == "总投资")
    assert investment[1:] and all(c.endswith("亿元") for c in investment[1:])
