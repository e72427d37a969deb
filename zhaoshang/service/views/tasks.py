"""Pages of tasks (督办事项): the supervision list (我的督办), a task, and its life — close with a
result, cancel, change the deadline (dialogs; POST writes, every one through the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit, htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import CountedPaginator, is_partial, require_model_permission
from zhaoshang.core.permissions import Scope, has_model_permission

from ..models import Task, TaskSource, TaskStatus
from ..selectors import tasks as selectors
from ..services import tasks as services

PAGE_SIZE = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TaskCloseForm(BootstrapFormMixin, VersionedFormMixin, forms.Form):
    done_on = forms.DateField(label="办结日期", widget=DateInput())
    result = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 4}))


class TaskCancelForm(BootstrapFormMixin, VersionedFormMixin, forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=300)


class TaskExtendForm(BootstrapFormMixin, VersionedFormMixin, forms.Form):
    due_on = forms.DateField(label="新的办结时限", widget=DateInput())
    reason = forms.CharField(label="调整理由", max_length=300)


def _may(user: Any, task: Task) -> dict[str, bool]:
    """Who may do what to the task, open or not (the services check again)."""
    change = has_model_permission(user, "change", Task)
    setter = change and services.is_setter(user, task)
    owner = change and (services.is_owner(user, task) or services.is_supervisor(user))
    return {"close": owner, "cancel": setter, "extend": setter}


def _actions(user: Any, task: Task) -> dict[str, bool]:
    """The buttons shown: what the user may do to the task now."""
    open_ = task.status == TaskStatus.OPEN
    return {f"can_{action}": open_ and ok for action, ok in _may(user, task).items()}


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """我的督办：本人、本单位或本部门负责的督办事项；市级查看全部。按状态、来源、逾期、责任方筛选。"""
    require_model_permission(request.user, "view", Task)
    params = request.GET.copy()
    if "mine" not in params and "given" not in params:
        # A leader follows what they gave; the city sees all; everyone else what they own.
        if request.user.role == Role.LEADER:
            params["given"] = "true"
        elif request.user.scope != Scope.ALL:
            params["mine"] = "true"
    found = selectors.task_filter(user=request.user, filters=params)
    qs = found.qs if found.is_valid() else Task.objects.none()
    counts = selectors.task_counts(qs.order_by())
    total = counts["open"] + counts["done"] + counts["cancelled"]
    page = CountedPaginator(qs, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "counts": counts,
        "filter": found,
        "params": params,
        "statuses": TaskStatus.choices,
        "sources": TaskSource.choices,
        "today": timezone.localdate(),
        "is_city": request.user.scope == Scope.ALL,
    }
    template = (
        "service/tasks/partials/results.html"
        if is_partial(request, "task-results")
        else "service/tasks/task_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """督办事项详情：来源、责任方、时限、办理结果和变更记录。"""
    require_model_permission(request.user, "view", Task)
    task = selectors.task_get(user=request.user, pk=pk)
    context = {
        "task": task,
        "today": timezone.localdate(),
        "history": list(audit.history_for(task)[:50]),
        **_actions(request.user, task),
    }
    return render(request, "service/tasks/task_detail.html", context)


def _dialog(
    request: HttpRequest, pk: int, action: str, form_class: type[forms.Form], title: str, write
) -> HttpResponse:
    require_model_permission(request.user, "change", Task)
    task = selectors.task_get(user=request.user, pk=pk)
    if not _may(request.user, task)[action]:
        raise PermissionDenied("您不能办理此督办事项")
    back = reverse("service:task-detail", args=[task.pk])
    version = version_of(task)
    data = request.POST if request.method == "POST" else None
    initial = {"done_on": timezone.localdate()} if form_class is TaskCloseForm else {}
    form = form_class(data, version=version, initial=initial)
    response = htmx.submitted(request, form, lambda: write(task, form.cleaned_data), back_url=back)
    if response is not None:
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "task": task},
        title=f"{title}：{task.title}",
        back_url=back,
        breadcrumbs=[("我的督办", reverse("service:task-list")), (task.title, back)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    """办结督办事项（责任方填写办理结果）。"""

    def write(task: Task, data: dict) -> str:
        services.task_close(
            actor=request.user,
            task=task,
            result=data["result"],
            done_on=data["done_on"],
            version=data.get("version"),
        )
        return "已办结"

    return _dialog(request, pk, "close", TaskCloseForm, "办结", write)


@login_required
@require_http_methods(["GET", "POST"])
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销督办事项（交办人或市级，须说明理由）。"""

    def write(task: Task, data: dict) -> str:
        services.task_cancel(
            actor=request.user, task=task, reason=data["reason"], version=data.get("version")
        )
        return "已撤销"

    return _dialog(request, pk, "cancel", TaskCancelForm, "撤销", write)


@login_required
@require_http_methods(["GET", "POST"])
def task_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """调整办结时限（交办人或市级，须说明理由）。"""

    def write(task: Task, data: dict) -> str:
        services.task_extend(
            actor=request.user,
            task=task,
            due_on=data["due_on"],
            reason=data["reason"],
            version=data.get("version"),
        )
        return f"办结时限已调整为 {data['due_on']:%Y-%m-%d}"

    return _dialog(request, pk, "extend", TaskExtendForm, "调整时限", write)
