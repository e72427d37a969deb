"""On a 390×844 phone, each role's home holds on its first screen (the top 844 px) what that
role acts on: the leader the key projects behind schedule and the latest 竞赛榜; the city its
figures; a county its figures and the 待接收 card; the commissioner the work queue; a department
its queue of problems; the auditor the audit log. And the cockpit and the full 竞赛榜 put what a
leader looks for within reach (ranking, 推进滞后; 名次 · 单位 · 总分 without scrolling sideways).

One browser context per role, on one small world (the goals tests' projects, a published
quarter, a pushed lead)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from zhaoshang.core.tests.support import PASSWORD
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.goals.tests.conftest import (  # noqa: F401 (fixtures)
    advance,
    funds,
    investors,
    tags,
    world,
)
from zhaoshang.goals.tests.test_ranking import CONFIG
from zhaoshang.industries.models import ChainNode, Direction, Industry
from zhaoshang.projects.models import Project
from zhaoshang.targeting.services import push_lead

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
L, DCF, CP, GT = "371581", "371502", "371503", "371526"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cockpit is cached by data version; test databases reuse audit ids after a flush."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scene(users, org, request):
    """The goals world (P1 is a key project behind schedule: 主体封顶 due 2024-06-30), 2024Q1
    published, a lead pushed to 临清, P2 served by the commissioner."""
    projects = request.getfixturevalue("world")
    city = users["city"]
    goals_set(
        actor=city,
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, CP: 1000, GT: 1000},
    )
    scheme = scheme_create(actor=city, code="test", name="测试办法", config=CONFIG, is_default=True)
    snapshot_publish(actor=city, scheme=scheme, quarter="2024Q1")
    industry = Industry.objects.create(code="e2e-phone", name="测试产业")
    direction = Direction.objects.create(industry=industry, code="e2e-phone-d", name="测试方向")
    node = ChainNode.objects.create(direction=direction, name="测试环节", stream="midstream")
    lead = enterprise_create(actor=city, name="聊城推送测试企业", division_code="110105")
    push_lead(actor=city, enterprise=lead, unit=org["linqing"], node=node, note="请跟进")
    Project.objects.filter(pk=projects["p2"].pk).update(commissioner=users["commissioner"])
    return projects


def _open(browser, base: str, username: str, path: str = "/"):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    if path != "/":
        page.goto(f"{base}{path}")
    return context, page, errors


def _box(page, selector: str) -> dict[str, float]:
    """The element's box in page coordinates (the page is not scrolled)."""
    element = page.locator(selector).first
    element.wait_for(state="visible")
    box = element.bounding_box()
    assert box is not None, selector
    scroll = page.evaluate("window.scrollY")
    return {**box, "y": box["y"] + scroll, "bottom": box["y"] + scroll + box["height"]}


def _on_first_screen(page, selector: str) -> None:
    box = _box(page, selector)
    assert box["bottom"] <= PHONE["height"], (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


FIRST_SCREEN = {
    # role's login → what the top 844 px must hold whole
    "leader": ["#leader-behind", "#leader-behind [data-behind]", "#leader-ranking"],
    "city": ['[data-figure="funds-verified"]', '[data-figure="verification-queue"]'],
    "linqing": ['[data-figure="funds-verified"]', "#pending-pushes"],
    "commissioner": ["#queue-summary", "#queue-projects"],
    "dept_land": ["#home-new"],
    "auditor": ["#role-title", 'section[aria-labelledby="role-title"] a:has-text("审计日志")'],
}


def test_each_roles_home_holds_what_it_acts_on_in_the_first_phone_screen(
    browser, live_server, users, scene
):
    for username, selectors in FIRST_SCREEN.items():
        context, page, errors = _open(browser, live_server.url, username)
        try:
            for selector in selectors:
                _on_first_screen(page, selector)
            _no_sideways_scroll(page)
            if username == "leader":
                assert "P1 高端轴承基地" in page.locator("#leader-behind").inner_text()
                assert "主体封顶" in page.locator("#leader-behind").inner_text()
                card = page.locator("#leader-ranking").inner_text()
                assert "第1名" in card and "110.00 分" in card
            assert not errors, (username, errors)
        finally:
            context.close()


def test_the_cockpit_and_the_ranking_put_what_a_leader_looks_for_within_reach(
    browser, live_server, users, scene
):
    context, page, errors = _open(browser, live_server.url, "city", "/goals/?year=2024")
    try:
        page.locator('[data-chart="ranking"][data-rendered]').wait_for()
        # the ranking within the first screen or so, 推进滞后 within the second
        assert _box(page, "#cockpit-ranking")["y"] < PHONE["height"]
        assert _box(page, "#cockpit-behind")["y"] < 2 * PHONE["height"]
        page.goto(f"{live_server.url}/goals/rankings/2024Q1/?scheme=test")
        table = "table.ranking-table"
        # 名次 · 单位 · 总分 · 较上期 fit the phone; the indicator columns wait for a tap
        for column in range(1, 5):
            cell = _box(page, f"{table} tbody tr:first-child > :nth-child({column})")
            assert cell["x"] + cell["width"] <= PHONE["width"], column
        assert page.locator(f"{table} td.rk-detail").first.is_hidden()
        assert (
            "110.00 分" in page.locator(f"{table} tbody tr:first-child [data-total]").inner_text()
        )
        page.get_by_role("button", name="显示指标明细").click()
        detail = page.locator(f"{table} tbody tr:first-child td.rk-detail").first
        assert detail.is_visible()
        text = detail.inner_text()  # 东昌府's funds: 48 points for 120% of its goal
        assert text.startswith("48.00 分\n") and text.endswith(" · 120.00%"), text
        # scrolled sideways, 名次 and 单位 stay where they were
        row = f"{table} tbody tr:first-child"
        unit_before, total_before = (
            _box(page, f"{row} th.rk-unit"),
            _box(page, f"{row} [data-total]"),
        )
        page.locator(".table-responsive").first.evaluate("el => { el.scrollLeft = 400; }")
        unit_after, total_after = _box(page, f"{row} th.rk-unit"), _box(page, f"{row} [data-total]")
        assert total_after["x"] < total_before["x"] - 100  # the table did scroll
        assert unit_after["x"] == unit_before["x"]
        assert not errors, errors
    finally:
        context.close()
