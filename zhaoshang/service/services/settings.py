"""The city's settings of the service system (服务设置): problem categories and where they go,
each department's 分管领导 (rung 2 of the escalation ladder), the element kinds' allocating
department and agenda delay, the service kinds, and the commissioner queue's thresholds.

Reference data the city edits, never deletes (records cite them; a kind no longer used is
switched off). Each write checks the version the form was read at, under the row lock, and is
audited with the record before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import Scope, require

from ..models import ElementKind, ProblemCategory, ServiceKind, SupervisingLeader, WorkQueueRule

M = TypeVar("M", bound=models.Model)
Version = str | Iterable[str] | None

MAX_WORKDAYS = 60
MAX_RULE_DAYS = 365


def _save(
    *, actor: Any, model: type[M], instance: M | None, values: dict[str, Any], version: Version,
    note: str,
) -> M:  # fmt: skip
    """Create or update one settings row: permission, lock, version, model validation, audit."""
    require(actor, "change" if instance else "add", instance or model)
    with transaction.atomic():
        stored = model.objects.select_for_update().get(pk=instance.pk) if instance else None
        if stored is not None:
            check_version(stored, version, submitted=values)
        before = audit.snapshot(stored)
        row = stored or model()
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
        if stored is None:
            audit.record_create(actor=actor, obj=row, note=note)
        else:
            audit.record_update(actor=actor, obj=row, before=before, note=note)
    return row


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [missing]})
    return value


def _between(value: int, field: str, low: int, high: int, label: str) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise ValidationError({field: [f"{label}须为{low}至{high}之间的整数"]})
    return value


def _next_code(model: type[models.Model], prefix: str) -> str:
    """A code for a row the city adds (codes of the rows it starts with are named in code)."""
    n = model.objects.count() + 1
    while model.objects.filter(code=f"{prefix}{n}").exists():
        n += 1
    return f"{prefix}{n}"


def problem_category_save(
    *, actor: Any, category: ProblemCategory | None = None, name: str, department: Department,
    limit_workdays: int, is_active: bool = True, sort_order: int = 0, version: Version = None,
) -> ProblemCategory:  # fmt: skip
    """Add a problem category or change where it goes and in how many working days."""
    values: dict[str, Any] = {
        "name": _text(name, "name", "请填写类别名称"),
        "department": department,
        "limit_workdays": _between(limit_workdays, "limit_workdays", 1, MAX_WORKDAYS, "办理时限"),
        "is_active": bool(is_active),
        "sort_order": sort_order,
    }
    if category is None:
        values["code"] = _next_code(ProblemCategory, "c")
    return _save(
        actor=actor, model=ProblemCategory, instance=category, values=values, version=version,
        note=f"问题类别：{values['name']} → {department.name}",
    )  # fmt: skip


def supervising_leader_set(
    *, actor: Any, department: Department, leader: User | None, version: Version = None
) -> SupervisingLeader | None:
    """Name the city leader in charge of a department (None: nobody; the row is removed).

    Only an active city-level leader account may be named: the ladder's second rung tells them."""
    existing = SupervisingLeader.objects.filter(department=department).first()
    if leader is not None and not (
        leader.is_active and leader.role == Role.LEADER and leader.scope == Scope.ALL
    ):
        raise ValidationError({"leader": ["请选择在用的市级领导账号"]})
    if leader is None:
        if existing is None:
            return None
        require(actor, "delete", existing)
        with transaction.atomic():
            stored = SupervisingLeader.objects.select_for_update().get(pk=existing.pk)
            check_version(stored, version, submitted={"leader": None})
            audit.record_delete(actor=actor, obj=stored, note=f"{department.name}：不再设分管领导")
            stored.delete()
        return None
    return _save(
        actor=actor, model=SupervisingLeader, instance=existing,
        values={"department": department, "leader": leader}, version=version,
        note=f"{department.name} 分管领导：{leader.display_name or leader.username}",
    )  # fmt: skip


def element_kind_save(
    *, actor: Any, kind: ElementKind, name: str, measure: str, department: Department | None,
    agenda_after_days: int, version: Version = None,
) -> ElementKind:  # fmt: skip
    """Change an element kind's name, measure, allocating department (None: the city) or how
    long a need may wait before it goes on a 联席会议's agenda."""
    values = {
        "name": _text(name, "name", "请填写要素名称"),
        "measure": _text(measure, "measure", "请填写计量单位"),
        "department": department,
        "agenda_after_days": _between(
            agenda_after_days, "agenda_after_days", 1, MAX_RULE_DAYS, "提交联席会议前的等待天数"
        ),
    }
    return _save(
        actor=actor, model=ElementKind, instance=kind, values=values, version=version,
        note=f"要素种类：{values['name']}",
    )  # fmt: skip


def service_kind_save(
    *, actor: Any, kind: ServiceKind | None = None, name: str, is_active: bool = True,
    sort_order: int = 0, version: Version = None,
) -> ServiceKind:  # fmt: skip
    """Add a kind of service (走访, 电话 …) or rename or switch one off."""
    values: dict[str, Any] = {
        "name": _text(name, "name", "请填写服务方式"),
        "is_active": bool(is_active),
        "sort_order": sort_order,
    }
    if kind is None:
        values["code"] = _next_code(ServiceKind, "k")
    return _save(
        actor=actor, model=ServiceKind, instance=kind, values=values, version=version,
        note=f"服务方式：{values['name']}",
    )  # fmt: skip


def work_queue_rule_set(
    *, actor: Any, rule: WorkQueueRule, days: int, version: Version = None
) -> WorkQueueRule:
    """Change a threshold of the commissioner's work queue (and of the reminder that shares it)."""
    values = {"days": _between(days, "days", 1, MAX_RULE_DAYS, "天数")}
    return _save(
        actor=actor, model=WorkQueueRule, instance=rule, values=values, version=version,
        note=f"工作台规则：{rule.label}",
    )  # fmt: skip
