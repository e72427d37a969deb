"""The home page: the figures that matter to the logged-in user, and what their role is for.

The figures come from `projects.selectors.home_figures`, already narrowed to what the user may see.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.accounts.roles import Role
from zhaoshang.core.periods import statistics_year
from zhaoshang.core.permissions import Scope
from zhaoshang.projects.figures import funds_totals_by_unit, key_projects
from zhaoshang.projects.selectors import home_figures, projects_for
from zhaoshang.service.views.problems import department_home
from zhaoshang.targeting.selectors import pending_for

from .commissioner import commissioner_home
from .duties import ROLE_DUTIES
from .leader import leader_home

KEY_PROJECTS_SHOWN = 10
PENDING_PUSHES_SHOWN = 5

# Roles whose home is their day's work rather than the figures (role → view).
ROLE_HOMES = {
    Role.COMMISSIONER: commissioner_home,
    Role.DEPT_STAFF: department_home,
    Role.LEADER: leader_home,
}


def _key_projects(user: Any) -> list[Any]:
    """The user's most important live key projects (largest investment first)."""
    return list(
        key_projects(projects_for(user=user)).order_by("-total_investment_wan", "pk")[
            :KEY_PROJECTS_SHOWN
        ]
    )


def _funds_by_unit(user: Any, year: int) -> list[dict[str, Any]]:
    """Verified and pending funds of the year per unit: every county-level unit and zone (the
    table is the city's), zeros included, in their order; the city itself when it has records.

    From the monthly totals table."""
    sums = funds_totals_by_unit(user, start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 1))
    units = Unit.objects.filter(~Q(kind=UnitKind.CITY) | Q(pk__in=sums)).order_by(
        "sort_order", "code"
    )
    zero = {"verified_wan": Decimal(0), "pending_wan": Decimal(0)}
    return [
        {
            "unit": unit.name,
            "verified": sums.get(unit.pk, zero)["verified_wan"],
            "pending": sums.get(unit.pk, zero)["pending_wan"],
        }
        for unit in units
    ]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The figures that matter to the logged-in user, within what they may see."""
    user = request.user
    if user.role in ROLE_HOMES:
        return ROLE_HOMES[user.role](request)
    year, years = _year(request)
    figures = home_figures(user=user, year=year)
    context: dict[str, Any] = {
        "figures": figures,
        "years": years,
        "duties": ROLE_DUTIES.get(user.role, []),
        "scope_label": _scope_label(user),
        # The county's 待接收 card (targeting/partials/home_pending.html).
        "pending_pushes": list(pending_for(user=user)[:PENDING_PUSHES_SHOWN]),
    }
    if figures.get("visible"):
        context["key_projects"] = _key_projects(user)
        if user.scope == Scope.ALL:
            context["funds_by_unit"] = _funds_by_unit(user, figures["year"])
        context["stage_chart"] = {
            "labels": [label for _value, label, _n in figures["by_stage"]],
            "values": [n for _value, _label, n in figures["by_stage"]],
            "stages": [value for value, _label, _n in figures["by_stage"]],
        }
    return render(request, "portal/home.html", context)


HOME_YEARS_SHOWN = 6


def _year(request: HttpRequest) -> tuple[int, list[int]]:
    """The year asked for (?year=2024), else the city's statistics year; and the years offered."""
    default = statistics_year()
    top = max(timezone.localdate().year, default)
    years = list(range(top, top - HOME_YEARS_SHOWN, -1))
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        year = default
    return (year if year in years else default), years


def _scope_label(user: Any) -> str:
    scope = user.scope
    if scope == Scope.ALL:
        return "全市"
    if scope == Scope.UNIT and user.unit_id:
        return user.unit.name
    if scope == Scope.ASSIGNED:
        return "分配给我的项目"
    if scope == Scope.DEPARTMENT and user.department_id:
        return user.department.name
    return ""
