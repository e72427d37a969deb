"""Formula injection: every spreadsheet the platform hands out writes a text starting with "="
as text, never as a formula, whatever record it comes from (a project, an enterprise, a
ranking scheme, an audit entry).

The export URLs are found in the URL list (a route ending in .xlsx or .csv, or a name that says
export, template, xlsx or csv), so a new export cannot ship without being walked here.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from zhaoshang.core import exports
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.goals.tests.conftest import (  # noqa: F401  (fixtures)
    advance,
    funds,
    investors,
    tags,
    world,
)
from zhaoshang.goals.tests.test_ranking import CONFIG
from zhaoshang.projects.services import project_update

pytestmark = pytest.mark.django_db

PLANTED = "=1+1"

# name → (user, URL kwargs, query, whether the planted text must appear in it)
EXPORTS: dict[str, tuple[str, dict[str, str], dict[str, str], bool]] = {
    "core:audit-export": ("auditor", {}, {}, True),
    "projects:export": ("city", {}, {}, True),
    "enterprises:export": ("city", {}, {}, True),
    "enterprises:import-template": ("city", {}, {}, False),  # constant text only
    "goals:cockpit-table": ("city", {"key": "all"}, {"year": "2024"}, True),
    "goals:unit-table": ("city", {"code": "371581", "key": "all"}, {"year": "2024"}, True),
    "goals:ranking-xlsx": ("city", {"quarter": "2024Q1"}, {"scheme": "test"}, True),
    # Department and unit names and the figures' own labels: no typed text to plant.
    "service:figures-xlsx": ("city", {}, {"period": "2024"}, False),
}


def export_url_names() -> set[str]:
    """Every URL pattern that hands out a spreadsheet, by its route or its name."""

    def walk(resolver: URLResolver, namespace: str = ""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = str(pattern.pattern).rstrip("$/")
                words = ("export", "template", "xlsx", "csv")
                if route.endswith((".xlsx", ".csv")) or any(w in pattern.name for w in words):
                    yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver()))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cockpit is cached by data version; test databases reuse audit ids after rollback."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def planted(users, request):
    """A key project, an enterprise and a ranking scheme named "=1+1", the ranking published."""
    city = users["city"]
    p1 = request.getfixturevalue("world")["p1"]  # the goals tests' small city
    project_update(actor=users["linqing"], project=p1, name=PLANTED)
    enterprise_create(actor=city, name=PLANTED)
    goals_set(
        actor=city,
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={"371581": 10000, "371502": 50000, "371503": 1000, "371526": 1000},
    )
    scheme = scheme_create(actor=city, code="test", name=PLANTED, config=CONFIG, is_default=True)
    snapshot_publish(actor=city, scheme=scheme, quarter="2024Q1")


def cells(content: bytes, content_type: str) -> list[tuple[object, str]]:
    """(value, type) of every non-empty cell of an .xlsx or a CSV download."""
    if "csv" in content_type:
        text = content.decode("utf-8-sig")
        return [(v, "csv") for line in csv.reader(io.StringIO(text)) for v in line if v]
    book = load_workbook(io.BytesIO(content))
    return [
        (c.value, c.data_type)
        for sheet in book.worksheets
        for line in sheet.iter_rows()
        for c in line
        if c.value is not None
    ]


def test_every_export_url_is_walked_by_this_test():
    assert export_url_names() == set(EXPORTS)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_a_planted_formula_is_exported_as_text(users, planted, name):
    who, kwargs, query, must_appear = EXPORTS[name]
    client = Client()
    client.force_login(users[who])
    response = client.get(reverse(name, kwargs=kwargs), query)
    assert response.status_code == 200, response.content[:300]
    found = cells(response.content, response["Content-Type"])
    assert not [v for v, kind in found if kind == "f"]
    planted_cells = [(v, kind) for v, kind in found if str(v).startswith(PLANTED)]
    if must_appear:
        assert planted_cells
    assert all(kind == "s" for _, kind in planted_cells)


@pytest.mark.parametrize(
    "text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("x")']
)
def test_the_guard_writes_every_formula_start_as_text_in_xlsx_and_quotes_it_in_csv(text):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(exports.row(sheet, [text, Decimal("-1.50"), 3]))
    buffer = io.BytesIO()
    book.save(buffer)
    written = load_workbook(buffer).active
    assert [(c.value, c.data_type) for c in written[1]] == [
        (text.replace("\r", "\n"), "s"),  # XML reads a carriage return as a line feed
        (-1.5, "n"),
        (3, "n"),
    ]
    assert written["A1"].quotePrefix is True
    assert exports.csv_row([text, "公司", -1]) == ["'" + text, "公司", -1]
