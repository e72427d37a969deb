"""Pages of problems (问题诉求): the list and the department's queue, the phone-sized raise form,
the detail with its timeline and the step dialogs (htmx, POST only, versioned), photos, the
department's home, the working-day calendar's corrections, and the project page's panel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.accounts.models import Department
from zhaoshang.core import audit, htmx, workdays
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.converters import parse_id
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import CountedPaginator, is_partial, require_model_permission, submitted
from zhaoshang.core.models import WorkdayOverride
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects import page_panels
from zhaoshang.projects.forms import MultipleFileField, MultipleFileInput
from zhaoshang.projects.models import Project
from zhaoshang.projects.services.photos import PHOTO_HELP

from ..models.problems import (
    EscalationLevel,
    Problem,
    ProblemCategory,
    ProblemPhoto,
    ProblemStatus,
)
from ..selectors import problems as selectors
from ..services import problems as services

PAGE_SIZE = 20
ACCEPT_PHOTOS = "image/jpeg,image/png,image/webp"


# --- forms -------------------------------------------------------------------------------------


class ProblemForm(BootstrapFormMixin, forms.Form):
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none())
    category = forms.ModelChoiceField(
        label="问题类别", queryset=ProblemCategory.objects.filter(is_active=True)
    )
    title = forms.CharField(label="问题", max_length=services.TITLE_MAX,
                            widget=forms.TextInput(attrs={"placeholder": "一句话说明问题"}))  # fmt: skip
    description = forms.CharField(
        label="具体情况",
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "现状、诉求、需要哪个部门做什么"}),
    )
    photos = MultipleFileField(
        label="现场照片",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_PHOTOS, "capture": "environment"}),
        help_text=PHOTO_HELP,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = Project.objects.restrict(user, "view").order_by("name")
        field.label_from_instance = lambda p: f"{p.name}（{p.unit.short_name}）"
        field.queryset = field.queryset.select_related("unit")
        self.fields["category"].label_from_instance = lambda c: (
            f"{c.name} → {c.department.short_name}（{c.limit_workdays}个工作日）"
        )
        self.fields["category"].queryset = self.fields["category"].queryset.select_related(
            "department"
        )


class StepForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    """The fields a step asks for (see STEP_FIELDS), plus the version the page was read at."""


SATISFACTION_CHOICES = [(5, "5 非常满意"), (4, "4 满意"), (3, "3 基本满意"), (2, "2 不满意"),
                        (1, "1 非常不满意")]  # fmt: skip

# Each step's dialog: its fields (name → form field factory) and the service keyword they feed.
STEP_FIELDS: dict[str, dict[str, Any]] = {
    "acknowledge": {},
    "answer": {"answer": lambda: forms.CharField(label="答复意见", max_length=services.TEXT_MAX,
                                                 widget=forms.Textarea(attrs={"rows": 4}))},
    "resolve": {"result": lambda: forms.CharField(label="办理结果", max_length=services.TEXT_MAX,
                                                  widget=forms.Textarea(attrs={"rows": 4}))},
    "confirm": {
        "satisfaction": lambda: forms.TypedChoiceField(
            label="满意度", choices=SATISFACTION_CHOICES, coerce=int, widget=forms.RadioSelect),
        "comment": lambda: forms.CharField(label="评价（可选）", required=False,
                                           max_length=services.TEXT_MAX,
                                           widget=forms.Textarea(attrs={"rows": 2})),
    },
    "reopen": {"reason": lambda: forms.CharField(label="退回理由", max_length=services.TEXT_MAX,
                                                 widget=forms.Textarea(attrs={"rows": 3}))},
    "escalate": {"reason": lambda: forms.CharField(label="升级理由", required=False,
                                                   max_length=services.TEXT_MAX,
                                                   widget=forms.Textarea(attrs={"rows": 2}))},
    "reroute": {
        "department": lambda: forms.ModelChoiceField(label="新的责任部门",
                                                     queryset=Department.objects.all()),
        "reason": lambda: forms.CharField(label="改派理由", max_length=services.TEXT_MAX,
                                          widget=forms.Textarea(attrs={"rows": 2})),
    },
    "note": {"note": lambda: forms.CharField(label="内部备注（仅本部门与市投资促进局可见）",
                                             max_length=services.TEXT_MAX,
                                             widget=forms.Textarea(attrs={"rows": 3}))},
}  # fmt: skip

STEP_SERVICES = {
    "acknowledge": services.problem_acknowledge,
    "answer": services.problem_answer,
    "resolve": services.problem_resolve,
    "confirm": services.problem_confirm,
    "reopen": services.problem_reopen,
    "escalate": services.problem_escalate,
    "reroute": services.problem_reroute,
    "note": services.problem_note,
}
STEP_BUTTONS = {  # label, Bootstrap button class
    "acknowledge": ("签收", "btn-primary"),
    "answer": ("答复", "btn-primary"),
    "resolve": ("办结", "btn-success"),
    "confirm": ("确认并评价", "btn-success"),
    "reopen": ("退回重办", "btn-outline-danger"),
    "escalate": ("升级督办", "btn-outline-warning"),
    "reroute": ("改派", "btn-outline-secondary"),
    "note": ("内部备注", "btn-outline-secondary"),
}


def _step_form(step: str, data: Any, problem: Problem) -> StepForm:
    form = StepForm(data, version=version_of(problem))
    for name, factory in STEP_FIELDS[step].items():
        form.fields[name] = factory()
    if step == "note":
        form.fields["note"].initial = problem.internal_note
    if step == "reroute":
        form.fields["department"].queryset = Department.objects.exclude(pk=problem.department_id)
    return form


# --- list and queue ----------------------------------------------------------------------------


def _is_department(user: Any) -> bool:
    return getattr(user, "scope", None) == Scope.DEPARTMENT


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    """问题诉求：本人范围内的问题，按状态、类别、部门、是否逾期筛选；部门看到待签收/办理中/已逾期。"""
    require_model_permission(request.user, "view", Problem)
    today = timezone.localdate()
    filterset = selectors.problems_for(user=request.user, filters=request.GET)
    rows = filterset.qs if filterset.is_valid() else Problem.objects.none()
    page = CountedPaginator(rows, PAGE_SIZE, count=rows.count()).get_page(request.GET.get("page"))
    base = selectors.visible_problems(user=request.user)
    context = {
        "filterset": filterset,
        "page": page,
        "today": today,
        "tab": request.GET.get("tab", ""),
        "tabs": [(k, v[0]) for k, v in selectors.QUEUE_TABS.items()],
        "counts": selectors.queue_counts(qs=base, today=today),
        "is_department": _is_department(request.user),
        "can_add": has_model_permission(request.user, "add", Problem),
    }
    template = (
        "service/problems/partials/results.html"
        if is_partial(request, "problem-results")
        else "service/problems/list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- raise ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request: HttpRequest) -> HttpResponse:
    """提出问题（手机可用）：项目限于本人可见范围，可带现场照片；按类别交办部门并计算办理时限。"""
    require_model_permission(request.user, "add", Problem)
    initial = {}
    if (pk := parse_id(request.GET.get("project"))) is not None:
        initial["project"] = pk
    form = ProblemForm(request.POST or None, request.FILES or None, user=request.user,
                       initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.problem_raise(
                actor=request.user,
                project=data["project"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                photos=data.get("photos") or [],
            )
        except ValidationError as exc:
            htmx.apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"问题已提交，交{problem.department.name}办理，时限 {problem.due_on:%Y-%m-%d}",
            )
            return redirect("service:problem-detail", pk=problem.pk)
    today = timezone.localdate()
    categories = list(ProblemCategory.objects.filter(is_active=True).select_related("department"))
    deadlines = {c.pk: services.due_date(c, today).isoformat() for c in categories}
    latest = max((dt.date.fromisoformat(d) for d in deadlines.values()), default=today)
    unknown = workdays.fallback_years(today, latest)
    return render(
        request,
        "service/problems/form.html",
        {"form": form, "deadlines": deadlines, "fallback_years": unknown},
    )


# --- detail and steps ------------------------------------------------------------------------------


def _steps(user: Any, problem: Problem) -> list[tuple[str, str, str]]:
    return [(code, *STEP_BUTTONS[code]) for code in services.allowed_steps(user, problem)]


@login_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """问题详情：办理时间线、照片、可进行的办理操作。"""
    require_model_permission(request.user, "view", Problem)
    problem = selectors.problem_get(user=request.user, pk=pk)
    internal = services.sees_internal_note(request.user, problem)
    today = timezone.localdate()
    context = {
        "problem": problem,
        "events": selectors.timeline(user=request.user, problem=problem, internal=internal),
        "photos": ProblemPhoto.objects.restrict(request.user, "view").filter(problem=problem),
        "internal": internal,
        "steps": _steps(request.user, problem),
        "today": today,
        "overdue": problem.is_overdue(today),
        "late_days": workdays.workdays_between(problem.due_on, today)
        if problem.is_overdue(today)
        else 0,
        "fallback_years": workdays.fallback_years(problem.raised_on, problem.due_on),
        "levels": EscalationLevel,
    }
    return render(request, "service/problems/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def problem_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step on a problem, as a dialog: GET shows it, POST takes it (never a GET write)."""
    if step not in STEP_SERVICES:
        raise Http404("不存在的操作")
    require_model_permission(request.user, "view", Problem)
    problem = selectors.problem_get(user=request.user, pk=pk)
    if request.method == "GET" and step not in services.allowed_steps(request.user, problem):
        raise PermissionDenied("您不能对此问题进行该操作，或问题的状态已变化")
    back = reverse("service:problem-detail", args=[problem.pk])
    form = _step_form(step, request.POST or None, problem)

    def write() -> str:
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        STEP_SERVICES[step](actor=request.user, problem=problem, version=version, **data)
        return f"已{STEP_BUTTONS[step][0]}：{problem.title}"

    if response := submitted(request, form, write, back_url=back):
        return response
    label, button = STEP_BUTTONS[step]
    return htmx.render_dialog(
        request,
        "service/problems/dialogs/step.html",
        {"form": form, "problem": problem, "label": label, "button": button},
        title=f"{label}：{problem.title}",
        back_url=back,
        breadcrumbs=[("问题诉求", reverse("service:problem-list")), (problem.title, back)],
    )


@login_required
@require_GET
def problem_photo(request: HttpRequest, pk: int) -> FileResponse:
    """问题照片（只在本人可见范围内）。"""
    require_model_permission(request.user, "view", ProblemPhoto)
    photo = get_object_or_404(ProblemPhoto.objects.restrict(request.user, "view"), pk=pk)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(handle, filename=photo.original_name, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the department's home -----------------------------------------------------------------------


def department_home_context(user: Any) -> dict[str, Any]:
    """The department's day: its queue (new, due soon, overdue, escalated), its deadlines and
    its figures this year."""
    today = timezone.localdate()
    mine = selectors.visible_problems(user=user)
    open_ = mine.filter(status__in=[s for s in ProblemStatus.values
                                    if s not in ("resolved", "confirmed")])  # fmt: skip
    soon = workdays.add_workdays(today, 2)
    year_start = today.replace(month=1, day=1)
    return {
        "today": today,
        "counts": selectors.queue_counts(qs=mine, today=today),
        "new": open_.filter(status__in=["raised", "reopened"]).order_by("due_on", "id")[:10],
        "due_soon": open_.filter(due_on__gte=today, due_on__lte=soon).order_by("due_on", "id")[:10],
        "overdue": open_.filter(due_on__lt=today).order_by("due_on", "id")[:10],
        "escalated": open_.filter(escalation_level__gt=0).order_by("-escalation_level", "due_on")[
            :10
        ],
        "figure_rows": [
            (f"{today.year}年", selectors.figures(mine, start=year_start, end=today)),
            ("累计", selectors.figures(mine)),
        ],
        "department": getattr(user, "department", None),
    }


@login_required
@require_GET
def department_home(request: HttpRequest) -> HttpResponse:
    """职能部门首页：本部门的待办队列、办理时限与办理指标。"""
    require_model_permission(request.user, "view", Problem)
    return render(request, "service/problems/department_home.html",
                  department_home_context(request.user))  # fmt: skip


# --- the working-day calendar ---------------------------------------------------------------------


class OverrideForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["date", "is_workday", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"is_workday": "当天上班（调休）；不勾选表示放假"}


@login_required
@require_http_methods(["GET", "POST"])
def workday_calendar(request: HttpRequest) -> HttpResponse:
    """工作日历：节假日与调休的补充和更正（如官方尚未收录的年份），市投资促进局维护。"""
    require_model_permission(request.user, "view", WorkdayOverride)
    can_edit = has_model_permission(request.user, "add", WorkdayOverride)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        require_model_permission(request.user, "add", WorkdayOverride)
        if form.is_valid():
            row = form.save()
            audit.record_create(actor=request.user, obj=row)
            messages.success(request, f"已添加：{row}")
            return redirect("service:workday-calendar")
    today = timezone.localdate()
    return render(
        request,
        "service/problems/calendar.html",
        {
            "form": form,
            "can_edit": can_edit,
            "rows": WorkdayOverride.objects.order_by("-date")[:200],
            "known": sorted(workdays.known_years()),
            "unknown_ahead": workdays.fallback_years(today, today.replace(year=today.year + 1)),
        },
    )


@login_required
@require_POST
def workday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_model_permission(request.user, "delete", WorkdayOverride)
    row = get_object_or_404(WorkdayOverride, pk=pk)
    audit.record_delete(actor=request.user, obj=row)
    row.delete()
    messages.success(request, f"已删除：{row}")
    return redirect("service:workday-calendar")


# --- the project page's panel --------------------------------------------------------------------


@page_panels.register("problems", order=30)
def project_problems_panel(request: HttpRequest, project: Project) -> page_panels.Panel | None:
    user = request.user
    if not has_model_permission(user, "view", Problem):
        return None
    today = timezone.localdate()
    rows = list(
        selectors.visible_problems(user=user).filter(project=project).order_by("-raised_on", "-id")
    )
    late = sum(1 for p in rows if p.is_overdue(today))
    actions = [
        page_panels.Action("全部问题", reverse("service:problem-list") + f"?project={project.pk}")
    ]
    if has_model_permission(user, "add", Problem):
        actions.insert(
            0,
            page_panels.Action(
                "提出问题", reverse("service:problem-create") + f"?project={project.pk}"
            ),
        )
    body = render_to_string(
        "service/problems/partials/project_panel.html",
        {"rows": rows[:10], "more": max(0, len(rows) - 10), "today": today},
        request=request,
    )
    return page_panels.Panel(
        title=f"问题诉求（{len(rows)}）",
        body=body,
        actions=actions,
        badge=f"{late} 个逾期" if late else "",
    )
