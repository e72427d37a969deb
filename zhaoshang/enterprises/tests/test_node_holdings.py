"""What the enterprise library holds on a chain node (the holder it registers with
`industries.services`): people's decisions block the node's deletion, suggestions go with it."""

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import audit_actions, last_audit_id
from zhaoshang.enterprises.models import Placement, PlacementSource, PlacementStatus, TargetEntry
from zhaoshang.industries.models import ChainEdge, ChainNode
from zhaoshang.industries.services import chain_node_delete
from zhaoshang.industries.tests.chain_support import chain, direction

from .chain_support import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return direction()


def test_a_deleted_node_takes_its_suggested_placements_along_named_in_the_audit(users, d):
    nodes = chain(d, "A:up B:mid C:down", "A>B B>C")
    place(
        nodes["B"], status=PlacementStatus.SUGGESTED, source=PlacementSource.AUTO, confidence="0.9"
    )
    since = last_audit_id()
    chain_node_delete(actor=users["city"], node=nodes["B"])
    assert not ChainNode.objects.filter(name="B").exists()
    assert ChainEdge.objects.count() == 0
    assert Placement.objects.count() == 0
    assert audit_actions(since) == ["delete", "delete", "delete"]
    node_entry = AuditEntry.objects.filter(id__gt=since).order_by("id").last()
    assert node_entry.before["name"] == "B"
    assert node_entry.note == f"产业链：{d}；同时删除关系 2 条、未确认的企业归类 1 条"


def test_delete_is_refused_while_people_decided_about_the_node(users, org, d):
    nodes = chain(d, "A:up B:mid")
    (enterprise,) = place(nodes["A"], status=PlacementStatus.CONFIRMED)
    with pytest.raises(ValidationError) as info:
        chain_node_delete(actor=users["city"], node=nodes["A"])
    assert info.value.messages == [
        "不能删除：1 家企业经人工确认归属本环节。请先调整企业归属或目标企业名单。"
    ]
    TargetEntry.objects.create(
        year=2024, enterprise=enterprise, direction=d, node=nodes["B"], owner_unit=org["linqing"]
    )
    with pytest.raises(ValidationError) as info:
        chain_node_delete(actor=users["city"], node=nodes["B"])
    assert info.value.messages == [
        "不能删除：重点目标企业名单中有 1 条指向本环节。请先调整企业归属或目标企业名单。"
    ]
    assert ChainNode.objects.count() == 2
