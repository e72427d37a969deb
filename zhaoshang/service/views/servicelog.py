"""The service log on a project: the log page, the phone-sized entry form, the audited reveal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.core import htmx, masking
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import require_model_permission, submitted
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.projects import page_panels
from zhaoshang.projects.models import Project
from zhaoshang.projects.selectors import project_get

from ..models import ServiceKind, ServiceLog
from ..selectors.servicelog import active_kinds, service_logs_for
from ..services.servicelog import (
    can_reveal_contact,
    service_log_add,
    service_log_reveal,
    service_log_update,
)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ServiceLogForm(BootstrapFormMixin, VersionedFormMixin, forms.Form):
    on = forms.DateField(label="服务日期", widget=_DateInput())
    kind = forms.ModelChoiceField(
        label="服务方式", queryset=ServiceKind.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label="服务内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    contact_name = forms.CharField(label="对接人", required=False, max_length=50)
    contact_phone = forms.CharField(
        label="对接人电话",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    help_given = forms.CharField(
        label="帮助解决事项",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="协调解决了什么、帮办了哪些手续（可选）",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = active_kinds()
        self.fields["kind"].widget.attrs["class"] = "form-select"

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("on", "kind", "note", "contact_name", "contact_phone",
                                     "help_given")}  # fmt: skip


def _log_url(project: Project) -> str:
    return reverse("service:servicelog-project", args=[project.pk])


def _trail(project: Project) -> list[tuple[str, str]]:
    return [
        ("招商项目", reverse("projects:list")),
        (project.name, reverse("projects:detail", args=[project.pk])),
        ("服务记录", _log_url(project)),
    ]


def panel_context(user: Any, project: Project, *, limit: int | None = 5) -> dict[str, Any] | None:
    """What the service-log panel of the project page shows, or None when the user may not
    see the log at all."""
    if not has_model_permission(user, "view", ServiceLog):
        return None
    logs = service_logs_for(user=user, project=project)
    total = logs.count()
    return {
        "project": project,
        "logs": list(logs[:limit] if limit else logs),
        "log_total": total,
        "can_add_log": has_model_permission(user, "add", ServiceLog),
        "can_reveal": can_reveal_contact(user),
        "user_id": user.pk,
    }


@login_required
@require_GET
def project_log(request: HttpRequest, pk: int) -> HttpResponse:
    """项目服务记录：走访、电话、协调、帮办，按日期倒序。"""
    require_model_permission(request.user, "view", ServiceLog)
    project = project_get(user=request.user, pk=pk)
    context = panel_context(request.user, project, limit=None)
    return render(request, "service/servicelog/project_log.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def log_create(request: HttpRequest, pk: int) -> HttpResponse:
    """登记一次服务（手机可用的小表单）。"""
    require_model_permission(request.user, "add", ServiceLog)
    project = project_get(user=request.user, pk=pk)
    back = _log_url(project)
    if request.GET.get("next") == "project":
        back = reverse("projects:detail", args=[project.pk]) + "#panel-service_log"
    form = ServiceLogForm(request.POST or None)

    def write() -> str:
        service_log_add(actor=request.user, project=project, **form.service_kwargs())
        return "服务记录已登记"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "project": project},
        title=f"登记服务：{project.name}",
        back_url=back,
        breadcrumbs=_trail(project),
    )


def _own_entry(request: HttpRequest, pk: int, action: str) -> ServiceLog:
    return get_object_or_404(
        ServiceLog.objects.restrict(request.user, action).select_related("project", "kind"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改本人登记的服务记录（电话以遮蔽形式显示，原样提交即保留）。"""
    require_model_permission(request.user, "change", ServiceLog)
    entry = _own_entry(request, pk, "change")
    if entry.actor_id != request.user.pk:
        raise PermissionDenied("只能修改本人登记的服务记录")
    back = _log_url(entry.project)
    initial = {
        "on": entry.on,
        "kind": entry.kind,
        "note": entry.note,
        "contact_name": entry.contact_name,
        "contact_phone": masking.mask_phone(entry.contact_phone),
        "help_given": entry.help_given,
    }
    form = ServiceLogForm(request.POST or None, initial=initial, version=version_of(entry))

    def write() -> str:
        service_log_update(
            actor=request.user,
            entry=entry,
            version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )
        return "服务记录已修改"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "project": entry.project},
        title=f"修改服务记录：{entry.project.name}",
        back_url=back,
        breadcrumbs=_trail(entry.project),
    )


@login_required
@require_POST
def log_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """显示对接人完整电话（每次查看写入审计日志）。"""
    if not can_reveal_contact(request.user):
        raise PermissionDenied("没有查看对接人电话的权限")
    entry = _own_entry(request, pk, "view")
    try:
        phone = service_log_reveal(actor=request.user, entry=entry)
    except ValidationError as exc:
        return HttpResponse(exc.messages[0], status=400)
    return render(request, "service/servicelog/_phone.html", {"phone": phone})


@page_panels.register("service_log", order=40)
def service_log_panel(request: HttpRequest, project: Project) -> page_panels.Panel | None:
    """服务记录 on the project page: the latest entries and the link to log one."""
    context = panel_context(request.user, project)
    if context is None:
        return None
    actions = [page_panels.Action("全部记录", _log_url(project))]
    if context["can_add_log"]:
        url = reverse("service:servicelog-create", args=[project.pk]) + "?next=project"
        actions.insert(0, page_panels.Action("登记服务", url))
    body = render_to_string("service/servicelog/_entries.html", context, request=request)
    total = context["log_total"]
    return page_panels.Panel(
        title="服务记录", body=body, actions=actions, badge=f"{total} 条" if total else ""
    )
