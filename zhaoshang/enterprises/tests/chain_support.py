"""Enterprises placed on chain nodes, for exact chain fixtures in tests (the chains themselves:
`industries.tests.chain_support`)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from zhaoshang.enterprises.models import Enterprise, Placement, PlacementSource, PlacementStatus
from zhaoshang.industries.models import ChainNode

_serial = itertools.count(1)


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
