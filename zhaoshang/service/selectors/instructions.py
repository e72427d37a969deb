"""Reads of leaders' instructions (领导批示) and how far their tasks have got."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from ..models import Instruction, TaskStatus


def instructions_for(
    *, user: Any, project: Any = None, leader: Any = None
) -> QuerySet[Instruction]:
    """Instructions the user may see, each with its task counts (`n_tasks`, `n_done`,
    `n_open`), newest first."""
    qs = Instruction.objects.restrict(user, "view").select_related("project", "leader")
    if project is not None:
        qs = qs.filter(project=project)
    if leader is not None:
        qs = qs.filter(leader=leader)
    return qs.annotate(
        n_tasks=Count("tasks", filter=~Q(tasks__status=TaskStatus.CANCELLED)),
        n_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        n_open=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN)),
    )
