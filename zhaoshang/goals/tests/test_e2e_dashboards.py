"""End to end in Debian's chromium: the city opens the cockpit (charts and the offline map draw,
the map changes indicator in place), the wall display, the ranking, and downloads the PDF."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from zhaoshang.core.closing import statistics_year_set
from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.goals.tests.test_ranking import CONFIG
from zhaoshang.projects.tests.test_e2e_lifecycle import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

L, DCF = "371581", "371502"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cockpit is cached by data version; test databases reuse audit ids after a flush."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(users, world):
    statistics_year_set(actor=users["city"], year=2024)  # the city's statistics year, as the demo
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, "371503": 1000, "371526": 1000},
    )
    scheme = scheme_create(
        actor=users["city"], code="test", name="测试办法", config=CONFIG, is_default=True
    )
    return snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")


def test_cockpit_ranking_and_pdf(page, live_server, users, published, tmp_path):
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, "city")

    page.get_by_role("link", name="驾驶舱").click()
    page.wait_for_url("**/goals/")
    assert "2024年" in page.locator("select#year option:checked").inner_text()
    for kind in ["gauges", "funds_months", "funnel", "units", "ranking"]:
        expect(page.locator(f'[data-chart="{kind}"][data-rendered]')).to_have_count(1)
    # the county polygons come from the vendored GeoJSON, named after today's units
    expect(page.locator('[data-chart="map"][data-rendered]')).to_have_count(1)
    assert page.locator('[data-chart="map"] canvas').count() == 1
    assert page.locator("#map-zones").inner_text().count("区") >= 3
    # another indicator: the panel is swapped in place and drawn again
    page.select_option("#map-indicator", "new_started_over_100m")
    expect(page.locator('#map-panel[data-indicator="new_started_over_100m"]')).to_have_count(1)
    expect(page.locator('[data-chart="map"][data-rendered]')).to_have_count(1)
    # every chart has its table
    page.locator('[data-card="funds_by_month"] summary').click()
    expect(page.locator("#table-funds_by_month")).to_be_visible()
    assert "62,000.00" in page.locator("#table-funds_by_month").inner_text()

    page.goto(f"{base}/goals/screen/?year=2024")
    assert page.locator("nav.navbar").count() == 0
    expect(page.locator('[data-chart="map"][data-rendered]')).to_have_count(1)

    page.goto(f"{base}/goals/")
    page.get_by_role("link", name="竞赛榜").first.click()
    page.wait_for_url("**/goals/rankings/2024Q1/**")
    assert published.sha256 in page.locator("[data-hash]").inner_text()
    assert page.locator("table.ranking-table tbody tr").count() == 4
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 PDF（正式通报）").click()
    download = info.value
    target = tmp_path / "notice.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")
    assert not errors, errors
