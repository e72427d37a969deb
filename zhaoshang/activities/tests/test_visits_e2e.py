"""End to end in Debian's chromium, on a phone-sized screen (390×844): a county's staff enter a
visit on the road — the enterprise found by search, the draft surviving a reload, the conflict
with another unit's visit acknowledged — and the saved visit's page forgets the draft."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhaoshang.activities.models import Visit
from zhaoshang.activities.services import ParticipantInput, visit_create
from zhaoshang.conftest import PASSWORD
from zhaoshang.enterprises.models import Enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_county_enters_a_visit_on_a_phone_with_a_draft_and_an_acknowledged_conflict(
    browser, live_server, users
):
    today = timezone.localdate()
    haier = Enterprise.objects.create(name="海尔智家股份有限公司", division_code="370212")
    visit_create(
        actor=users["dongchangfu"], date=today - dt.timedelta(days=2), enterprises=[haier],
        outcome="advancing", participants=[ParticipantInput(name="东昌府科长")],
    )  # fmt: skip
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    try:
        login(page, base, "linqing")
        page.goto(f"{base}/visits/new/")
        assert fits_the_screen(page)
        page.fill("#enterprise_q", "海尔智家")
        page.locator("#visit-enterprise-results input[name=enterprises]").click()
        expect(page.locator("#visit-enterprises-selected")).to_contain_text("海尔智家股份有限公司")
        page.fill("input[name=participant_1_name]", "张县长")
        page.locator("select[name=participant_1_level]").select_option(label="县党政主要负责同志")
        page.fill("input[name=purpose]", "洽谈智能家电配套项目")

        page.reload()  # the connection dropped, the tab was closed: the draft is still here
        expect(page.locator("#visit-draft-note")).to_be_visible()
        expect(page.locator("input[name=purpose]")).to_have_value("洽谈智能家电配套项目")
        expect(page.locator("input[name=participant_1_name]")).to_have_value("张县长")
        expect(page.locator("#visit-enterprises-selected")).to_contain_text("海尔智家股份有限公司")

        page.locator("select[name=outcome]").select_option(label="在谈推进")
        page.get_by_role("button", name="保存拜访").click()
        expect(page.locator("#visit-conflicts")).to_contain_text(
            "海尔智家股份有限公司：另一单位已于 2 天内拜访该企业"
        )
        assert Visit.objects.count() == 1
        assert fits_the_screen(page)
        page.get_by_label("我已知晓以上提示，仍要保存").check()
        page.get_by_role("button", name="确认并保存").click()
        page.wait_for_url("**/visits/*/?saved=new")
        visit = Visit.objects.exclude(unit__code="371502").get()
        assert (visit.unit.code, visit.outcome, visit.purpose) == (
            "371581", "advancing", "洽谈智能家电配套项目",
        )  # fmt: skip
        assert sorted(visit.participants.values_list("name", "level")) == [
            ("linqing", "staff"), ("张县长", "county_main"),
        ]  # fmt: skip
        expect(page.locator("#visit-participants")).to_contain_text("张县长（县党政主要负责同志）")
        assert page.evaluate("window.localStorage.getItem('visit-draft-new')") is None
        assert fits_the_screen(page)
        page.goto(f"{base}/visits/new/")
        expect(page.locator("#visit-draft-note")).to_be_hidden()
    finally:
        context.close()
