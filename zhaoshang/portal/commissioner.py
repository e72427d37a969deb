"""The 服务专员's home page: their work queue instead of the city's totals."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhaoshang.service.selectors.workqueue import work_queue

from .duties import ROLE_DUTIES


def commissioner_home(request: HttpRequest) -> HttpResponse:
    """工作台: my projects, milestones, problems waiting, stale projects, open tasks."""
    queue = work_queue(user=request.user)
    context = {
        "queue": queue,
        "counts": queue.counts,
        "duties": ROLE_DUTIES.get(request.user.role, []),
        "stale_heading": f"超过 {queue.stale_days} 天没有进展的项目",
        "coming_heading": f"{queue.ahead_days} 天内到期的节点",
    }
    return render(request, "portal/home_commissioner.html", context)
