"""The duplicate guard: the same investor with a similar project name in another unit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from zhaoshang.enterprises.models import Enterprise

from ..models import Project

SIMILARITY_THRESHOLD = 0.6
# Words every project name carries; they make unrelated names look alike.
_FILLER = re.compile(
    r"(年产|项目|建设|有限公司|有限责任公司|股份|集团|工程|一期|二期|三期|新建|扩建)"
)


def _core(name: str) -> str:
    return _FILLER.sub("", re.sub(r"\s+", "", name or ""))


def name_similarity(a: str, b: str) -> float:
    a, b = _core(a), _core(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def duplicate_candidates(
    *,
    name: str,
    investors: Iterable[Enterprise],
    unit_id: int | None,
    exclude_pk: int | None = None,
) -> list[Project]:
    """Projects in other units sharing an investor (by 统一社会信用代码) and a similar name.

    Deliberately unrestricted: the point is to show a unit that another unit already works on
    this investor; callers show only name, unit and stage.
    """
    codes = [e.uscc for e in investors if e.uscc]
    if not codes:
        return []
    qs = (
        Project.objects.filter(investors__uscc__in=codes)
        .exclude(unit_id=unit_id)
        .select_related("unit")
        .distinct()
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return [p for p in qs[:200] if name_similarity(name, p.name) >= SIMILARITY_THRESHOLD]
