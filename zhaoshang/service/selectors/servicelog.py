"""Reading the service log: a project's entries, and each project's first contact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Min, QuerySet
from django.urls import reverse

from zhaoshang.projects import timeline
from zhaoshang.projects.models import Project

from ..models import ServiceKind, ServiceLog


def service_logs_for(*, user: Any, project: Project) -> QuerySet[ServiceLog]:
    """The project's service log as the user may see it, newest first."""
    return (
        ServiceLog.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("kind", "actor")
        .order_by("-on", "-id")
    )


def active_kinds() -> QuerySet[ServiceKind]:
    return ServiceKind.objects.filter(is_active=True).order_by("sort_order", "id")


def first_contacts(project_ids: Iterable[int]) -> dict[int, dt.date]:
    """The date of each project's first service log entry (its first contact), unrestricted:
    callers pass ids of projects the user may see."""
    ids = list(project_ids)
    found: dict[int, dt.date] = {}
    for i in range(0, len(ids), 500):
        rows = (
            ServiceLog.objects.filter(project_id__in=ids[i : i + 500])
            .order_by()
            .values("project_id")
            .annotate(first=Min("on"))
            .values_list("project_id", "first")
        )
        found.update(rows)
    return found


@timeline.register("service_first_contact")
def first_contact_event(*, project: Project, user: Any) -> list[timeline.TimelineEvent]:
    """The project's first service (首次服务) on its timeline, for who may read the log."""
    first = service_logs_for(user=user, project=project).order_by("on", "id").first()
    if first is None:
        return []
    return [
        timeline.TimelineEvent(
            on=first.on,
            title=f"首次服务：{first.kind.name}",
            detail=first.note[:100],
            url=reverse("service:servicelog-project", args=[project.pk]),
            badge="服务记录",
            tone="info",
            actor=str(first.actor),
        )
    ]
