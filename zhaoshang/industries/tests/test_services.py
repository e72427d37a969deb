"""Chain editing services: validation at the field, permission, one audit entry per change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import audit_actions, last_audit_id
from zhaoshang.industries import services
from zhaoshang.industries.models import ChainEdge, ChainNode
from zhaoshang.industries.services import (
    NodeHoldings,
    chain_create,
    chain_edge_add,
    chain_edge_remove,
    chain_node_create,
    chain_node_delete,
    chain_node_update,
    clean_industry_codes,
    clean_keywords,
)

from .chain_support import chain, direction

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return direction()


def test_city_creates_a_node_with_parsed_keywords_and_codes_audited(users, d):
    since = last_audit_id()
    node = chain_node_create(
        actor=users["city"],
        direction=d,
        name=" 铝箔 ",
        stream="midstream",
        keywords="铝箔，双零箔、电池箔 铝箔",
        industry_codes="C3252, 325",
        description="轧制铝箔",
        sort_order=10,
    )
    assert (node.name, node.keywords, node.industry_codes) == (
        "铝箔",
        ["铝箔", "双零箔", "电池箔"],
        ["3252", "325"],
    )
    entry = AuditEntry.objects.get(id__gt=since)
    assert (entry.action, entry.username, entry.object_id) == ("create", "city", str(node.pk))
    assert entry.after["keywords"] == ["铝箔", "双零箔", "电池箔"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "已有环节"}, "name"),
        ({"stream": "sideways"}, "stream"),
        ({"industry_codes": "32A1"}, "industry_codes"),
        ({"industry_codes": "3"}, "industry_codes"),
        ({"industry_codes": "325210"}, "industry_codes"),
        ({"keywords": "铝" * 31}, "keywords"),
        ({"sort_order": -1}, "sort_order"),
    ],
)
def test_bad_node_input_is_refused_at_its_field_and_nothing_written(users, d, fields, field):
    chain(d, "已有环节:up")
    since = last_audit_id()
    values = {"name": "新环节", "stream": "upstream", **fields}
    with pytest.raises(ValidationError) as info:
        chain_node_create(actor=users["city"], direction=d, **values)
    assert field in info.value.message_dict
    assert ChainNode.objects.count() == 1
    assert audit_actions(since) == []


def test_code_and_keyword_parsing():
    assert clean_industry_codes(["c3216", " 0916 ", "3216"]) == ["3216", "0916"]
    assert clean_industry_codes("") == []
    assert clean_keywords("铝板\n铝带;铝卷 | 铝板") == ["铝板", "铝带", "铝卷"]


def test_update_is_audited_with_before_and_after_and_cannot_move_the_node(users, d):
    nodes = chain(d, "A:up B:mid")
    other = direction("cu", "铜")
    since = last_audit_id()
    node = chain_node_update(
        actor=users["city"], node=nodes["A"], name="铝土矿", keywords=["铝矾土"], stream="upstream"
    )
    assert (node.name, node.keywords) == ("铝土矿", ["铝矾土"])
    entry = AuditEntry.objects.get(id__gt=since)
    assert entry.action == "update"
    assert ("name", "A", "铝土矿") in entry.changed_fields()
    with pytest.raises(ValidationError, match="不能修改：direction"):
        chain_node_update(actor=users["city"], node=node, direction=other)
    with pytest.raises(ValidationError) as info:
        chain_node_update(actor=users["city"], node=node, name="B")
    assert "name" in info.value.message_dict
    node.refresh_from_db()
    assert (node.name, node.direction_id) == ("铝土矿", d.pk)


def test_delete_removes_the_node_and_its_edges_each_audited(users, d, monkeypatch):
    monkeypatch.setattr(services, "_node_holders", [])
    nodes = chain(d, "A:up B:mid C:down", "A>B B>C")
    since = last_audit_id()
    chain_node_delete(actor=users["city"], node=nodes["B"])
    assert list(ChainNode.objects.order_by("name").values_list("name", flat=True)) == ["A", "C"]
    assert ChainEdge.objects.count() == 0
    assert audit_actions(since) == ["delete", "delete", "delete"]
    node_entry = AuditEntry.objects.filter(id__gt=since).order_by("id").last()
    assert node_entry.before["name"] == "B"
    assert node_entry.note == f"产业链：{d}；同时删除关系 2 条"


def test_a_registered_holder_blocks_the_delete_or_names_what_goes_with_the_node(
    users, d, monkeypatch
):
    """Higher apps (enterprises…) hold records on a node; this app only asks them."""
    monkeypatch.setattr(services, "_node_holders", [])
    nodes = chain(d, "A:up B:mid")

    def holder(node):
        if node.name == "A":
            return NodeHoldings(blocking=("甲", "乙"), advice="先处理甲乙")
        return NodeHoldings(removed=("附属记录 3 条",))

    services.node_holder_register(holder)
    services.node_holder_register(holder)  # registering twice keeps one
    assert services._node_holders == [holder]
    since = last_audit_id()
    with pytest.raises(ValidationError) as info:
        chain_node_delete(actor=users["city"], node=nodes["A"])
    assert info.value.messages == ["不能删除：甲；乙。请先先处理甲乙。"]
    assert audit_actions(since) == []
    chain_node_delete(actor=users["city"], node=nodes["B"])
    entry = AuditEntry.objects.get(id__gt=since)
    assert entry.note == f"产业链：{d}；同时删除关系 0 条、附属记录 3 条"
    assert list(ChainNode.objects.values_list("name", flat=True)) == ["A"]


def test_edges_refuse_self_duplicates_and_other_chains_but_allow_cycles(users, d):
    nodes = chain(d, "A:up B:mid C:down")
    other = chain(direction("cu", "铜"), "X:up")
    city = users["city"]
    since = last_audit_id()
    edge = chain_edge_add(actor=city, source=nodes["A"], target=nodes["B"], note="氧化铝")
    assert (edge.source, edge.target, edge.note) == (nodes["A"], nodes["B"], "氧化铝")
    for source, target in [
        (nodes["A"], nodes["A"]),
        (nodes["A"], nodes["B"]),
        (nodes["A"], other["X"]),
    ]:
        with pytest.raises(ValidationError) as info:
            chain_edge_add(actor=city, source=source, target=target)
        assert "target" in info.value.message_dict
    # A recycling loop A → B → C → A is a legitimate chain.
    chain_edge_add(actor=city, source=nodes["B"], target=nodes["C"])
    chain_edge_add(actor=city, source=nodes["C"], target=nodes["A"])
    assert ChainEdge.objects.count() == 3
    chain_edge_remove(actor=city, edge=edge)
    assert ChainEdge.objects.count() == 2
    assert audit_actions(since) == ["create", "create", "create", "delete"]


def test_a_whole_chain_is_created_at_once_each_node_and_edge_audited(users, d):
    since = last_audit_id()
    nodes = chain_create(
        actor=users["city"],
        direction=d,
        nodes=[
            {"name": "氧化铝", "stream": "upstream", "keywords": ["氧化铝"], "sort_order": 10},
            {"name": " 电解铝 ", "stream": "midstream", "industry_codes": ("C3216",)},
            {"name": "铝型材", "stream": "downstream", "description": "挤压"},
        ],
        edges=[("氧化铝", "电解铝"), ("电解铝", "铝型材"), ("铝型材", "氧化铝")],
        note="示例",
    )
    assert [(n.name, n.stream, n.keywords, n.industry_codes) for n in nodes] == [
        ("氧化铝", "upstream", ["氧化铝"], []),
        ("电解铝", "midstream", [], ["3216"]),
        ("铝型材", "downstream", [], []),
    ]
    assert list(d.chain_nodes.order_by("pk").values_list("name", flat=True)) == [
        "氧化铝",
        "电解铝",
        "铝型材",
    ]
    assert list(ChainEdge.objects.order_by("pk").values_list("source__name", "target__name")) == [
        ("氧化铝", "电解铝"),
        ("电解铝", "铝型材"),
        ("铝型材", "氧化铝"),
    ]
    entries = AuditEntry.objects.filter(id__gt=since).order_by("id")
    assert [(e.action, e.object_repr, e.note) for e in entries][:3] == [
        ("create", "氧化铝", "示例"),
        ("create", "电解铝", "示例"),
        ("create", "铝型材", "示例"),
    ]
    assert audit_actions(since) == ["create"] * 6


def test_a_whole_chain_reports_every_problem_at_once_and_writes_nothing(users, d):
    since = last_audit_id()
    with pytest.raises(ValidationError) as info:
        chain_create(
            actor=users["city"],
            direction=d,
            nodes=[
                {"name": "A", "stream": "upstream"},
                {"name": "A", "stream": "midstream"},
                {"name": "B", "stream": "sideways"},
                {"name": "C", "stream": "downstream", "direction": 1},
            ],
            edges=[("A", "X"), ("A", "A"), ("A", "B"), ("A", "B")],
        )
    assert info.value.message_dict == {
        "nodes": [
            "第 2 个环节“A”：本产业链已有名为“A”的环节",
            "第 3 个环节“B”：请选择上游、中游或下游",
            "第 4 个环节“C”：不能设置 direction",
        ],
        "edges": [
            "关系“A → X”：本产业链没有环节“X”",
            "关系“A → A”：供给方和需求方不能是同一环节",
            "关系“A → B”：本产业链没有环节“B”",
            "关系“A → B”：本产业链没有环节“B”",
        ],
    }
    with pytest.raises(ValidationError) as info:
        chain_create(
            actor=users["city"],
            direction=d,
            nodes=[{"name": "A", "stream": "upstream"}, {"name": "B", "stream": "upstream"}],
            edges=[("A", "B"), ("A", "B")],
        )
    assert info.value.message_dict == {"edges": ["关系“A → B”：重复"]}
    assert ChainNode.objects.count() == 0 and ChainEdge.objects.count() == 0
    assert audit_actions(since) == []


def test_a_whole_chain_is_only_for_an_empty_direction(users, d):
    chain(d, "A:up")
    with pytest.raises(ValidationError) as info:
        chain_create(actor=users["city"], direction=d, nodes=[{"name": "B", "stream": "upstream"}])
    assert info.value.messages == [f"产业链“{d}”已有环节，请逐个新增或修改环节"]
    assert list(ChainNode.objects.values_list("name", flat=True)) == ["A"]


@pytest.mark.parametrize("name", ["inspector", "linqing", "leader", "sysadmin", "norole"])
def test_only_the_city_edits_chains(users, d, name):
    nodes = chain(d, "A:up B:mid", "A>B")
    actor = users[name]
    since = last_audit_id()
    attempts = [
        (
            lambda: chain_node_create(actor=actor, direction=d, name="C", stream="upstream"),
            "没有新增产业链环节的权限",
        ),
        (
            lambda: chain_node_update(actor=actor, node=nodes["A"], name="Z"),
            "没有修改产业链环节的权限",
        ),
        (lambda: chain_node_delete(actor=actor, node=nodes["B"]), "没有删除产业链环节的权限"),
        (
            lambda: chain_edge_add(actor=actor, source=nodes["B"], target=nodes["A"]),
            "没有新增产业链关系的权限",
        ),
        (
            lambda: chain_edge_remove(actor=actor, edge=ChainEdge.objects.get()),
            "没有删除产业链关系的权限",
        ),
        (
            lambda: chain_create(
                actor=actor,
                direction=direction("cu", "铜"),
                nodes=[{"name": "X", "stream": "upstream"}],
            ),
            "没有新增产业链环节的权限",
        ),
    ]
    for attempt, message in attempts:
        with pytest.raises(PermissionDenied, match=f"^{message}$"):
            attempt()
    assert ChainNode.objects.count() == 2 and ChainEdge.objects.count() == 1
    assert audit_actions(since) == []
