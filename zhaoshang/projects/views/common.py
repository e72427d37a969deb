"""Helpers every project view shares: permission gates, service errors onto forms, dialogs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse

from zhaoshang.core import htmx
from zhaoshang.core.htmx import apply_service_errors, done, is_partial, require_model_permission

__all__ = [
    "CountedPaginator",
    "apply_service_errors",
    "done",
    "is_partial",
    "render_dialog",
    "require_all",
    "require_model_permission",
]


class CountedPaginator(Paginator):
    """A paginator told the row count the page already computed (saves a second COUNT)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def require_all(user: Any, pairs: Iterable[tuple[str, type[models.Model]]]) -> None:
    for action, model in pairs:
        require_model_permission(user, action, model)


def render_dialog(
    request: HttpRequest, template: str, context: dict[str, Any], *, title: str, back_url: str
) -> HttpResponse:
    """A project dialog: the modal's content for htmx, a full page otherwise."""
    return htmx.render_dialog(
        request,
        template,
        context,
        title=title,
        back_url=back_url,
        page_template="projects/dialog_page.html",
    )
