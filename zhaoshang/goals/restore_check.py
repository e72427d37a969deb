"""After a restore: every published ranking still recomputes to its stored hash."""

from __future__ import annotations


def published_rankings_verify() -> list[str]:
    """The problems: each published snapshot whose frozen inputs no longer give its hash."""
    from .models import RankingSnapshot
    from .ranking import verify_snapshot

    problems = []
    for snapshot in RankingSnapshot.objects.select_related("scheme", "scheme_version"):
        if not verify_snapshot(snapshot, live=False).ok:
            problems.append(f"竞赛榜 {snapshot.scheme.name} {snapshot.quarter} 核验失败")
    return problems
