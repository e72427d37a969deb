"""Builders for small exact chains in tests: a direction, nodes by name, edges.

Enterprises placed on the nodes: `enterprises.tests.chain_support.place`."""

from __future__ import annotations

from zhaoshang.industries.models import ChainEdge, ChainNode, Direction, Industry


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
