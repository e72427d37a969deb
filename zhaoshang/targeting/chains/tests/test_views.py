"""Chain pages: list, map with its chart data and table, node panel, the city's edits.

The page permission matrix (the shared harness): anonymous → login; a role without the model
permission → 403; an unknown record → 404; the inspector and the counties read but never write.
"""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.concurrency import NEW, version_of
from zhaoshang.core.tests.api_support import audit_actions, last_audit_id
from zhaoshang.core.tests.harness import NOBODY, Page, PagePermissionCases
from zhaoshang.enterprises.models import PlacementStatus, TargetEntry
from zhaoshang.industries.models import ChainEdge, ChainNode
from zhaoshang.targeting.models import GapThresholds

from .chain_support import chain, direction, place

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def objects(org, users, make_project):
    d = direction()
    nodes = chain(
        d, "矿:up 锭:up 板:mid 箔:mid 车:down 包:down", "矿>锭 锭>板 锭>车 板>箔 板>车 箔>包"
    )
    local = place(nodes["锭"], 5, output=40_000)
    place(nodes["板"], 1, output=5_000)
    (outsider,) = place(nodes["箔"], local=False)
    TargetEntry.objects.create(
        year=2024, enterprise=outsider, direction=d, node=nodes["箔"], owner_unit=org["linqing"]
    )
    project = make_project(name="电池箔项目", direction=d, investors=[outsider])
    return {
        "direction": d,
        "nodes": nodes,
        "node": nodes["箔"],
        "edge": ChainEdge.objects.get(source=nodes["板"], target=nodes["箔"]),
        "local": local,
        "project": project,
    }


WRITERS_ONLY = ("inspector", "linqing", "leader", "dept_land", *NOBODY)


class TestChainPages(PagePermissionCases):
    readers = ("linqing", "leader", "dept_land", "inspector", "commissioner")
    post_data = {"name": "审计写入", "stream": "upstream", "sort_order": 0, "fill_below": 3}
    pages = [
        Page("industries:list"),
        Page("industries:map", "direction"),
        Page("industries:node", "node"),
        Page("industries:node-create", "direction", write=True, denied=WRITERS_ONLY),
        Page("industries:node-edit", "node", write=True, denied=WRITERS_ONLY),
        Page("industries:node-delete", "node", write=True, denied=WRITERS_ONLY),
        Page("industries:edge-create", "direction", write=True, denied=WRITERS_ONLY),
        Page("industries:edge-delete", "edge", write=True, denied=WRITERS_ONLY),
        Page("industries:thresholds", write=True, denied=WRITERS_ONLY),
    ]

    def footprint(self) -> tuple:
        return (
            *super().footprint(),
            ChainNode.objects.count(),
            ChainEdge.objects.count(),
            GapThresholds.objects.exists(),
        )


@pytest.mark.parametrize("name", ["industries:map", "industries:node", "industries:node-edit"])
def test_unknown_records_are_404(client, users, objects, name):
    client.force_login(users["city"])
    assert client.get(reverse(name, args=[99999])).status_code == 404


def test_chain_list_groups_directions_by_industry_with_gap_counts(client, users, objects):
    client.force_login(users["linqing"])
    response = client.get(reverse("industries:list"))
    html = response.content.decode()
    assert "有色金属" in html and "铝精深加工" in html
    assert reverse("industries:map", args=[objects["direction"].pk]) in html
    groups = response.context["groups"]
    (industry, analyses) = groups[0]
    assert industry.name == "有色金属"
    assert analyses[0].gap_counts() == {
        "build": 0, "extend": 1, "fill": 3, "strengthen": 1, "strong": 1,
    }  # fmt: skip
    assert "缺链分析阈值" not in html  # only the city edits thresholds


def test_chain_map_draws_three_columns_with_colours_markers_and_a_table(client, users, objects):
    client.force_login(users["linqing"])
    response = client.get(reverse("industries:map", args=[objects["direction"].pk]))
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "//cdn" not in html
    chart = response.context["chart"]
    by_name = {n["name"]: n for n in chart["nodes"]}
    assert {n["col"] for n in chart["nodes"]} == {0, 1, 2}
    assert (by_name["矿"]["col"], by_name["板"]["col"], by_name["包"]["col"]) == (0, 1, 2)
    assert (by_name["矿"]["row"], by_name["锭"]["row"], by_name["板"]["row"]) == (0, 1, 0)
    assert chart["rows"] == 2
    assert (by_name["锭"]["gap"], by_name["板"]["gap"], by_name["箔"]["gap"]) == (
        "strong",
        "strengthen",
        "fill",
    )
    assert (by_name["矿"]["gap"], by_name["车"]["gap"], by_name["包"]["gap"]) == (
        "fill",
        "extend",
        "fill",
    )
    # colour by local strength, border and symbol by gap kind
    assert by_name["锭"]["itemStyle"]["color"] != by_name["矿"]["itemStyle"]["color"]
    assert by_name["锭"]["symbol"] == "circle" and by_name["箔"]["symbol"] == "triangle"
    assert len(chart["links"]) == 6 and len(chart["categories"]) == 5
    data = json.loads(
        html.split('id="chain-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert len(data["nodes"]) == 6
    # the table behind the chart
    assert 'id="chain-nodes-table"' in html
    assert html.count('<tr data-node="') == 6
    assert "填充色 · 本地企业数量" in html and "形状和边框 · 缺链类型" in html
    assert "新增环节" not in html  # a county reads, the city edits


def test_extend_follows_the_strong_anchor(client, users, objects):
    """锭 (5 firms, 200,000 万元) is an anchor: 车, which it supplies, is 延链; 箔 and 包 are not."""
    client.force_login(users["city"])
    response = client.get(reverse("industries:map", args=[objects["direction"].pk]))
    gaps = {g.node.name: g.gap for g in response.context["analysis"].nodes}
    assert gaps == {
        "矿": "fill",  # missing; it supplies the anchor but is not supplied by it
        "锭": "strong",
        "板": "strengthen",
        "箔": "fill",  # missing, supplied by 板, which is not strong
        "车": "extend",
        "包": "fill",
    }


def test_node_panel_lists_local_targets_projects_and_the_recommendation_slot(
    client, users, objects
):
    client.force_login(users["linqing"])
    node = objects["node"]
    response = client.get(
        reverse("industries:node", args=[node.pk]), HTTP_HX_TARGET="node-panel", **HX
    )
    html = response.content.decode()
    assert "<html" not in html  # the partial only
    assert f'<div id="node-recommendations" data-node="{node.pk}">' in html
    assert f'href="/targeting/?node={node.pk}"' in html
    assert "电池箔项目" in html and "重点目标 2024" in html
    assert response.context["outside_total"] == 1

    panel = client.get(
        reverse("industries:node", args=[objects["nodes"]["锭"].pk]),
        HTTP_HX_TARGET="node-panel",
        **HX,
    )
    assert {e.pk for e in panel.context["local_enterprises"]} == {e.pk for e in objects["local"]}

    # Without htmx: a full page with the same panel; the map preselects it with ?node=.
    full = client.get(reverse("industries:node", args=[node.pk]))
    assert "<html" in full.content.decode() and "node-recommendations" in full.content.decode()
    page = client.get(
        reverse("industries:map", args=[objects["direction"].pk]) + f"?node={node.pk}"
    )
    assert page.context["selected"].node == node and "node-recommendations" in page.content.decode()


def test_another_county_sees_the_node_but_not_the_other_countys_projects_or_targets(
    client, users, objects
):
    client.force_login(users["dongchangfu"])
    response = client.get(
        reverse("industries:node", args=[objects["node"].pk]), HTTP_HX_TARGET="node-panel", **HX
    )
    html = response.content.decode()
    assert "电池箔项目" not in html and "重点目标" not in html
    assert response.context["gap"].pipeline_projects == 0
    client.force_login(users["linqing"])
    response = client.get(
        reverse("industries:node", args=[objects["node"].pk]), HTTP_HX_TARGET="node-panel", **HX
    )
    assert response.context["gap"].pipeline_projects == 1


def test_city_adds_edits_and_deletes_a_node_each_audited(client, users, objects):
    client.force_login(users["city"])
    d = objects["direction"]
    since = last_audit_id()
    dialog = client.get(
        reverse("industries:node-create", args=[d.pk]), HTTP_HX_TARGET="modal-content", **HX
    )
    assert dialog.status_code == 200 and "<html" not in dialog.content.decode()

    response = client.post(
        reverse("industries:node-create", args=[d.pk]),
        {
            "name": "再生铝",
            "stream": "upstream",
            "keywords": "再生铝，废铝",
            "industry_codes": "4210",
            "sort_order": 5,
        },
    )
    node = ChainNode.objects.get(direction=d, name="再生铝")
    assert response.status_code == 302
    assert response["Location"] == reverse("industries:map", args=[d.pk]) + f"?node={node.pk}"
    assert node.keywords == ["再生铝", "废铝"]

    response = client.post(
        reverse("industries:node-edit", args=[node.pk]),
        {
            "name": "再生铝及废铝回收",
            "stream": "upstream",
            "keywords": "再生铝",
            "industry_codes": "4210 3216",
            "sort_order": 5,
            "version": version_of(node),
        },
        **HX,
    )
    assert response.status_code == 200 and response["HX-Redirect"].endswith(f"?node={node.pk}")
    node.refresh_from_db()
    assert (node.name, node.industry_codes) == ("再生铝及废铝回收", ["4210", "3216"])

    response = client.post(reverse("industries:node-delete", args=[node.pk]))
    assert response.status_code == 302
    assert not ChainNode.objects.filter(pk=node.pk).exists()
    assert audit_actions(since) == ["create", "update", "delete"]


def test_node_errors_show_at_their_field(client, users, objects):
    client.force_login(users["city"])
    d = objects["direction"]
    response = client.post(
        reverse("industries:node-create", args=[d.pk]),
        {"name": "矿", "stream": "upstream", "industry_codes": "32x", "sort_order": 0},
        HTTP_HX_TARGET="modal-content",
        **HX,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors
    response = client.post(
        reverse("industries:node-create", args=[d.pk]),
        {"name": "新环节", "stream": "upstream", "industry_codes": "32x", "sort_order": 0},
    )
    assert "industry_codes" in response.context["form"].errors
    assert "不是有效的国民经济行业代码" in response.content.decode()


def test_delete_refused_while_people_decided_shows_the_reason(client, users, objects):
    client.force_login(users["city"])
    node = objects["nodes"]["锭"]  # five confirmed placements
    response = client.post(reverse("industries:node-delete", args=[node.pk]))
    assert response.status_code == 200
    assert "人工确认" in response.content.decode()
    assert ChainNode.objects.filter(pk=node.pk).exists()


def test_city_adds_and_removes_edges_each_audited(client, users, objects):
    client.force_login(users["city"])
    d, nodes = objects["direction"], objects["nodes"]
    since = last_audit_id()
    dialog = client.get(
        reverse("industries:edge-create", args=[d.pk]) + f"?source={nodes['包'].pk}"
    )
    assert dialog.context["form"].initial["source"] == nodes["包"].pk
    response = client.post(
        reverse("industries:edge-create", args=[d.pk]),
        {"source": nodes["包"].pk, "target": nodes["锭"].pk, "note": "易拉罐回收"},
    )
    assert response.status_code == 302
    edge = ChainEdge.objects.get(source=nodes["包"], target=nodes["锭"])
    # a duplicate is refused at the target field
    response = client.post(
        reverse("industries:edge-create", args=[d.pk]),
        {"source": nodes["包"].pk, "target": nodes["锭"].pk},
    )
    assert "target" in response.context["form"].errors
    # a node of another chain is not even offered
    other = chain(direction("cu", "铜"), "X:up")
    response = client.post(
        reverse("industries:edge-create", args=[d.pk]),
        {"source": nodes["包"].pk, "target": other["X"].pk},
    )
    assert "target" in response.context["form"].errors
    response = client.post(reverse("industries:edge-delete", args=[edge.pk]))
    assert response.status_code == 302
    assert audit_actions(since) == ["create", "delete"]


def test_city_edits_thresholds_and_the_map_follows(client, users, objects):
    client.force_login(users["city"])
    d, nodes = objects["direction"], objects["nodes"]
    map_url = reverse("industries:map", args=[d.pk])

    def gap(name):
        response = client.get(map_url)
        return {g.node.name: g.gap for g in response.context["analysis"].nodes}[name]

    assert gap("板") == "strengthen"
    since = last_audit_id()
    data = {
        "fill_below": 1,
        "strengthen_below": 1,
        "strengthen_output_below_wan": "1000",
        "strong_min_enterprises": 5,
        "build_chain_below_share": "0.20",
        "placement_min_confidence": "0.600",
        "next": map_url,
        "version": NEW,
    }
    response = client.post(reverse("industries:thresholds"), data)
    assert response.status_code == 302 and response["Location"] == map_url
    assert gap("板") == "strong"
    assert audit_actions(since) == ["create"]

    bad = {
        **data,
        "fill_below": 3,
        "strengthen_below": 2,
        "next": "https://evil.example/",
        "version": version_of(GapThresholds.objects.get()),
    }
    response = client.post(reverse("industries:thresholds"), bad)
    assert response.status_code == 200
    assert "strengthen_below" in response.context["form"].errors
    assert response.context["back_url"] == reverse("industries:list")
    assert GapThresholds.objects.get().fill_below == 1
    assert Decimal(GapThresholds.objects.get().strengthen_output_below_wan) == 1000
    place(nodes["箔"], 1, status=PlacementStatus.CONFIRMED, output=1)
    assert gap("包") == "fill"  # 箔 has 1 firm but output 1 < 1000 → strengthen; 包 not extend
