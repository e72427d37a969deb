"""Helpers the enterprise library's views share: permission gates, service errors onto forms,
small htmx dialogs that also work as full pages without JavaScript."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from zhaoshang.core import htmx
from zhaoshang.core.htmx import apply_service_errors, done
from zhaoshang.core.htmx import require_model_permission as require_model

__all__ = ["apply_service_errors", "done", "render_dialog", "require_model"]


def render_dialog(
    request: HttpRequest, template: str, context: dict[str, Any], *, title: str, back_url: str
) -> HttpResponse:
    """An enterprise-library dialog: the modal's content for htmx, a full page otherwise."""
    return htmx.render_dialog(
        request,
        template,
        context,
        title=title,
        back_url=back_url,
        page_template="enterprises/dialog_page.html",
    )
