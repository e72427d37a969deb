"""服务设置: the city edits the service system's reference data on one page — problem
categories, 分管领导, element kinds, service kinds and the work queue's thresholds — each row
in a dialog, through `services.settings` (versioned, audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.accounts.models import Department, UnitKind, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import require_model_permission, submitted
from zhaoshang.core.permissions import has_model_permission

from ..models import ElementKind, ProblemCategory, ServiceKind, SupervisingLeader, WorkQueueRule
from ..services import settings as svc

TITLE = "服务设置"


def _back() -> str:
    return reverse("service:settings")


def _city_leaders():
    return User.objects.filter(role=Role.LEADER, is_active=True, unit__kind=UnitKind.CITY)


class CategoryForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="类别", max_length=20)
    department = forms.ModelChoiceField(label="责任部门", queryset=Department.objects.all())
    limit_workdays = forms.IntegerField(
        label="办理时限（工作日）", min_value=1, max_value=svc.MAX_WORKDAYS
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class LeaderForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    leader = forms.ModelChoiceField(
        label="分管领导", queryset=User.objects.none(), required=False, empty_label="（不设）"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _city_leaders().order_by("username")
        self.fields["leader"].label_from_instance = lambda u: u.display_name or u.username


class ElementKindForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="要素", max_length=30)
    measure = forms.CharField(label="计量单位", max_length=20)
    department = forms.ModelChoiceField(
        label="配置部门", queryset=Department.objects.all(), required=False,
        empty_label="（市投资促进局统筹）",
    )  # fmt: skip
    agenda_after_days = forms.IntegerField(
        label="等待多少天后提交联席会议", min_value=1, max_value=svc.MAX_RULE_DAYS
    )


class ServiceKindForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="服务方式", max_length=20)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class RuleForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label="天数", min_value=1, max_value=svc.MAX_RULE_DAYS)


@login_required
@require_GET
def service_settings(request: HttpRequest) -> HttpResponse:
    """服务设置：问题类别、部门分管领导、要素种类、服务方式、工作台提醒规则。"""
    require_model_permission(request.user, "view", ProblemCategory)
    user = request.user
    leaders = {
        s.department_id: s.leader for s in SupervisingLeader.objects.select_related("leader")
    }
    departments = Department.objects.restrict(user, "view").order_by("sort_order", "id")
    return render(
        request,
        "service/settings.html",
        {
            "categories": ProblemCategory.objects.select_related("department"),
            "departments": [(d, leaders.get(d.pk)) for d in departments],
            "element_kinds": ElementKind.objects.select_related("department"),
            "service_kinds": ServiceKind.objects.order_by("sort_order", "id"),
            "rules": WorkQueueRule.objects.all(),
            "can_edit": has_model_permission(user, "change", ProblemCategory),
        },
    )


def _dialog(
    request: HttpRequest, form: forms.Form, write: Callable[[], str], title: str
) -> HttpResponse:
    if response := submitted(request, form, write, back_url=_back(), aliases={"code": "__all__"}):
        return response
    return htmx.render_dialog(
        request, "core/dialogs/form.html", {"form": form}, title=title, back_url=_back(),
        breadcrumbs=[(TITLE, _back())],
    )  # fmt: skip


def _row(model: type, pk: int | None) -> Any:
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise Http404("记录不存在")
    return row


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_model_permission(request.user, "change" if pk else "add", ProblemCategory)
    category = _row(ProblemCategory, pk)
    initial = (
        {f: getattr(category, f) for f in ("name", "limit_workdays", "sort_order", "is_active")}
        | {"department": category.department_id}
        if category
        else {"limit_workdays": 5, "is_active": True}
    )
    form = CategoryForm(
        request.POST or None, initial=initial, version=version_of(category) if category else ""
    )

    def write() -> str:
        saved = svc.problem_category_save(actor=request.user, category=category, **_data(form))
        return f"问题类别“{saved.name}”已保存"

    return _dialog(
        request, form, write, f"问题类别：{category.name}" if category else "新增问题类别"
    )


@login_required
@require_http_methods(["GET", "POST"])
def leader_edit(request: HttpRequest, department_pk: int) -> HttpResponse:
    require_model_permission(request.user, "change", SupervisingLeader)
    require_model_permission(request.user, "add", SupervisingLeader)
    department = _row(Department, department_pk)
    existing = SupervisingLeader.objects.filter(department=department).first()
    form = LeaderForm(
        request.POST or None,
        initial={"leader": existing.leader_id if existing else None},
        version=version_of(existing) if existing else "",
    )

    def write() -> str:
        svc.supervising_leader_set(actor=request.user, department=department, **_data(form))
        return f"“{department.name}”的分管领导已保存"

    return _dialog(request, form, write, f"分管领导：{department.name}")


@login_required
@require_http_methods(["GET", "POST"])
def element_kind_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_model_permission(request.user, "change", ElementKind)
    kind = _row(ElementKind, pk)
    initial = {f: getattr(kind, f) for f in ("name", "measure", "agenda_after_days")} | {
        "department": kind.department_id
    }
    form = ElementKindForm(request.POST or None, initial=initial, version=version_of(kind))

    def write() -> str:
        saved = svc.element_kind_save(actor=request.user, kind=kind, **_data(form))
        return f"要素种类“{saved.name}”已保存"

    return _dialog(request, form, write, f"要素种类：{kind.name}")


@login_required
@require_http_methods(["GET", "POST"])
def service_kind_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_model_permission(request.user, "change" if pk else "add", ServiceKind)
    kind = _row(ServiceKind, pk)
    initial = (
        {f: getattr(kind, f) for f in ("name", "sort_order", "is_active")}
        if kind
        else {"is_active": True}
    )
    form = ServiceKindForm(
        request.POST or None, initial=initial, version=version_of(kind) if kind else ""
    )

    def write() -> str:
        saved = svc.service_kind_save(actor=request.user, kind=kind, **_data(form))
        return f"服务方式“{saved.name}”已保存"

    return _dialog(request, form, write, f"服务方式：{kind.name}" if kind else "新增服务方式")


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_model_permission(request.user, "change", WorkQueueRule)
    rule = _row(WorkQueueRule, pk)
    form = RuleForm(request.POST or None, initial={"days": rule.days}, version=version_of(rule))

    def write() -> str:
        svc.work_queue_rule_set(actor=request.user, rule=rule, **_data(form))
        return f"“{rule.label}”已保存"

    return _dialog(request, form, write, rule.label)


def _data(form: forms.Form) -> dict[str, Any]:
    """The form's values as the service's keywords (the version among them, when it has one)."""
    data = dict(form.cleaned_data)
    data.setdefault("version", None)
    return data
