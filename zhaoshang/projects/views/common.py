"""Helpers every project view shares: permission gates, service errors onto forms, dialogs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.urls import reverse

from zhaoshang.core.htmx import (
    CountedPaginator,
    apply_service_errors,
    done,
    is_partial,
    require_model_permission,
)

__all__ = [
    "CountedPaginator",
    "apply_service_errors",
    "done",
    "is_partial",
    "project_trail",
    "require_all",
    "require_model_permission",
]


def require_all(user: Any, pairs: Iterable[tuple[str, type[models.Model]]]) -> None:
    for action, model in pairs:
        require_model_permission(user, action, model)


def project_trail(project: Any) -> list[tuple[str, str]]:
    """Breadcrumbs above a project's dialog when it is shown as a page of its own."""
    return [
        ("招商项目", reverse("projects:list")),
        (project.name, reverse("projects:detail", args=[project.pk])),
    ]
