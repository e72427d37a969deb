"""Guards on stage moves that apps above projects register (a hook, never an upward import).

A guard is `fn(*, project, to, on) -> dict[str, list[str]]`: the errors, keyed by field, that
forbid moving `project` forward to stage `to` on date `on` (an empty dict allows it). The
stage service (`services.stages`) asks every guard on a forward move, inside the transaction
that locks the project, and refuses the move with all their errors together. Going back or
dropping a project is never guarded here: those moves undo, they do not promise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

Guard = Callable[..., dict[str, list[str]]]
_GUARDS: dict[str, Guard] = {}


def register(name: str) -> Callable[[Guard], Guard]:
    """Register `fn(*, project, to, on)` under `name` (registering a name again replaces it)."""

    def decorate(fn: Guard) -> Guard:
        _GUARDS[name] = fn
        return fn

    return decorate


def unregister(name: str) -> None:
    _GUARDS.pop(name, None)


def errors_for(*, project: Any, to: str, on: dt.date) -> dict[str, list[str]]:
    """Every registered guard's errors for this move, merged by field (in registration order)."""
    errors: dict[str, list[str]] = {}
    for fn in _GUARDS.values():
        for field, messages in (fn(project=project, to=to, on=on) or {}).items():
            errors.setdefault(field, []).extend(messages)
    return errors
