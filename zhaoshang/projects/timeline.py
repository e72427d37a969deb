"""Events on a project's timeline that apps above projects contribute (a hook, never an upward
import): a joint review's outcome, an opinion, a decision …

A provider is `fn(*, project, user) -> Iterable[TimelineEvent]`; it applies the user's scope
itself (it must not list records the user may not see). The project page merges the events
with the stage log by date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    title: str  # what happened, in Chinese: "联评联审：生态环境局 有条件同意"
    detail: str = ""
    url: str = ""  # the record's page, when the user may open it
    badge: str = ""  # a short label shown as a badge ("通过", "不同意" …)
    tone: str = "secondary"  # the badge's Bootstrap colour: success, warning, danger …
    actor: str = ""


Provider = Callable[..., Iterable[TimelineEvent]]
_PROVIDERS: dict[str, Provider] = {}


def register(name: str) -> Callable[[Provider], Provider]:
    """Register `fn(*, project, user)` under `name` (registering a name again replaces it)."""

    def decorate(fn: Provider) -> Provider:
        _PROVIDERS[name] = fn
        return fn

    return decorate


def events_for(*, project: Any, user: Any) -> list[TimelineEvent]:
    """Every provider's events for the project, oldest first."""
    events: list[TimelineEvent] = []
    for fn in _PROVIDERS.values():
        events.extend(fn(project=project, user=user))
    return sorted(events, key=lambda e: e.on)
