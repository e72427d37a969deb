"""End to end in Debian's chromium on a 390×844 phone: the city filters its verification queue,
previews a receipt full screen, and verifies a record in place (no jump to the top)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from zhaoshang.conftest import PASSWORD, pdf_file
from zhaoshang.projects.models import EvidenceKind, FundsStatus
from zhaoshang.projects.services import EvidenceFile, funds_submit
from zhaoshang.projects.tests.test_verify_queue import months_ago, signed_project
from zhaoshang.projects.tests.test_verify_queue_evidence import png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, has_touch=True
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.add_init_script(LISTEN)
    yield tab
    context.close()


@pytest.fixture
def records(make_project, users, today):
    """临清: three months of 高端轴承基地 (the latest with a PNG receipt); 东昌府: one."""
    bearing = signed_project(make_project, users, "linqing", "高端轴承基地", "20000", today)
    battery = signed_project(make_project, users, "dongchangfu", "新能源电池", "10000", today)

    def submit(project, actor, months, amount, receipt):
        return funds_submit(
            actor=users[actor],
            project=project,
            period=months_ago(today, months),
            amount_wan=Decimal(amount),
            source="own",
            evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, receipt)],
        )

    png = SimpleUploadedFile("回单.png", png_bytes(), content_type="image/png")
    return {
        "a": submit(bearing, "linqing", 2, "1200", pdf_file("进账单.pdf")),
        "b": submit(battery, "dongchangfu", 1, "800", pdf_file("进账单.pdf")),
        "c": submit(bearing, "linqing", 1, "2500", pdf_file("进账单.pdf")),
        "d": submit(bearing, "linqing", 0, "5000", png),
    }


def test_on_a_phone_the_city_filters_previews_and_verifies_in_place(
    phone, live_server, users, records
):
    base = live_server.url
    phone.goto(f"{base}/accounts/login/")
    phone.fill("input[name=username]", "city")
    phone.fill("input[name=password]", PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{base}/")

    phone.goto(f"{base}/projects/funds/verify/")
    expect(phone.locator("#queue-count")).to_have_text("4")
    expect(phone.locator(".queue-row")).to_have_count(4)
    # cards, not a table wider than the phone
    assert phone.locator(".queue-table thead").is_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = phone.locator(".queue-row").first.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > 120

    # filter: 临清 only, then newest first
    phone.select_option("#vq-unit", "371581")
    expect(phone.locator(".queue-row")).to_have_count(3)
    expect(phone.locator("#queue-shown")).to_have_text("3")
    assert "unit=371581" in phone.url
    phone.select_option("#vq-order", "newest")
    first = phone.locator(".queue-row").first
    expect(first).to_have_attribute("id", f"funds-{records['d'].pk}")

    # preview the PNG receipt: full screen on the phone, drawn as an image
    first.get_by_role("link", name="银行进账单：回单.png").click()
    panel = phone.locator("#evidence-panel")
    expect(panel).to_be_visible()
    image = panel.locator("img.evidence-image")
    expect(image).to_be_visible()
    for _ in range(50):  # the page's policy refuses wait_for_function's eval
        if image.evaluate("img => img.complete && img.naturalWidth") == 1:
            break
        phone.wait_for_timeout(100)
    assert image.evaluate("img => img.naturalWidth") == 1
    assert abs(panel.bounding_box()["width"] - PHONE["width"]) < 1  # full screen
    panel.get_by_role("button", name="关闭预览").click()
    expect(panel).to_be_hidden()

    # a PDF: framed, sandboxed by its own response, and not refused by the browser
    row_c = phone.locator(f"#funds-{records['c'].pk}")
    with phone.expect_response(lambda r: r.url.endswith("?inline=1")) as inline:
        row_c.get_by_role("link", name="银行进账单：进账单.pdf").click()
    assert inline.value.status == 200
    frame = panel.locator("iframe.evidence-frame")
    expect(frame).to_be_visible()
    pdf_src = frame.get_attribute("src")
    assert any(f.url.endswith(pdf_src) for f in phone.frames)
    assert not any(f.url.startswith("chrome-error:") for f in phone.frames)
    panel.get_by_role("button", name="关闭预览").click()
    expect(panel).to_be_hidden()

    # verify the last card, scrolled to: the dialog names it, the card leaves, no jump
    row_a = phone.locator(f"#funds-{records['a'].pk}")
    row_a.scroll_into_view_if_needed()
    phone.evaluate("window.scrollBy(0, 40)")
    scrolled = phone.evaluate("window.scrollY")
    assert scrolled > 0
    row_a.get_by_role("link", name="核实").click()
    question = phone.locator("#verify-question")
    period = f"{records['a'].period:%Y-%m}"
    expect(question).to_have_text(f"核实 临清·高端轴承基地 {period} 1,200万元？")
    phone.get_by_role("button", name="确认核实").click()
    expect(row_a).to_have_count(0)
    expect(phone.locator("#modal")).to_be_hidden()
    expect(phone.locator("#queue-count")).to_have_text("3")
    expect(phone.locator("#queue-shown")).to_have_text("2")
    expect(phone.locator("#queue-status")).to_contain_text(f"已核实：临清·高端轴承基地 {period}")
    expect(phone.locator(".queue-row")).to_have_count(2)
    assert phone.evaluate("window.scrollY") > 0  # not back at the top
    assert "unit=371581" in phone.url and "order=newest" in phone.url

    records["a"].refresh_from_db()
    assert (records["a"].status, records["a"].verified_by) == (FundsStatus.VERIFIED, users["city"])
    assert phone.evaluate("window.__csp") == []
