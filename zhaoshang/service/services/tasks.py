"""Tasks (督办事项): created by the topics that give them (instructions, decisions, conditions),
closed by their owner with a result, cancelled or given a new deadline by whoever set them.

Every source creates its tasks through `task_create`, so a task's owner is notified the same way
whatever the task comes from, and the life of a task (close, cancel, extend) is one set of rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import Scope, require
from zhaoshang.notices import kinds, reminders
from zhaoshang.notices.services import notify

from ..models import Task, TaskSource, TaskStatus

KIND_ASSIGNED = "task_assigned"
KIND_CHANGED = "task_changed"
KIND_DONE = "task_done"
kinds.register(KIND_ASSIGNED, "督办事项交办", mutable=False)
kinds.register(KIND_CHANGED, "督办事项时限变更或撤销", mutable=False)
kinds.register(KIND_DONE, "督办事项办结")

TITLE_MAX = Task._meta.get_field("title").max_length
REASON_MAX = Task._meta.get_field("cancel_reason").max_length

# Which active accounts stand for an owning department or unit when a task is sent to them.
OWNER_ROLES: dict[str, tuple[str, ...]] = {
    "department": (Role.DEPT_STAFF,),
    "unit": (Role.UNIT_STAFF,),
}

# Who runs the whole city's supervision (督查): may close, cancel or extend any task in scope.
SUPERVISOR_ROLES: frozenset[str] = frozenset({Role.CITY_ADMIN})


def is_supervisor(user: Any) -> bool:
    return getattr(user, "role", "") in SUPERVISOR_ROLES and user.scope == Scope.ALL


@dataclass(frozen=True)
class Owner:
    """Who a task is for: exactly the non-empty ones are set (at least one)."""

    department: Department | None = None
    unit: Unit | None = None
    user: User | None = None


def task_url(task: Task) -> str:
    return reverse("service:task-detail", args=[task.pk])


def owner_recipients(task: Task) -> list[User]:
    """The accounts a task's owner stands for: the person, the department's staff, the unit's."""
    people: list[User] = []
    if task.owner_user_id:
        people.append(task.owner_user)
    active = User.objects.filter(is_active=True)
    if task.owner_department_id:
        people += active.filter(
            department_id=task.owner_department_id, role__in=OWNER_ROLES["department"]
        ).order_by("pk")
    if task.owner_unit_id:
        people += active.filter(unit_id=task.owner_unit_id, role__in=OWNER_ROLES["unit"]).order_by(
            "pk"
        )
    return people


def is_owner(user: Any, task: Task) -> bool:
    """Whether the user is (or belongs to) the task's owner."""
    if user is None or not user.is_authenticated:
        return False
    return (
        (task.owner_user_id is not None and task.owner_user_id == user.pk)
        or (task.owner_department_id is not None and task.owner_department_id == user.department_id)
        or (
            task.owner_unit_id is not None
            and task.owner_unit_id == user.unit_id
            and user.role in OWNER_ROLES["unit"]
        )
    )


def is_setter(user: Any, task: Task) -> bool:
    """Whether the user set the task (its 交办人) or runs the whole city's supervision."""
    if user is None or not user.is_authenticated:
        return False
    return task.created_by_id == user.pk or is_supervisor(user)


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["请填写督办事项"]})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": [f"督办事项不能超过{TITLE_MAX}字"]})
    return title


def _links_ok(links: dict[str, models.Model]) -> None:
    """Each link names a source field on Task (a topic's own FK such as `instruction`)."""
    for name in links:
        field = Task._meta.get_field(name)  # FieldDoesNotExist: a programming error
        if not (field.many_to_one and field.null):
            raise TypeError(f"{name} is not a task source link")


def task_create(
    *,
    actor: Any,
    source: str,
    title: str,
    due_on: dt.date,
    owner: Owner,
    project: Any = None,
    detail: str = "",
    checked_by_source: bool = False,
    notify_owner: bool = True,
    **links: models.Model,
) -> Task:
    """Create one task and notify its owner once, after the commit.

    A topic that tells the owners itself when its tasks take effect passes
    ``notify_owner=False``: a meeting's decisions are assigned by the issued minutes, not when
    the secretary records them (a decision withdrawn before the minutes never reached anyone).

    `links` set the source record (e.g. ``instruction=…``, ``decision=…``: the nullable FK the
    topic added on Task). A topic whose own service already checked that its actor may write the
    source record (a meeting's minutes, a review's conditions) passes ``checked_by_source=True``:
    the task follows from that write, and the actor need not hold the task permission itself.
    Call it inside the topic's transaction; the notice goes out only if that commits.
    """
    if source not in TaskSource.values:
        raise ValidationError({"source": [f"未知来源：{source}"]})
    _links_ok(links)
    task = Task(
        source=source,
        project=project,
        title=_clean_title(title),
        detail=(detail or "").strip(),
        owner_department=owner.department,
        owner_unit=owner.unit,
        owner_user=owner.user,
        due_on=due_on,
        original_due_on=due_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **links,
    )
    if not checked_by_source:
        require(actor, "add", task)
    errors: dict[str, list[str]] = {}
    if not (owner.department or owner.unit or owner.user):
        errors["owner"] = ["请指定责任部门、责任单位或责任人"]
    if owner.user is not None and not owner.user.is_active:
        errors["owner"] = ["责任人账号已停用"]
    if not isinstance(due_on, dt.date):
        errors["due_on"] = ["请填写办结时限"]
    elif due_on < timezone.localdate():
        errors["due_on"] = ["办结时限不能早于今天"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task.save()
        audit.record_create(actor=actor, obj=task, note=TaskSource(source).label)
        if notify_owner:
            transaction.on_commit(lambda: _notify_assigned(task.pk))
    return task


def _notify_assigned(task_id: int) -> None:
    task = Task.objects.select_related("project").get(pk=task_id)
    where = f"（{task.project}）" if task.project_id else ""
    notify(
        recipients=owner_recipients(task),
        kind=KIND_ASSIGNED,
        title=f"新的督办事项：{task.title}"[:200],
        body=f"{task.get_source_display()}{where}，请于{task.due_on:%Y-%m-%d}前办结。",
        url=task_url(task),
        key=f"task-assigned:{task.pk}",
    )


def _locked(task: Task, version: str | Iterable[str] | None, submitted: dict) -> Task:
    stored = Task.objects.select_for_update().get(pk=task.pk)
    check_version(stored, version, submitted=submitted)
    if stored.status != TaskStatus.OPEN:
        raise ValidationError({"status": [f"该督办事项{stored.get_status_display()}，不能再办理"]})
    return stored


def _reason(reason: str, field: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: [missing]})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: [f"不能超过{REASON_MAX}字"]})
    return reason


def task_close(
    *,
    actor: Any,
    task: Task,
    result: str,
    done_on: dt.date,
    version: str | Iterable[str] | None = None,
) -> Task:
    """The owner (or the city) reports the task done on a date with its result."""
    require(actor, "change", task)
    if not (is_owner(actor, task) or is_supervisor(actor)):
        raise PermissionDenied("只有责任部门、责任单位或责任人可以办结此事项")
    result = (result or "").strip()
    errors: dict[str, list[str]] = {}
    if not result:
        errors["result"] = ["请填写办理结果"]
    if not isinstance(done_on, dt.date):
        errors["done_on"] = ["请填写办结日期"]
    elif done_on > timezone.localdate():
        errors["done_on"] = ["办结日期不能晚于今天"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stored = _locked(task, version, {"result": result, "done_on": done_on})
        if done_on < timezone.localtime(stored.created_at).date():
            raise ValidationError({"done_on": ["办结日期不能早于交办日期"]})
        before = audit.snapshot(stored)
        stored.status = TaskStatus.DONE
        stored.done_on = done_on
        stored.result = result
        stored.closed_by = actor
        stored.save()
        audit.record_update(actor=actor, obj=stored, before=before, note="办结")
        transaction.on_commit(lambda: _notify_setter(stored.pk, "done"))
    return stored


def task_cancel(
    *, actor: Any, task: Task, reason: str, version: str | Iterable[str] | None = None
) -> Task:
    """Whoever set the task (or the city) withdraws it, with a reason."""
    require(actor, "change", task)
    if not is_setter(actor, task):
        raise PermissionDenied("只有交办人或市级督办人员可以撤销此事项")
    reason = _reason(reason, "reason", "请填写撤销理由")
    with transaction.atomic():
        stored = _locked(task, version, {"cancel_reason": reason})
        before = audit.snapshot(stored)
        stored.status = TaskStatus.CANCELLED
        stored.cancel_reason = reason
        stored.closed_by = actor
        stored.save()
        audit.record_update(actor=actor, obj=stored, before=before, note=f"撤销：{reason}")
        transaction.on_commit(lambda: _notify_owner_change(stored.pk, f"已撤销：{reason}"))
    return stored


def task_extend(
    *,
    actor: Any,
    task: Task,
    due_on: dt.date,
    reason: str,
    version: str | Iterable[str] | None = None,
) -> Task:
    """Whoever set the task (or the city) changes its deadline, with a reason."""
    require(actor, "change", task)
    if not is_setter(actor, task):
        raise PermissionDenied("只有交办人或市级督办人员可以调整办结时限")
    reason = _reason(reason, "reason", "请填写调整理由")
    if not isinstance(due_on, dt.date):
        raise ValidationError({"due_on": ["请填写新的办结时限"]})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": ["新的办结时限不能早于今天"]})
    with transaction.atomic():
        stored = _locked(task, version, {"due_on": due_on})
        if due_on == stored.due_on:
            raise ValidationError({"due_on": ["新的办结时限与原时限相同"]})
        before = audit.snapshot(stored)
        old = stored.due_on
        stored.due_on = due_on
        stored.save()
        note = f"办结时限 {old:%Y-%m-%d} → {due_on:%Y-%m-%d}：{reason}"
        audit.record_update(actor=actor, obj=stored, before=before, note=note)
        transaction.on_commit(lambda: _notify_owner_change(stored.pk, note))
    return stored


def _notify_owner_change(task_id: int, what: str) -> None:
    task = Task.objects.get(pk=task_id)
    notify(
        recipients=owner_recipients(task),
        kind=KIND_CHANGED,
        title=f"督办事项变更：{task.title}"[:200],
        body=what,
        url=task_url(task),
    )


def _notify_setter(task_id: int, what: str) -> None:
    task = Task.objects.select_related("created_by").get(pk=task_id)
    setters = [task.created_by] if task.created_by_id else []
    if task.instruction_id:
        setters.append(task.instruction.leader)
    notify(
        recipients=[u for u in setters if u is not None],
        kind=KIND_DONE,
        title=f"督办事项已办结：{task.title}"[:200],
        body=task.result[:500],
        url=task_url(task),
        key=f"task-{what}:{task.pk}",
    )


# --- reminders (the notices app's registry runs them daily) ---------------------------------

REMIND_DUE = "service.task_due"
REMIND_OVERDUE = "service.task_overdue"
KIND_DUE = "task_due"
KIND_OVERDUE = "task_overdue"
kinds.register(KIND_DUE, "督办事项即将到期")
kinds.register(KIND_OVERDUE, "督办事项已逾期", mutable=False)


def tasks_remind_due(*, today: dt.date) -> int:
    """Owners of open tasks due within the threshold (3 days by default), once per deadline."""
    days = reminders.threshold(REMIND_DUE, "days")
    due = Task.objects.filter(
        status=TaskStatus.OPEN, due_on__gte=today, due_on__lte=today + dt.timedelta(days=days)
    ).select_related("project")
    sent = 0
    for task in due:
        sent += len(
            notify(
                recipients=owner_recipients(task),
                kind=KIND_DUE,
                title=f"督办事项将于{task.due_on:%Y-%m-%d}到期：{task.title}"[:200],
                url=task_url(task),
                key=f"task-due:{task.pk}:{task.due_on:%Y%m%d}",
            )
        )
    return sent


def tasks_remind_overdue(*, today: dt.date) -> int:
    """Owners and setters of open tasks past their deadline, once per deadline."""
    late = Task.objects.filter(status=TaskStatus.OPEN, due_on__lt=today).select_related(
        "project", "created_by"
    )
    sent = 0
    for task in late:
        people = [*owner_recipients(task), *([task.created_by] if task.created_by_id else [])]
        sent += len(
            notify(
                recipients=people,
                kind=KIND_OVERDUE,
                title=f"督办事项已逾期（时限{task.due_on:%Y-%m-%d}）：{task.title}"[:200],
                url=task_url(task),
                key=f"task-overdue:{task.pk}:{task.due_on:%Y%m%d}",
            )
        )
    return sent


reminders.register(REMIND_DUE, "督办事项即将到期", tasks_remind_due, thresholds={"days": 3})
reminders.register(REMIND_OVERDUE, "督办事项已逾期", tasks_remind_overdue)
