"""Builders for small exact chains in tests: a direction, nodes by name, edges, placed enterprises."""

from __future__ import annotations

import itertools
from decimal import Decimal

from zhaoshang.enterprises.models import Enterprise, Placement, PlacementSource, PlacementStatus
from zhaoshang.industries.models import ChainEdge, ChainNode, Direction, GapThresholds, Industry

_serial = itertools.count(1)


def direction(code: str = "al", name: str = "铝精深加工") -> Direction:
    industry, _ = Industry.objects.get_or_create(code="metal", defaults={"name": "有色金属"})
    return Direction.objects.create(industry=industry, code=code, name=name)


def chain(d: Direction, spec: str, edges: str = "") -> dict[str, ChainNode]:
    """Nodes "A:up B:mid C:down" and edges "A>B B>C"."""
    streams = {"up": "upstream", "mid": "midstream", "down": "downstream"}
    nodes = {}
    for order, item in enumerate(spec.split()):
        name, stream = item.split(":")
        nodes[name] = ChainNode.objects.create(
            direction=d, name=name, stream=streams[stream], sort_order=order
        )
    for pair in edges.split():
        source, target = pair.split(">")
        ChainEdge.objects.create(source=nodes[source], target=nodes[target])
    return nodes


def place(
    node: ChainNode,
    count: int = 1,
    *,
    local: bool = True,
    output: Decimal | int | None = 0,
    status: str = PlacementStatus.CONFIRMED,
    source: str = PlacementSource.MANUAL,
    confidence: str = "1",
) -> list[Enterprise]:
    """`count` new enterprises placed on `node` (local ones are in 临清)."""
    made = []
    for _ in range(count):
        n = next(_serial)
        enterprise = Enterprise.objects.create(
            name=f"测试企业{n:04d}",
            division_code="371581" if local else "320505",
            annual_output_wan=None if output is None else Decimal(output),
        )
        # is_local is derived by the enterprise services; set it directly for exact fixtures.
        Enterprise.objects.filter(pk=enterprise.pk).update(is_local=local)
        enterprise.is_local = local
        Placement.objects.create(
            enterprise=enterprise,
            node=node,
            source=source,
            status=status,
            confidence=Decimal(confidence),
        )
        made.append(enterprise)
    return made


def thresholds(**values) -> GapThresholds:
    th = GapThresholds.objects.order_by("pk").first() or GapThresholds()
    for key, value in values.items():
        setattr(th, key, value)
    th.save()
    return th
