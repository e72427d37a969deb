"""Pages of leaders' instructions (领导批示): the dialog a leader writes on a project, giving up to
three tasks each with an owner and a deadline (a date, or working days)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zhaoshang.accounts.models import Department, Unit
from zhaoshang.core import htmx
from zhaoshang.core.forms import BootstrapFormMixin
from zhaoshang.core.htmx import require_model_permission
from zhaoshang.projects.models import Project

from ..models import Instruction
from ..services.instructions import INSTRUCTING_ROLES, TaskSpec, instruction_give
from ..services.tasks import Owner
from .tasks import DateInput

ROWS = 3


class InstructionForm(BootstrapFormMixin, forms.Form):
    content = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, ROWS + 1):
            need = "（必填）" if i == 1 else "（选填）"
            self.fields[f"t{i}_title"] = forms.CharField(
                label=f"督办事项{i}{need}", max_length=300, required=i == 1
            )
            self.fields[f"t{i}_department"] = forms.ModelChoiceField(
                label=f"事项{i}责任部门", queryset=Department.objects.all(), required=False
            )
            self.fields[f"t{i}_unit"] = forms.ModelChoiceField(
                label=f"事项{i}责任单位", queryset=Unit.objects.exclude(kind="city"), required=False
            )
            self.fields[f"t{i}_workdays"] = forms.IntegerField(
                label=f"事项{i}办结时限（工作日）", min_value=1, max_value=250, required=False,
                help_text="按法定节假日和调休计算；或填写下方日期",
            )  # fmt: skip
            self.fields[f"t{i}_due_on"] = forms.DateField(
                label=f"事项{i}办结日期", widget=DateInput(), required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for i in range(1, ROWS + 1):
            if not data.get(f"t{i}_title"):
                continue
            if not (data.get(f"t{i}_department") or data.get(f"t{i}_unit")):
                self.add_error(f"t{i}_department", "请指定责任部门或责任单位")
            if not (data.get(f"t{i}_workdays") or data.get(f"t{i}_due_on")):
                self.add_error(f"t{i}_workdays", "请填写工作日时限或办结日期")
        return data

    def specs(self) -> list[TaskSpec]:
        data = self.cleaned_data
        return [
            TaskSpec(
                title=data[f"t{i}_title"],
                owner=Owner(department=data[f"t{i}_department"], unit=data[f"t{i}_unit"]),
                due_on=data[f"t{i}_due_on"],
                workdays=data[f"t{i}_workdays"],
            )
            for i in range(1, ROWS + 1)
            if data.get(f"t{i}_title")
        ]


@login_required
@require_http_methods(["GET", "POST"])
def instruction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """领导批示：写下批示并交办督办事项（责任方、时限），责任方收到通知。"""
    require_model_permission(request.user, "add", Instruction)
    if request.user.role not in INSTRUCTING_ROLES:
        raise PermissionDenied("只有领导可以作出批示")
    project = get_object_or_404(Project.objects.restrict(request.user, "view"), pk=pk)
    back = reverse("projects:detail", args=[project.pk]) + "#panel-team"
    form = InstructionForm(request.POST if request.method == "POST" else None)

    def write() -> str:
        instruction = instruction_give(
            actor=request.user,
            project=project,
            content=form.cleaned_data["content"],
            tasks=form.specs(),
            issued_on=timezone.localdate(),
        )
        return f"批示已交办 {instruction.tasks.count()} 项督办事项"

    done = htmx.submitted(request, form, write, back_url=back,
                          aliases={"tasks": "__all__", "owner": "__all__", "due_on": "__all__"})  # fmt: skip
    return done or htmx.render_dialog(
        request, "core/dialogs/form.html", {"form": form},
        title=f"批示：{project.name}", back_url=back,
        breadcrumbs=[("招商项目", reverse("projects:list")), (project.name, back)],
    )  # fmt: skip
