"""A link that several chains share (滚子 in 高端轴承 and in 轴承零部件) is one link to placement:
its nodes do not compete for the confidence, each gets the link's confidence, and a person's
decision on one of them still wins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.enterprises.models import Placement, PlacementSource, PlacementStatus
from zhaoshang.industries.models import ChainNode, Direction, Industry
from zhaoshang.targeting.placement.classifier import Classifier
from zhaoshang.targeting.placement.fast import Doc, NodeSpec, link_groups
from zhaoshang.targeting.placement.services import placement_run

from .conftest import enterprise

BALL_SCOPE = "轴承钢球、精密钢球的生产与销售；五金产品销售。"
BALL = Doc(name="东阿县精工钢球有限公司", scope=BALL_SCOPE)

# (name, keywords, codes, description) of the 高端轴承 chain, as in the demo catalogue
HIGH = [
    ("套圈锻造", ("轴承锻件", "套圈毛坯", "锻造", "辗环"), ("3393",), "轴承套圈锻造、辗扩毛坯"),
    ("钢球", ("钢球", "轴承钢球", "精密钢球", "不锈钢球"), ("3451",), "轴承用精密钢球"),
    ("滚子", ("滚子", "圆锥滚子", "圆柱滚子", "滚针"), ("3451",), "圆锥、圆柱、球面滚子和滚针"),
    ("保持架", ("保持架", "冲压保持架", "尼龙保持架"), ("3451",), "冲压、车制和注塑保持架"),
    ("轴承装配与检测", ("滚动轴承", "轴承装配", "成品轴承"), ("3451",), "成品轴承装配、检测"),
]
SHARED = ("钢球", "滚子", "保持架")


def _specs(chain: str, rows, industry: str = "bearing") -> list[NodeSpec]:
    return [
        NodeSpec(
            key=f"{chain}/{name}",
            name=name,
            keywords=kw,
            industry_codes=codes,
            description=desc,
            chain=chain,
            industry=industry,
        )
        for name, kw, codes, desc in rows
    ]


def _confidences(nodes: list[NodeSpec], doc: Doc) -> dict[object, float]:
    classifier = Classifier(nodes)
    (choices,) = classifier.choose(classifier.fast_scores([doc]), "fast")
    return {c.key: c.confidence for c in choices}


def test_a_link_in_two_chains_gets_the_confidence_it_would_get_in_one():
    high = _specs("高端轴承", HIGH)
    parts = _specs("轴承零部件", [row for row in HIGH if row[0] in SHARED])
    one_chain = _confidences(high, BALL)
    both = _confidences(high + parts, BALL)
    assert set(both) == {"高端轴承/钢球", "轴承零部件/钢球"}
    assert both["高端轴承/钢球"] == pytest.approx(both["轴承零部件/钢球"], abs=1e-9)
    assert both["高端轴承/钢球"] == pytest.approx(one_chain["高端轴承/钢球"], abs=1e-6)
    assert both["高端轴承/钢球"] >= 0.6  # counted by the gap analysis


def test_same_link_means_one_industry_and_synonymous_names():
    ball, roller = HIGH[1], HIGH[2]
    precise = ("精密钢球", ("钢球", "精密钢球", "轴承钢球"), ("3451",), "轴承钢球")
    heat = ("热处理", ("热处理", "淬火"), ("3360",), "热处理")
    heat_surface = ("热处理及表面处理", ("热处理", "表面处理"), ("3360",), "表面处理")
    nodes = (
        _specs("高端轴承", [ball, roller, heat])
        + _specs("轴承零部件", [precise, roller, heat_surface])
        + _specs("汽车零部件", [roller], industry="auto")
    )
    groups = [[nodes[i].key for i in g] for g in link_groups(nodes)]
    assert groups == [
        ["高端轴承/钢球", "轴承零部件/精密钢球"],  # each names the other among its keywords
        ["高端轴承/滚子", "轴承零部件/滚子"],  # the same name in the same industry
        ["高端轴承/热处理"],  # 热处理 is only one of the other's keywords: related, not same
        ["轴承零部件/热处理及表面处理"],
        ["汽车零部件/滚子"],  # another industry
    ]


@pytest.mark.django_db
def test_placement_puts_a_shared_link_on_both_chains_and_a_person_still_wins(users):
    industry = Industry.objects.create(code="bearing", name="轴承")
    nodes = {}
    for code, name, rows in (
        ("bearing-high", "高端轴承", HIGH),
        ("bearing-parts", "轴承零部件", [row for row in HIGH if row[0] in SHARED]),
    ):
        direction = Direction.objects.create(industry=industry, code=code, name=name)
        for node_name, kw, codes, desc in rows:
            nodes[code, node_name] = ChainNode.objects.create(
                direction=direction, name=node_name, stream="midstream", keywords=list(kw),
                industry_codes=list(codes), description=desc,
            )  # fmt: skip
    a = enterprise(BALL.name, "371524", business_scope=BALL_SCOPE)
    b = enterprise("临清市钢球制造有限公司", "371581", business_scope=BALL_SCOPE)
    rejected = Placement.objects.create(
        enterprise=b, node=nodes["bearing-parts", "钢球"], source=PlacementSource.MANUAL,
        status=PlacementStatus.REJECTED, confidence=0, decided_by=users["city"],
    )  # fmt: skip

    placement_run(enterprises=[a, b], semantic_mode="off")

    rows = {
        (p.node.direction.code, p.node.name): p
        for p in Placement.objects.filter(enterprise=a).select_related("node__direction")
    }
    assert set(rows) == {("bearing-high", "钢球"), ("bearing-parts", "钢球")}
    high, parts = rows["bearing-high", "钢球"], rows["bearing-parts", "钢球"]
    assert high.source == parts.source == PlacementSource.AUTO
    assert high.confidence == parts.confidence >= Decimal("0.6")
    # b: the person's "no" on one chain's node stays, the automatic row goes on the other
    rejected.refresh_from_db()
    assert (rejected.source, rejected.status) == (PlacementSource.MANUAL, PlacementStatus.REJECTED)
    b_rows = Placement.objects.filter(enterprise=b)
    assert b_rows.count() == 2
    auto = b_rows.get(node=nodes["bearing-high", "钢球"])
    assert auto.source == PlacementSource.AUTO and auto.confidence >= Decimal("0.6")
