"""Reads on the enterprise registry. Every query starts from `.restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Enterprise


def enterprises_for(
    *, user: Any, q: str = "", tag: str = "", local: bool | None = None
) -> QuerySet[Enterprise]:
    """The enterprises the user may see, narrowed by name or code, tag and local flag."""
    qs = Enterprise.objects.restrict(user, "view").prefetch_related("tags")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
    if tag:
        qs = qs.filter(tags__code=tag)
    if local is not None:
        qs = qs.filter(is_local=local)
    return qs.order_by("name", "pk")


def enterprise_get(*, user: Any, pk: int, action: str = "view") -> Enterprise:
    """One enterprise the user may perform `action` on, or 404."""
    return get_object_or_404(Enterprise.objects.restrict(user, action), pk=pk)


def enterprise_projects(*, user: Any, enterprise: Enterprise) -> QuerySet[Any]:
    """The projects this enterprise invests in that the user may see (another unit's: hidden)."""
    from zhaoshang.projects.models import Project

    return (
        Project.objects.restrict(user, "view")
        .filter(investors=enterprise)
        .select_related("unit")
        .order_by("-total_investment_wan", "pk")
    )
