"""End to end in Debian's chromium: the aluminium chain map, a click on a gap node opens its
panel (with the recommendations slot), and the city adds a node through the dialog."""

import pytest
from playwright.sync_api import expect

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.support import PASSWORD
from zhaoshang.demo.chains import chains_demo_setup
from zhaoshang.industries.models import ChainNode, Direction, Industry

from .chain_support import place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def aluminium(users):
    industry = Industry.objects.create(code="nonferrous", name="有色金属")
    al = Direction.objects.create(industry=industry, code="nonferrous-al", name="铝精深加工")
    chains_demo_setup(actor=users["city"])
    nodes = {n.name: n for n in al.chain_nodes.all()}
    for name in ("电解铝", "氧化铝", "铝合金锭及铝棒", "铝型材（挤压）"):
        place(nodes[name], 6, output=50_000)
    place(nodes["铝板带"], 1, output=1_000)
    return al, nodes


def click_node(page, node_id: int) -> None:
    """Click a node of the ECharts graph at its pixel position on the canvas."""
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


def test_click_a_gap_node_then_the_city_adds_a_node(page, live_server, aluminium):
    al, nodes = aluminium
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/chains/")
    page.get_by_role("link", name="铝精深加工").click()
    page.wait_for_url(f"**/chains/{al.pk}/")
    expect(page.locator("#chain-chart canvas")).to_be_visible()
    expect(page.locator("#chain-nodes-table tbody tr")).to_have_count(21)
    # 铝箔 is missing right below 铝板带 (weak), 汽车轻量化铝部件 below 铝型材 (strong): 延链.
    expect(page.locator(f"tr[data-node='{nodes['汽车轻量化铝部件'].pk}']")).to_have_attribute(
        "data-gap", "extend"
    )
    gap_node = nodes["铝箔"]
    expect(page.locator(f"tr[data-node='{gap_node.pk}']")).to_have_attribute("data-gap", "fill")

    click_node(page, gap_node.pk)
    panel = page.locator("#node-panel")
    expect(panel.locator("#node-panel-title")).to_have_text("铝箔")
    expect(panel.locator("#node-recommendations")).to_have_attribute("data-node", str(gap_node.pk))
    expect(panel.get_by_role("link", name="查看本环节招商推荐")).to_have_attribute(
        "href", f"/targeting/?node={gap_node.pk}"
    )
    assert page.url.endswith(f"?node={gap_node.pk}")

    page.get_by_role("link", name="新增环节").click()
    dialog = page.locator("#modal-content")
    dialog.locator("input[name=name]").fill("铝灰资源化")
    dialog.locator("select[name=stream]").select_option("downstream")
    dialog.locator("textarea[name=keywords]").fill("铝灰，二次铝灰、资源化")
    dialog.locator("input[name=industry_codes]").fill("4220")
    dialog.get_by_role("button", name="保存").click()
    expect(page.locator("#chain-nodes-table tbody tr")).to_have_count(22)
    expect(page.locator("#node-panel-title")).to_have_text("铝灰资源化")
    node = ChainNode.objects.get(direction=al, name="铝灰资源化")
    assert node.keywords == ["铝灰", "二次铝灰", "资源化"]
    assert page.url.endswith(f"?node={node.pk}")
    assert AuditEntry.objects.filter(object_id=str(node.pk), action="create").exists()


GEOMETRY = """() => {
    const chart = window.zhaoshangChainChart;
    const box = (el) => {
        const rect = el.getBoundingRect().clone();
        rect.applyTransform(el.getComputedTransform());
        return {x: rect.x, y: rect.y, width: rect.width, height: rect.height};
    };
    const legend = chart.getViewOfComponentModel(chart.getModel().getComponent("legend")).group;
    const series = chart.getModel().getSeriesByIndex(0);
    const data = series.getData();
    const nodes = [];
    data.each((i) => {
        const item = data.getItemGraphicEl(i);
        const symbol = item.getSymbolPath ? item.getSymbolPath() : item;
        const label = symbol.getTextContent() || item.getTextContent();
        nodes.push({name: data.getName(i), symbol: box(symbol), text: label.style.text,
                    labelWidth: label.style.width, overflow: label.style.overflow,
                    align: label.style.align});
    });
    return {width: chart.getWidth(), legend: box(legend), nodes: nodes};
}"""


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_on_a_phone_the_legend_covers_no_node_and_no_label_is_cut(browser, live_server, aluminium):
    al, _nodes = aluminium
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server.url, "city")
        page.goto(f"{live_server.url}/chains/{al.pk}/")
        expect(page.locator("#chain-chart canvas")).to_be_visible()
        geometry = page.evaluate(GEOMETRY)
    finally:
        context.close()
    legend = geometry["legend"]
    assert legend["height"] > 0 and legend["y"] >= 0
    assert len(geometry["nodes"]) == 21
    for node in geometry["nodes"]:
        # the legend is above every node (the labels sit below their nodes)
        assert not overlaps(legend, node["symbol"]), node["name"]
        assert node["symbol"]["y"] >= legend["y"] + legend["height"], node["name"]
        # the label wraps within a width that, centred under its node, stays on the canvas:
        # no name is cut at the edge of a phone (the full name is in the label and the tooltip)
        centre = node["symbol"]["x"] + node["symbol"]["width"] / 2
        assert (node["align"], node["overflow"]) == ("center", "breakAll"), node["name"]
        assert node["labelWidth"] / 2 <= min(centre, geometry["width"] - centre), node["name"]
        assert node["text"].split("\n")[0] == node["name"]
