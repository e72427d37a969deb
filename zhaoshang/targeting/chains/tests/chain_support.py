"""Builders for small exact chains in the gap-analysis tests: a direction, nodes by name, edges
(`industries`), placed enterprises (`enterprises`), and the thresholds in force."""

from __future__ import annotations

from zhaoshang.enterprises.tests.chain_support import place
from zhaoshang.industries.tests.chain_support import chain, direction
from zhaoshang.targeting.models import GapThresholds

__all__ = ["chain", "direction", "place", "thresholds"]


def thresholds(**values) -> GapThresholds:
    th = GapThresholds.objects.order_by("pk").first() or GapThresholds()
    for key, value in values.items():
        setattr(th, key, value)
    th.save()
    return th
