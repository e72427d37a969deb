"""Helpers the enterprise library's views share: permission gates, service errors onto forms,
small htmx dialogs that also work as full pages without JavaScript."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhaoshang.core.htmx import apply_service_errors, done
from zhaoshang.core.htmx import require_model_permission as require_model

__all__ = ["apply_service_errors", "done", "enterprise_trail", "require_model"]


def enterprise_trail(enterprise: Any) -> list[tuple[str, str]]:
    """Breadcrumbs above an enterprise's dialog when it is shown as a page of its own."""
    return [
        ("企业库", reverse("enterprises:list")),
        (enterprise.name, reverse("enterprises:detail", args=[enterprise.pk])),
    ]
