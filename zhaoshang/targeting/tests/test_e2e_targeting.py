"""End to end in Debian's chromium: the city opens the aluminium chain map, clicks the gap node
铝箔, follows its recommendations, pushes the first one to 茌平区 (choosing the unit, a note and
a deadline, then confirming); a 茌平区 user logs in, sees the 待接收 badge and the home card,
accepts in the inbox, and finds the lead among the unit's projects, with the explanation."""

import pytest
from playwright.sync_api import expect

from zhaoshang.conftest import PASSWORD
from zhaoshang.demo.chains import chains_demo_setup
from zhaoshang.enterprises.tests.chain_support import place
from zhaoshang.industries.models import Direction, Industry
from zhaoshang.projects.models import AttractionMode, Project, Stage
from zhaoshang.targeting.models import LeadPush
from zhaoshang.targeting.placement.services import placement_run

from .conftest import enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def logout(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/**")


def click_node(page, node_id: int) -> None:
    point = page.evaluate(
        """(id) => {
            const chart = window.zhaoshangChainChart;
            const node = chart.getOption().series[0].data.find((n) => n.id === String(id));
            return chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]);
        }""",
        node_id,
    )
    box = page.locator("#chain-chart").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


@pytest.fixture
def aluminium(users, chiping_user):
    industry = Industry.objects.create(code="nonferrous", name="有色金属")
    al = Direction.objects.create(industry=industry, code="nonferrous-al", name="铝精深加工")
    chains_demo_setup(actor=users["city"])
    nodes = {n.name: n for n in al.chain_nodes.all()}
    for name in ("电解铝", "氧化铝", "铝合金锭及铝棒", "铝型材（挤压）"):
        place(nodes[name], 6, output=50_000)
    place(nodes["铝板带"], 1, output=1_000)
    outside = [
        enterprise("江苏鼎新电池铝箔有限公司", "320282", tags=["listed"], revenue_band="lt1e6",
                   business_scope="电池铝箔、双零箔的研发、生产与销售；有色金属压延加工"),
        enterprise("河南新乡铝箔科技有限公司", "410702", revenue_band="lt1e5",
                   business_scope="铝箔轧制；药用铝箔、单零箔的生产和销售"),
        enterprise("广东佛山铝型材有限公司", "440604",
                   business_scope="建筑铝型材、工业铝型材的挤压与销售"),
    ]  # fmt: skip
    placement_run(enterprises=outside, semantic_mode="off")
    return al, nodes, outside


def test_city_pushes_a_gap_recommendation_and_the_county_sees_the_lead(
    page, live_server, aluminium
):
    al, nodes, outside = aluminium
    foil = nodes["铝箔"]
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/chains/{al.pk}/")
    expect(page.locator("#chain-chart canvas")).to_be_visible()
    expect(page.locator(f"tr[data-node='{foil.pk}']")).to_have_attribute("data-gap", "fill")
    click_node(page, foil.pk)
    expect(page.locator("#node-panel-title")).to_have_text("铝箔")
    page.get_by_role("link", name="查看本环节招商推荐").click()
    page.wait_for_url(f"**/targeting/?node={foil.pk}")

    rows = page.locator("#recommendations tr.rec-row")
    expect(rows).to_have_count(2)  # the two foil makers; the profile maker sits elsewhere
    first = rows.first
    chosen = next(e for e in outside if e.pk == int(first.get_attribute("data-enterprise")))
    expect(first).to_contain_text(chosen.name)
    first.get_by_role("button", name="理由").click()
    why = page.locator(f"#why-{chosen.pk}")
    expect(why.locator("tr[data-factor='chain_fit']")).to_contain_text("自动归入「铝箔」")
    expect(why.locator("tr[data-factor='geography']")).to_contain_text("高铁")
    first.get_by_role("link", name="推送").click()
    dialog = page.locator("#modal-content")
    expect(dialog.locator("select[name=unit]")).to_have_value("")  # no unit chosen for the city
    dialog.get_by_role("button", name="下一步：确认").click()
    expect(dialog.locator("#id_unit_error_1")).to_have_text("请选择接收单位")
    dialog.locator("select[name=unit]").select_option(label="茌平区")
    dialog.locator("textarea[name=note]").fill("对方有意在鲁西布局电池铝箔")
    dialog.locator("input[name=deadline_workdays]").fill("5")
    dialog.get_by_role("button", name="下一步：确认").click()
    expect(dialog.locator("#push-confirm")).to_contain_text(
        f"确认将「{chosen.name}」推送至「茌平区」？"
    )
    dialog.get_by_role("button", name="确认推送").click()
    page.wait_for_url(f"**/targeting/?node={foil.pk}")
    expect(page.locator(f"tr[data-enterprise='{chosen.pk}'] .push-cell")).to_contain_text(
        "已推送至茌平区"
    )
    push = LeadPush.objects.get()
    assert (push.enterprise, push.unit.code, push.note) == (
        chosen, "371503", "对方有意在鲁西布局电池铝箔",
    )  # fmt: skip
    assert push.project is None and not Project.objects.exists()
    logout(page)

    login(page, base, "chiping")
    expect(page.locator("#pushes-badge")).to_contain_text("1")
    card = page.locator("#pending-pushes")
    expect(card).to_contain_text(chosen.name)
    expect(card).to_contain_text(f"期限 {push.deadline:%Y-%m-%d}")
    page.locator("#nav-pushes").click()
    row = page.locator(f"#push-{push.pk}")
    expect(row).to_contain_text(chosen.name)
    expect(row).to_contain_text("待接收")
    expect(row).to_contain_text("对方有意在鲁西布局电池铝箔")
    row.locator("input[name=note]").fill("本周电话联系")
    row.get_by_role("button", name="接收").click()
    expect(page.locator(f"#push-{push.pk}")).to_contain_text("已接收")
    project = Project.objects.get()
    assert (project.unit.code, project.stage, project.attraction_mode) == (
        "371503", Stage.LEAD, AttractionMode.DIGITAL,
    )  # fmt: skip
    assert list(project.investors.all()) == [chosen]
    assert "产业链匹配" in project.description
    page.goto(f"{base}/projects/")
    expect(page.get_by_text(project.name)).to_be_visible()
    page.goto(f"{base}/")
    expect(page.locator("#pushes-badge")).to_have_count(0)
    logout(page)

    login(page, base, "city")  # the city sees the status, not the unit's buttons
    page.goto(f"{base}/targeting/inbox/")
    row = page.locator(f"#push-{push.pk}")
    expect(row.locator(".push-status")).to_have_text("已接收")
    expect(row.get_by_role("button")).to_have_count(0)
