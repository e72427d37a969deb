"""What a joint meeting (联席会议) may put on its agenda, gathered from each topic as data.

Each topic of the service system (problems, joint reviews, elements …) registers one function
that lists its candidates: escalated problems, pending joint reviews, requested elements. The
agenda builder (`meetings`) orders them by age and project size; it knows none of the topics.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class AgendaCandidate:
    kind: str  # the registering topic's code, e.g. "problem"
    object_id: int  # the record's id within that topic
    project_id: int | None
    title: str
    since: dt.date  # how old the item is: raised, sent for review, requested …
    investment_wan: Decimal  # the project's total investment (0 without a project)


Source = Callable[..., Iterable[AgendaCandidate]]
_SOURCES: dict[str, tuple[str, Source]] = {}


def register(kind: str, label: str) -> Callable[[Source], Source]:
    """Register `fn(*, as_of: date, user: Any) -> Iterable[AgendaCandidate]` under `kind`."""

    def decorate(fn: Source) -> Source:
        _SOURCES[kind] = (label, fn)
        return fn

    return decorate


def labels() -> dict[str, str]:
    return {kind: label for kind, (label, _) in _SOURCES.items()}


def candidates(*, as_of: dt.date, user: Any) -> list[AgendaCandidate]:
    """Every registered topic's candidates (each source applies the user's scope)."""
    found: list[AgendaCandidate] = []
    for _kind, (_label, fn) in sorted(_SOURCES.items()):
        found.extend(fn(as_of=as_of, user=user))
    return found
