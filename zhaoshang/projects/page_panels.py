"""Extra panels on the project page, contributed by the apps above projects.

projects sits below the service system, targeting, activities …: it cannot import them, yet
their records (problems, the service team, joint reviews, elements …) belong on the project's
page. Each such app registers a function here (from its AppConfig.ready); the project page
calls every one and shows what they return, in `order`. A function returns None when the user
may see nothing of it, so a panel never names records outside the user's scope.

    @page_panels.register("problems", order=30)
    def problems_panel(request, project) -> page_panels.Panel | None:
        ...
        return page_panels.Panel(title="问题诉求", body=render_to_string(...),
                                 actions=[page_panels.Action("提出问题", url)])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Action:
    """A link in the panel's header (a GET page; writes happen on that page, never here)."""

    label: str
    url: str


@dataclass(frozen=True)
class Panel:
    title: str
    body: SafeString | str  # rendered HTML (render_to_string output)
    actions: list[Action] = field(default_factory=list)
    badge: str = ""  # e.g. "3 个逾期", shown beside the title
    column: Literal["main", "side"] = "main"
    code: str = ""  # set by `panels_for` from the registration


Renderer = Callable[[Any, Any], Panel | None]
_PANELS: dict[str, tuple[int, Renderer]] = {}


def register(code: str, *, order: int = 100) -> Callable[[Renderer], Renderer]:
    """Register `fn(request, project) -> Panel | None` under `code` (re-registering replaces)."""

    def decorate(fn: Renderer) -> Renderer:
        _PANELS[code] = (order, fn)
        return fn

    return decorate


def panels_for(request: Any, project: Any) -> list[Panel]:
    """Every registered panel the user may see on this project's page, in order."""
    found: list[Panel] = []
    for code, (_order, fn) in sorted(_PANELS.items(), key=lambda item: (item[1][0], item[0])):
        panel = fn(request, project)
        if panel is not None:
            found.append(
                Panel(
                    title=panel.title,
                    body=panel.body,
                    actions=list(panel.actions),
                    badge=panel.badge,
                    column=panel.column,
                    code=code,
                )
            )
    return found
