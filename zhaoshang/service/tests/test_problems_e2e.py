"""End to end in Debian's chromium, on a phone-sized screen (390×844): a commissioner raises a
problem with a photo from the project page, the land department signs for it and answers, and
the commissioner confirms with a rating."""

import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from zhaoshang.conftest import PASSWORD
from zhaoshang.service.models import Problem
from zhaoshang.service.services.problems import problem_categories_load

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


def test_commissioner_raises_on_a_phone_department_answers_commissioner_confirms(
    browser, live_server, users, make_project, tmp_path
):
    problem_categories_load()
    project = make_project(name="高端精密轴承产业园", commissioner=users["commissioner"])
    photo = tmp_path / "现场.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    try:
        login(page, base, "commissioner")
        page.goto(f"{base}/projects/{project.pk}/")
        page.locator("#panel-problems").get_by_role("link", name="提出问题").click()
        page.wait_for_url("**/service/problems/new/?project=*")
        assert fits_the_screen(page)
        expect(page.locator("select[name=project]")).to_have_value(str(project.pk))
        page.locator("select[name=category]").select_option(label="土地 → 自然资源（10个工作日）")
        page.fill("input[name=title]", "二期用地指标尚未落实")
        page.fill("textarea[name=description]", "二期约120亩建设用地尚无年度指标，影响年内开工")
        page.set_input_files("input[name=photos]", str(photo))
        page.get_by_role("button", name="提交问题").click()
        page.wait_for_url("**/service/problems/*/")
        problem = Problem.objects.get()
        assert (problem.department.code, problem.status, problem.photos.count()) == (
            "zrzy", "raised", 1,
        )  # fmt: skip
        expect(page.locator("#problem-status")).to_contain_text("待签收")
        expect(page.locator("img[alt^='现场照片']")).to_be_visible()
        assert fits_the_screen(page)

        login(page, base, "dept_land")
        expect(page.locator("#home-new")).to_contain_text("二期用地指标尚未落实")
        page.locator("#home-new").get_by_role("link", name="二期用地指标尚未落实").click()
        page.wait_for_url(f"**/service/problems/{problem.pk}/")
        page.locator("[data-step=acknowledge]").click()
        page.locator("#modal-content").get_by_role("button", name="签收").click()
        expect(page.locator("#problem-status")).to_contain_text("办理中")
        page.locator("[data-step=answer]").click()
        page.locator("#modal-content textarea[name=answer]").fill("已纳入本月批次，指标月底前下达")
        page.locator("#modal-content").get_by_role("button", name="答复").click()
        expect(page.locator("#problem-answer")).to_contain_text("指标月底前下达")
        problem.refresh_from_db()
        assert (problem.status, problem.answered_on) == ("answered", timezone.localdate())

        login(page, base, "commissioner")
        page.goto(f"{base}/service/problems/{problem.pk}/")
        page.locator("[data-step=confirm]").click()
        dialog = page.locator("#modal-content")
        dialog.get_by_text("5 非常满意").click()
        dialog.get_by_role("button", name="确认并评价").click()
        expect(page.locator("#problem-satisfaction")).to_have_text("5 分")
        expect(page.locator("#problem-status")).to_contain_text("已确认")
        assert fits_the_screen(page)
        problem.refresh_from_db()
        assert (problem.status, problem.satisfaction) == ("confirmed", 5)
        assert list(problem.events.values_list("kind", flat=True)) == [
            "raise", "acknowledge", "answer", "confirm",
        ]  # fmt: skip
    finally:
        context.close()
