"""End to end in Debian's chromium: every role walks the main pages under the
Content-Security-Policy and the browser refuses nothing (no `securitypolicyviolation` event, no
"Content Security Policy" message in the console, no script error); the charts still draw, the
htmx swaps, the chain map's click, the confirm dialogs and the API docs still work."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from zhaoshang.goals.services import scheme_create
from zhaoshang.goals.tests.test_ranking import CONFIG
from zhaoshang.portal.tests.test_url_matrix import objects, path_of  # noqa: F401
from zhaoshang.projects.services import funds_verify
from zhaoshang.projects.tests.test_e2e_lifecycle import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = (
    "portal:home",
    "projects:list",
    "projects:detail",
    "projects:create",
    "projects:edit",
    "projects:funds-list",
    "projects:verify-queue",
    "industries:list",
    "industries:map",
    "industries:node",
    "targeting:recommend",
    "targeting:inbox",
    "enterprises:list",
    "enterprises:detail",
    "enterprises:targets",
    "enterprises:contact-edit",
    "goals:cockpit",
    "goals:unit",
    "goals:rankings",
    "goals:screen",
    "goals:periods",
    "core:audit-log",
    "core:audit-admin",
    "accounts:user-list",
    "accounts:user-edit",
    "accounts:role-list",
    "accounts:account",
    "accounts:password-change",
    "accounts:approval-queue",
    "accounts:lockouts",
)

# Recorded in every document before its own scripts run; read back before leaving the page.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(users, objects):  # noqa: F811
    """The matrix's records, their funds verified (the project page's chart), a ranking scheme."""
    funds_verify(actor=users["city2"], record=objects["funds"])
    scheme_create(actor=users["city"], code="test", name="测试办法", config=CONFIG, is_default=True)
    return objects


class Refusals:
    """Everything the browser refused or failed on, page by page."""

    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.found.append(f"{page.url}: script error {exc}"))

    def _console(self, message) -> None:
        text = message.text
        if ("Content Security Policy" in text or "Refused to" in text) and not _outside(text):
            self.found.append(f"{self.page.url}: {text}")

    def collect(self) -> None:
        events = self.page.evaluate("window.__csp || []")
        self.found += [f"{self.page.url}: {event}" for event in events if not _outside(event)]


def _outside(text: str) -> bool:
    """Redoc's footer logo from its CDN: refused on purpose (the intranet has no outside call)."""
    return "https://cdn.redoc.ly/" in text


def visit(page, refusals: Refusals, url: str) -> None:
    response = page.goto(url)
    assert "content-security-policy" in response.headers, url
    page.wait_for_load_state("networkidle")
    refusals.collect()


def test_every_role_walks_the_main_pages_without_a_policy_refusal(page, live_server, users, site):
    base = live_server.url
    refusals = Refusals(page)
    # one user of each role the fixtures make (a role added later is walked too)
    walkers = {user.role: name for name, user in reversed(users.items()) if user.role}
    assert len(walkers) >= 7
    for username in sorted(walkers.values()):
        login(page, base, username)
        for name in PAGES:
            visit(page, refusals, base + path_of(name, site))
        page.context.clear_cookies()
    assert refusals.found == [], "\n".join(refusals.found)


def test_the_city_uses_charts_swaps_dialogs_and_the_api_docs_under_the_policy(
    page, live_server, users, site
):
    base = live_server.url
    refusals = Refusals(page)
    login(page, base, "city")

    # the home page's chart draws and its tooltip (HTML with style attributes) shows
    visit(page, refusals, base + "/")
    chart = page.locator("#stage-chart canvas")
    expect(chart).to_have_count(1)
    chart.hover(position={"x": 80, "y": 100})
    refusals.collect()

    # the project's funds chart (a static script now) draws
    visit(page, refusals, base + path_of("projects:detail", site))
    expect(page.locator("#funds-chart canvas")).to_have_count(1)

    # the project list's filters are swapped in by htmx and drop the empty conditions
    visit(page, refusals, base + path_of("projects:list", site))
    with page.expect_request(lambda r: "/projects/" in r.url and "is_key=" in r.url) as sent:
        page.select_option("#f-key", index=1)
    assert "q=" not in sent.value.url
    page.wait_for_load_state("networkidle")
    refusals.collect()

    # the cockpit's map is swapped for another indicator; its download link follows
    visit(page, refusals, base + path_of("goals:cockpit", site))
    page.select_option("#map-indicator", "new_started_over_100m")
    expect(page.locator('#map-panel[data-indicator="new_started_over_100m"]')).to_have_count(1)
    link = page.locator('a[data-download="map"]')
    link.dispatch_event("click")
    assert "indicator=new_started_over_100m" in link.get_attribute("href")
    refusals.collect()

    # the year choice sends its form without an inline handler
    with page.expect_navigation():
        page.select_option("select#year", index=1)
    refusals.collect()

    # the ranking's quarter choice opens that quarter's page (a static script, no inline handler)
    visit(page, refusals, base + path_of("goals:rankings", site))
    quarters = page.locator("#quarter option")
    last = quarters.nth(quarters.count() - 1).get_attribute("value")
    with page.expect_navigation(url=f"**/goals/rankings/{last}/**"):
        page.select_option("#quarter", last)
    refusals.collect()

    # the chain map draws; a click on a node loads its panel through htmx
    visit(page, refusals, base + path_of("industries:map", site))
    expect(page.locator("#chain-chart canvas")).to_have_count(1)
    page.evaluate(
        "window.zhaoshangChainChart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})"
    )
    refusals.collect()

    # a delete asks first; dismissing the dialog keeps the record
    visit(page, refusals, base + path_of("enterprises:targets", site))
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="移出").first.click()
    assert asked == ["将该企业移出重点目标名单？"]
    assert page.get_by_role("button", name="移出").count() == 1
    refusals.collect()

    # the API docs run Swagger UI and Redoc from the server's own files
    visit(page, refusals, base + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("招商 Zhaoshang API")
    refusals.collect()
    visit(page, refusals, base + "/api/redoc/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("招商 Zhaoshang API")
    refusals.collect()

    assert refusals.found == [], "\n".join(refusals.found)
