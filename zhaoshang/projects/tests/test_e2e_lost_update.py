"""End to end in Debian's chromium: the lost update of issue 9 §5 no longer happens.

临清 staff and the city open the same project's edit page; the city saves a new total
investment and team first; the county's stale page then saves its own: it is refused with what
changed, nothing of it is written, and a second save, after reading the conflict, goes through.
"""

from decimal import Decimal

import pytest

from zhaoshang.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def second_page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def test_a_stale_edit_page_does_not_overwrite_the_other_users_save(
    page, second_page, live_server, users, make_project
):
    project = make_project(name="高端精密轴承产业园", total_investment_wan=Decimal("20000"))
    base, edit = live_server.url, f"{live_server.url}/projects/{project.pk}/edit/"
    county, city = page, second_page
    login(county, base, "linqing")
    login(city, base, "city")
    county.goto(edit)
    city.goto(edit)

    city.fill("input[name=total_investment_wan]", "45000")
    city.fill("input[name=team]", "王五")
    city.locator("form button.btn-primary", has_text="保存").click()
    city.wait_for_url(f"**/projects/{project.pk}/")

    county.fill("input[name=total_investment_wan]", "30000")
    county.fill("input[name=team]", "张三、李四")
    county.locator("form button.btn-primary", has_text="保存").click()
    alert = county.locator("#form-errors")
    alert.wait_for()
    text = alert.inner_text()
    assert "他人已修改了此记录，本次未保存任何内容" in text
    assert "总投资（万元）：您填写“30000”，他人已改为“45000”" in text
    assert "工作团队：您填写“张三、李四”，他人已改为“王五”" in text
    project.refresh_from_db()
    assert (project.total_investment_wan, project.team) == (Decimal("45000"), "王五")
    assert county.locator("input[name=total_investment_wan].is-invalid").count() == 1

    county.locator("form button.btn-primary", has_text="保存").click()  # on purpose, now
    county.wait_for_url(f"**/projects/{project.pk}/")
    project.refresh_from_db()
    assert (project.total_investment_wan, project.team) == (Decimal("30000"), "张三、李四")
