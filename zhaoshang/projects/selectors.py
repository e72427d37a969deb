"""Reads on projects. Every query starts from `.restrict(user, action)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from zhaoshang.core.permissions import has_model_permission

from .filters import FundsFilter, ProjectFilter
from .models import FundsRecord, FundsStatus, Project, Stage


def projects_for(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Project]:
    """The projects the user may see, narrowed by the list filters."""
    base = Project.objects.restrict(user, "view").select_related(
        "unit", "industry", "direction", "campaign"
    )
    return ProjectFilter(filters or {}, queryset=base).qs


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


def verification_queue(*, user: Any) -> QuerySet[FundsRecord]:
    """Submitted funds records the user may decide on: never the ones they entered."""
    if not user.has_perm("projects.verify_fundsrecord"):
        return FundsRecord.objects.none()
    return (
        FundsRecord.objects.restrict(user, "view")
        .filter(status=FundsStatus.SUBMITTED)
        .exclude(submitted_by=user)
        .select_related("project", "project__unit", "submitted_by")
        .prefetch_related("evidence")
        .order_by("submitted_at", "id")
    )


def verified_funds_total(projects: QuerySet[Project], *, year: int | None = None) -> Decimal:
    """Sum of verified funds of the given projects (optionally for one calendar year)."""
    qs = FundsRecord.objects.filter(status=FundsStatus.VERIFIED, project__in=projects.values("pk"))
    if year:
        qs = qs.filter(period__gte=dt.date(year, 1, 1), period__lt=dt.date(year + 1, 1, 1))
    return qs.aggregate(total=Sum("amount_wan"))["total"] or Decimal("0")


def latest_funds_year(*, user: Any) -> int:
    """The latest year (not after this one) with funds records the user may see.

    The home page opens on it, so a city whose records stop at last year's end (or a demo of
    past years) does not open on a page of zeros.
    """
    this_year = timezone.localdate().year
    latest = (
        FundsRecord.objects.restrict(user, "view")
        .filter(period__lt=dt.date(this_year + 1, 1, 1))
        .aggregate(latest=Max("period"))["latest"]
    )
    return latest.year if latest else this_year


def home_figures(*, user: Any, year: int | None = None) -> dict[str, Any]:
    """The figures on the user's home page, within their scope, for one year."""
    year = year or timezone.localdate().year
    if not has_model_permission(user, "view", Project):
        return {"year": year, "visible": False}
    projects = Project.objects.restrict(user, "view")
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    counts = projects.aggregate(
        total=Count("id"),
        active=Count("id", filter=~Q(stage=Stage.DROPPED)),
        key=Count("id", filter=Q(is_key=True) & ~Q(stage=Stage.DROPPED)),
        signed_in_year=Count("id", filter=Q(signed_on__gte=start, signed_on__lt=end)),
        started_over_100m=Count(
            "id", filter=Q(started_on__gte=start, started_on__lt=end, is_over_100m=True)
        ),
        started_investment=Sum(
            "total_investment_wan",
            filter=Q(started_on__gte=start, started_on__lt=end, is_over_100m=True),
        ),
        **{f"stage_{s.value}": Count("id", filter=Q(stage=s.value)) for s in Stage},
    )
    # Restricting the funds records themselves (not "project in <visible projects>") lets the
    # city's query run over the covering index alone.
    funds_year = FundsRecord.objects.restrict(user, "view").filter(
        period__gte=start, period__lt=end
    )
    totals = funds_year.aggregate(
        verified=Sum("amount_wan", filter=Q(status=FundsStatus.VERIFIED)),
        pending=Sum("amount_wan", filter=Q(status=FundsStatus.SUBMITTED)),
        pending_count=Count("id", filter=Q(status=FundsStatus.SUBMITTED)),
    )
    return {
        "year": year,
        "visible": True,
        "projects_total": counts["total"],
        "projects_active": counts["active"],
        "key_projects": counts["key"],
        "signed_in_year": counts["signed_in_year"],
        "started_over_100m": counts["started_over_100m"],
        "started_over_100m_investment_wan": counts["started_investment"] or Decimal("0"),
        "by_stage": [(s.value, s.label, counts[f"stage_{s.value}"]) for s in Stage],
        "funds_verified_wan": totals["verified"] or Decimal("0"),
        "funds_pending_wan": totals["pending"] or Decimal("0"),
        "funds_pending_count": totals["pending_count"],
        "verification_queue": verification_queue(user=user).count(),
    }
