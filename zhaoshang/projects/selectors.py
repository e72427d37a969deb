"""Reads on projects. Every query starts from `.restrict(user, action)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from zhaoshang.core import search
from zhaoshang.core.periods import statistics_year
from zhaoshang.core.permissions import has_model_permission

from . import figures
from .filters import FundsFilter, ProjectFilter, VerifyQueueFilter
from .models import FundsRecord, Project, Stage


def projects_for(
    *, user: Any, filters: Mapping[str, Any] | None = None, walk: bool = False
) -> QuerySet[Project]:
    """The projects the user may see, narrowed by the list filters (`walk`: see
    `filters.projects_matching`)."""
    base = Project.objects.restrict(user, "view")
    if walk:
        base = search.scope_checked(base)
    base = base.select_related("unit", "industry", "direction", "campaign")
    return ProjectFilter(filters or {}, queryset=base, walk=walk).qs


def project_list(
    *, user: Any, filters: Mapping[str, Any], page_size: int
) -> tuple[QuerySet[Project], dict[str, Any]]:
    """The project list's rows in its order and its figures row (`figures.list_figures`).
    The whole scope's figures come from the project totals, a narrowed list's from its rows.
    When a keyword is held by many of them (`search.walks`, up to the page asked for), the
    rows are read in the list's default order (its index), each checked, rather than every
    match looked up and sorted (the same rows either way)."""
    qs = projects_for(user=user, filters=filters)
    keys = filters.lists() if hasattr(filters, "lists") else ((k, [v]) for k, v in filters.items())
    narrowed = any(any(v) for k, v in keys if k not in ("page", "ordering"))
    if not narrowed:
        return qs, figures.scope_list_figures(user)
    shown = figures.list_figures(qs)
    reach = page_size * search.page_number(filters)
    in_order = not filters.get("ordering")  # the default order has its index to walk
    if (
        filters.get("q")
        and in_order
        and search.walks(shown["projects_total"], search.rows(Project), reach)
    ):
        qs = projects_for(user=user, filters=filters, walk=True)
    return qs, shown


def project_get(*, user: Any, pk: int, action: str = "view") -> Project:
    """One project within the user's scope, or 404."""
    qs = Project.objects.restrict(user, action).select_related(
        "unit", "industry", "direction", "campaign", "lead_leader", "commissioner", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


def funds_for(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[FundsRecord]:
    base = FundsRecord.objects.restrict(user, "view").select_related(
        "project", "project__unit", "submitted_by", "verified_by"
    )
    return FundsFilter(filters or {}, queryset=base).qs


def verification_queue(*, user: Any, filters: Mapping[str, Any] | None = None) -> VerifyQueueFilter:
    """Submitted funds records the user may decide on (never the ones they entered), narrowed
    by the queue's filters; the filter set, so a page can show its errors (`.qs` the rows).

    Each row carries `project_verified_wan` (the project's 到位资金 now) and `over_cap`: verifying
    it would bring the project's 到位资金 above its total investment."""
    if user.has_perm("projects.verify_fundsrecord"):
        base = figures.pending_records().restrict(user, "view").exclude(submitted_by=user)
    else:
        base = FundsRecord.objects.none()
    verified = figures.verified_funds_of_project("project_id")
    base = (
        base.select_related("project", "project__unit", "submitted_by")
        .prefetch_related("evidence")
        .order_by(*VerifyQueueFilter.ORDERS["oldest"])
        .annotate(project_verified_wan=verified)
        .annotate(
            over_cap=ExpressionWrapper(
                Q(project_verified_wan__gt=F("project__total_investment_wan") - F("amount_wan")),
                output_field=BooleanField(),
            )
        )
    )
    return VerifyQueueFilter(filters or None, queryset=base)


def verification_queue_count(*, user: Any) -> int:
    """How many records `verification_queue` holds: the submitted ones the user may see (from
    the monthly totals), less those they entered themselves (by the submitter index)."""
    if not user.has_perm("projects.verify_fundsrecord"):
        return 0
    own = figures.pending_records().restrict(user, "view").filter(submitted_by=user)
    return figures.submitted_count(user) - own.count()


def home_figures(*, user: Any, year: int | None = None) -> dict[str, Any]:
    """The figures on the user's home page, within their scope, for one year (see `figures`)."""
    year = year or statistics_year()
    if not has_model_permission(user, "view", Project):
        return {"year": year, "visible": False}
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    counts = figures.scope_project_figures(user, start=start, end=end)
    funds = figures.funds_totals(user, start=start, end=end)
    return {
        "year": year,
        "visible": True,
        "projects_total": counts["projects_total"],
        "projects_active": counts["projects_live"],
        "key_projects": counts["key_projects"],
        "signed_in_year": counts["signed"],
        "started_over_100m": counts["started_over_100m"],
        "started_over_100m_investment_wan": counts["started_over_100m_investment_wan"],
        "by_stage": [(s.value, s.label, counts["by_stage"][s.value]) for s in Stage],
        "funds_verified_wan": funds["verified_wan"],
        "funds_pending_wan": funds["pending_wan"],
        "funds_pending_count": funds["pending_count"],
        "verification_queue": verification_queue_count(user=user),
    }
