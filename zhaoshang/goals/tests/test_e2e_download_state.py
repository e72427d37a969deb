"""End to end in Debian's chromium: the ranking's PDF link says 正在生成… while the notice is
made, a second click sends nothing, and the link comes back once the download has started."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.goals.tests.test_ranking import CONFIG
from zhaoshang.projects.tests.test_e2e_lifecycle import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_pdf_link_shows_it_is_being_made_and_takes_one_click(page, live_server, users, world):
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={"371581": 10000, "371502": 50000, "371503": 1000, "371526": 1000},
    )
    scheme = scheme_create(
        actor=users["city"], code="test", name="测试办法", config=CONFIG, is_default=True
    )
    snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "notice.pdf" in r.url else None)
    login(page, base, "city")
    page.goto(f"{base}/goals/rankings/2024Q1/?scheme=test")
    link = page.locator('a[data-download="pdf"]')
    expect(link).to_have_text("下载 PDF（正式通报）")

    with page.expect_download() as info:
        # two clicks in a row (the second while the notice is made), the link read in between
        state = page.evaluate(
            """() => {
              const link = document.querySelector('a[data-download="pdf"]');
              link.click();
              const busy = [link.textContent, link.getAttribute("aria-busy"),
                            link.querySelectorAll(".spinner-border").length];
              link.click();
              return busy;
            }"""
        )
    assert state == ["正在生成…", "true", 1]
    assert info.value.suggested_filename.endswith(".pdf")
    expect(link).to_have_text("下载 PDF（正式通报）", timeout=5_000)
    expect(link).not_to_have_attribute("aria-busy", "true")
    assert len(asked) == 1 and "scheme=test" in asked[0] and "download_token=" in asked[0]
    assert "download_token" not in page.evaluate("document.cookie")
    assert not errors, errors
