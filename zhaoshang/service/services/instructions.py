"""Leaders' instructions (领导批示): a leader writes on a project; the instruction becomes one or
more tasks, each with an owner and a deadline, whose owners are notified once (`task_create`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit, workdays
from zhaoshang.core.permissions import require
from zhaoshang.projects.models import Project

from ..models import Instruction, Task, TaskSource
from .tasks import Owner, task_create

# Who may instruct (批示): leaders; a county-bound leader only on the county's projects (scope).
INSTRUCTING_ROLES = frozenset({Role.LEADER})
MAX_TASKS = 10


@dataclass(frozen=True)
class TaskSpec:
    """One task of an instruction: what, for whom, by when (a date, or working days after the
    instruction's date, from the holiday calendar with 调休)."""

    title: str
    owner: Owner
    due_on: dt.date | None = None
    workdays: int | None = None
    detail: str = ""


def due_date(spec: TaskSpec, issued_on: dt.date) -> dt.date | None:
    if spec.due_on is not None:
        return spec.due_on
    if spec.workdays is not None and spec.workdays > 0:
        return workdays.add_workdays(issued_on, spec.workdays)
    return None


def instruction_give(
    *,
    actor: Any,
    project: Project,
    content: str,
    tasks: Sequence[TaskSpec],
    issued_on: dt.date | None = None,
) -> Instruction:
    """A leader's instruction on a project and the tasks it gives, in one transaction."""
    if getattr(actor, "role", "") not in INSTRUCTING_ROLES:
        raise PermissionDenied("只有领导可以作出批示")
    issued_on = issued_on or timezone.localdate()
    instruction = Instruction(
        project=project, leader=actor, content=(content or "").strip(), issued_on=issued_on
    )
    require(actor, "add", instruction)
    require(actor, "add", Task(project=project))
    errors: dict[str, list[str]] = {}
    if not instruction.content:
        errors["content"] = ["请填写批示内容"]
    if issued_on > timezone.localdate():
        errors["issued_on"] = ["批示日期不能晚于今天"]
    if not tasks:
        errors["tasks"] = ["请至少交办一项督办事项"]
    elif len(tasks) > MAX_TASKS:
        errors["tasks"] = [f"一次批示最多交办{MAX_TASKS}项"]
    for i, spec in enumerate(tasks, start=1):
        if due_date(spec, issued_on) is None:
            errors.setdefault("tasks", []).append(f"第{i}项：请填写办结时限")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        instruction.save()
        audit.record_create(actor=actor, obj=instruction)
        for spec in tasks:
            task_create(
                actor=actor,
                source=TaskSource.INSTRUCTION,
                project=project,
                title=spec.title or instruction.content[:60],
                detail=spec.detail or instruction.content,
                due_on=due_date(spec, issued_on),
                owner=spec.owner,
                instruction=instruction,
                checked_by_source=True,
            )
    return instruction
