"""The one permission mechanism: `.restrict(user, action)` on querysets and `require()` in services.

Two questions decide every access, and both are data rather than code paths:

1. May this user perform `action` on this *kind* of record at all? Django model permissions
   (`projects.change_project` …) granted to the user's role group, editable by the system
   administrator. No → 403.
2. Which records? The user's scope (from the role: all, own unit, assigned, department, none)
   applied through the paths the model declares in `scope_paths`. Outside → 404 / invisible.

Reference data every permitted user sees in full (units, industries, the enterprise registry)
sets `scope_shared = True`. Deny by default: any other model that declares no path for a scope shows nothing to users of that scope.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)
ACTION_LABELS = {VIEW: "查看", ADD: "新增", CHANGE: "修改", DELETE: "删除"}


class Scope(enum.StrEnum):
    """Which records a user's role reaches."""

    ALL = "all"  # the city: every unit's records
    UNIT = "unit"  # records of the user's own unit (plus those assigned to them)
    ASSIGNED = "assigned"  # only records the user is assigned to (commissioner, leader)
    DEPARTMENT = "department"  # records routed to the user's department
    NONE = "none"  # no business records at all


_NOTHING = Q(pk__in=[])


def permission_codename(action: str, model: type[models.Model]) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def has_model_permission(user: Any, action: str, model: type[models.Model]) -> bool:
    """Whether the user's role may perform `action` on records of `model` at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(permission_codename(action, model))


def _paths(model: type[models.Model], key: str) -> list[str]:
    value = getattr(model, "scope_paths", {}).get(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _scope_paths(user: Any, model: type[models.Model]) -> list[tuple[str, Any]]:
    """(path, the user's value) pairs any of which puts a record of `model` in the scope."""
    scope = getattr(user, "scope", Scope.NONE)
    pairs: list[tuple[str, Any]] = []
    if scope == Scope.UNIT and user.unit_id:
        pairs += [(path, user.unit_id) for path in _paths(model, "unit")]
    if scope == Scope.DEPARTMENT and user.department_id:
        pairs += [(path, user.department_id) for path in _paths(model, "department")]
    if scope in (Scope.UNIT, Scope.ASSIGNED):
        pairs += [(path, user.pk) for path in _paths(model, "assigned")]
    return pairs


def scope_filter(user: Any, model: type[models.Model]) -> Q:
    """The Q object selecting the records of `model` within the user's scope."""
    scope = getattr(user, "scope", Scope.NONE)
    if scope == Scope.ALL or getattr(model, "scope_shared", False):
        return Q()
    q = _NOTHING
    for path, value in _scope_paths(user, model):
        q |= Q(**{path: value})
    return q


def _crosses_many(model: type[models.Model], path: str) -> bool:
    """Whether a lookup path walks a to-many relation (a join that can repeat a row)."""
    current: Any = model
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:  # a lookup such as `in` or `isnull` ends the path
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        current = field.related_model
    return False


def restrict(queryset: models.QuerySet, user: Any, action: str = VIEW) -> models.QuerySet:
    """Narrow `queryset` to what `user` may perform `action` on; empty when not permitted.

    A scope path through a to-many relation (a team's members' departments) is applied as a
    subquery on the primary key, never as a join: a record matched twice is still one row, so a
    list never shows it twice and a `get()` never finds it twice."""
    if not has_model_permission(user, action, queryset.model):
        return queryset.none()
    model = queryset.model
    q = scope_filter(user, model)
    if not q:
        return queryset
    if any(_crosses_many(model, path) for path, _value in _scope_paths(user, model)):
        return queryset.filter(pk__in=model._base_manager.filter(q).values("pk"))
    return queryset.filter(q)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> models.QuerySet:
        return restrict(self, user, action)


def _resolve(obj: models.Model, path: str) -> Any:
    """Follow a lookup path like `project__unit` on an instance, returning the final pk."""
    value: Any = obj
    parts = path.split("__")
    for i, part in enumerate(parts):
        if value is None:
            return None
        last = i == len(parts) - 1
        field = value._meta.get_field(part) if isinstance(value, models.Model) else None
        if last and field is not None and field.is_relation and field.many_to_one:
            return getattr(value, field.attname)
        value = getattr(value, part)
    return value.pk if isinstance(value, models.Model) else value


def in_scope(user: Any, obj: models.Model) -> bool:
    """Python-side scope check, usable for records not yet saved."""
    scope = getattr(user, "scope", Scope.NONE)
    model = type(obj)
    if scope == Scope.ALL or getattr(model, "scope_shared", False):
        return True
    checks: list[tuple[str, Any]] = []
    if scope == Scope.UNIT:
        checks += [(p, user.unit_id) for p in _paths(model, "unit")]
    if scope == Scope.DEPARTMENT:
        checks += [(p, user.department_id) for p in _paths(model, "department")]
    if scope in (Scope.UNIT, Scope.ASSIGNED):
        checks += [(p, user.pk) for p in _paths(model, "assigned")]
    return any(expected is not None and _resolve(obj, p) == expected for p, expected in checks)


def require(user: Any, action: str, obj: models.Model | type[models.Model]) -> None:
    """Raise PermissionDenied unless `user` may perform `action` on `obj` (or its model)."""
    model = obj if isinstance(obj, type) else type(obj)
    if not has_model_permission(user, action, model):
        verb = ACTION_LABELS.get(action, action)
        raise PermissionDenied(f"没有{verb}{model._meta.verbose_name}的权限")
    if isinstance(obj, models.Model) and not in_scope(user, obj):
        raise PermissionDenied(f"无权操作此{model._meta.verbose_name}")


def require_perm(user: Any, codename: str) -> None:
    """Raise PermissionDenied unless the user holds a special permission such as verification."""
    if user is None or not user.is_authenticated or not user.has_perm(codename):
        raise PermissionDenied("没有此项操作权限")


def permitted_actions(user: Any, model: type[models.Model], actions: Iterable[str] = ACTIONS):
    return {a for a in actions if has_model_permission(user, a, model)}
