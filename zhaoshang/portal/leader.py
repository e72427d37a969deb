"""The 领导's home page: what a leader acts on, on the first screen of a phone.

Key projects behind schedule (how many, and the five overdue the longest: project, unit, the
overdue 节点, days late) and the latest published 竞赛榜 as a compact card per track. Both come
from the goals dashboards (`behind_schedule`, the cockpit's and unit dashboards' definition;
`ranking_card` over `selectors.ranking_latest`), within what the leader may see: a county
leader sees their county's projects and their own track of the ranking.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.goals import dashboards, selectors
from zhaoshang.goals.models import RankingSnapshot
from zhaoshang.projects.models import Project

from .duties import ROLE_DUTIES

BEHIND_SHOWN = 5


def _own_unit_code(user: Any) -> str | None:
    """A county (or zone) leader's unit; None for a leader of the whole city."""
    if user.scope == Scope.UNIT and user.unit_id:
        return user.unit.code
    return None


def leader_home(request: HttpRequest) -> HttpResponse:
    """首页（领导）: 推进滞后的重点项目 and the latest 竞赛榜, then links to the full pages."""
    user = request.user
    on = timezone.localdate()
    behind, behind_count = [], 0
    if has_model_permission(user, "view", Project):
        behind, behind_count = dashboards.behind_schedule(
            Project.objects.restrict(user, "view"), on, limit=BEHIND_SHOWN
        )
    ranking = None
    if has_model_permission(user, "view", RankingSnapshot):
        ranking = dashboards.ranking_card(
            selectors.ranking_latest(user=user), unit_code=_own_unit_code(user)
        )
    context = {
        "on": on,
        "behind": behind,
        "behind_count": behind_count,
        "ranking": ranking,
        "scope_label": user.unit.name if user.unit_id else "",
        "duties": ROLE_DUTIES.get(user.role, []),
    }
    return render(request, "portal/home_leader.html", context)
