"""Joint meeting (联席会议) pages: the list, a meeting's page (agenda building with htmx, the
decisions and their progress), the dialogs that call the services, the minutes PDF."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit, htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.converters import parse_id
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import require_model_permission, submitted
from zhaoshang.core.models import AuditAction
from zhaoshang.core.pdf import pdf_response
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.projects.forms import DateInput

from ..models import AgendaItem, Decision, JointMeeting, MeetingStatus
from ..selectors import meetings as selectors
from ..services import meetings as services

MAX_TASKS = 4  # task rows a decision dialog offers (more can be added afterwards)


# --- forms --------------------------------------------------------------------------------------


def _leaders() -> Any:
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("unit__sort_order", "id")


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.display_name or obj.username
        return f"{name}（{obj.title}）" if obj.title else name


class MeetingForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(label="会议日期", widget=DateInput())
    place = forms.CharField(label="会议地点", max_length=100)
    chair = LeaderChoice(label="主持领导", queryset=User.objects.none())
    departments = forms.ModelMultipleChoiceField(
        label="参会部门",
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label="参会单位",
        queryset=Unit.objects.exclude(kind="city"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(
        label="会议名称",
        max_length=100,
        required=False,
        help_text="不填则为“某年第N次重点项目联席会议”",
    )
    summary = forms.CharField(
        label="会议概况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="写入纪要首段，可不填",
    )
    copy_to = forms.CharField(label="抄送", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _leaders()


class FreeItemForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="议题", max_length=300)
    presenter_unit = forms.ModelChoiceField(
        label="汇报单位", queryset=Unit.objects.all(), required=False
    )
    presenter_department = forms.ModelChoiceField(
        label="汇报部门", queryset=Department.objects.all(), required=False
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    """The decision's text and up to `MAX_TASKS` task rows (owner, deadline, what)."""

    text = forms.CharField(label="议定内容", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, rows: int = MAX_TASKS, default_due: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for n in range(1, rows + 1):
            self.fields[f"department_{n}"] = forms.ModelChoiceField(
                label="责任部门", queryset=Department.objects.all(), required=False
            )
            self.fields[f"unit_{n}"] = forms.ModelChoiceField(
                label="责任单位", queryset=Unit.objects.all(), required=False
            )
            self.fields[f"due_{n}"] = forms.DateField(
                label="办结时限",
                required=False,
                widget=DateInput(),
                initial=default_due if n == 1 else None,
            )
            self.fields[f"task_{n}"] = forms.CharField(
                label="具体任务", max_length=300, required=False
            )

    def task_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"department_{n}"], self[f"unit_{n}"], self[f"due_{n}"], self[f"task_{n}"]]
            for n in range(1, self.rows + 1)
        ]

    def specs(self) -> list[services.TaskSpec]:
        data = self.cleaned_data
        specs = []
        for n in range(1, self.rows + 1):
            department, unit, due = (
                data.get(f"department_{n}"),
                data.get(f"unit_{n}"),
                data.get(f"due_{n}"),
            )
            title = data.get(f"task_{n}", "")
            if department is None and unit is None and due is None and not title:
                continue  # an empty row
            if department is not None and unit is not None:
                raise ValidationError({f"unit_{n}": ["责任部门和责任单位只选其一"]})
            specs.append(
                services.TaskSpec(
                    due_on=due, owner_department=department, owner_unit=unit, title=title
                )
            )
        return specs


class DecisionEditForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="议定内容", widget=forms.Textarea(attrs={"rows": 4}))


class IssueForm(BootstrapFormMixin, forms.Form):
    issued_on = forms.DateField(label="印发日期", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"issued_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


# --- helpers ------------------------------------------------------------------------------------


def _meeting_or_404(request: HttpRequest, pk: int) -> JointMeeting:
    require_model_permission(request.user, "view", JointMeeting)
    meeting = selectors.visible(JointMeeting, request.user).select_related("chair").filter(pk=pk)
    found = meeting.first()
    if found is None:
        raise Http404("会议不存在或不在您的范围内")
    return found


def _writable_meeting(request: HttpRequest, pk: int) -> JointMeeting:
    require_model_permission(request.user, "change", JointMeeting)
    return _meeting_or_404(request, pk)


def _item_or_404(request: HttpRequest, pk: int) -> AgendaItem:
    require_model_permission(request.user, "change", JointMeeting)
    item = (
        selectors.visible(AgendaItem, request.user).select_related("meeting").filter(pk=pk).first()
    )
    if item is None:
        raise Http404("议题不存在或不在您的范围内")
    return item


def _decision_or_404(request: HttpRequest, pk: int, action: str) -> Decision:
    require_model_permission(request.user, action, Decision)
    decision = (
        selectors.visible(Decision, request.user)
        .select_related("meeting", "item")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise Http404("议定事项不存在或不在您的范围内")
    return decision


def _detail_url(meeting: JointMeeting, anchor: str = "") -> str:
    return reverse("service:meeting-detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _trail(meeting: JointMeeting | None = None) -> list[tuple[str, str]]:
    trail = [("联席会议", reverse("service:meeting-list"))]
    if meeting is not None:
        trail.append((meeting.title, _detail_url(meeting)))
    return trail


def _can(user: Any) -> dict[str, bool]:
    return {
        "can_add": has_model_permission(user, "add", JointMeeting),
        "can_change": has_model_permission(user, "change", JointMeeting),
        "can_decide": has_model_permission(user, "add", Decision)
        and has_model_permission(user, "change", JointMeeting),
        "can_delete_decision": has_model_permission(user, "delete", Decision),
    }


# --- list and detail ----------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """联席会议列表（按年度、状态筛选）。"""
    require_model_permission(request.user, "view", JointMeeting)
    year = parse_id(request.GET.get("year"))
    status = request.GET.get("status", "")
    if status not in MeetingStatus.values:
        status = ""
    meetings = selectors.meetings_for(user=request.user, filters={"year": year, "status": status})
    years = sorted(
        set(selectors.visible(JointMeeting, request.user).values_list("year", flat=True)),
        reverse=True,
    )
    return render(
        request,
        "service/meetings/list.html",
        {
            "meetings": meetings[:200],
            "years": years,
            "statuses": MeetingStatus.choices,
            "params": {"year": year or "", "status": status},
            **_can(request.user),
        },
    )


def _detail_context(request: HttpRequest, meeting: JointMeeting) -> dict[str, Any]:
    view = selectors.meeting_view(meeting=meeting, user=request.user)
    can = _can(request.user)
    return {
        "meeting": meeting,
        "view": view,
        "departments": meeting.attending_departments.order_by("sort_order", "code"),
        "units": meeting.attending_units.order_by("sort_order", "code"),
        "minutes_readable": selectors.minutes_readable(request.user, meeting),
        "order_rule": selectors.AGENDA_ORDER_TEXT,
        "editing_agenda": can["can_change"] and meeting.is_preparing,
        "deciding": can["can_decide"] and meeting.status == MeetingStatus.HELD,
        "today": timezone.localdate(),
        **can,
    }


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """会议页：议题、议定事项及其办理进度。"""
    meeting = _meeting_or_404(request, pk)
    context = _detail_context(request, meeting)
    if htmx.is_partial(request, "agenda"):
        return render(request, "service/meetings/partials/agenda.html", context)
    return render(request, "service/meetings/detail.html", context)


@login_required
@require_GET
def agenda_proposals(request: HttpRequest, pk: int) -> HttpResponse:
    """平台建议的议题（按等待天数与项目规模排序），供市投资促进局挑选。"""
    meeting = _writable_meeting(request, pk)
    proposals = selectors.agenda_proposals(meeting=meeting, user=request.user)
    return render(
        request,
        "service/meetings/partials/proposals.html",
        {
            "meeting": meeting,
            "proposals": proposals,
            "order_rule": selectors.AGENDA_ORDER_TEXT,
            "editing_agenda": meeting.is_preparing,
        },
    )


def _agenda_done(request: HttpRequest, meeting: JointMeeting, message: str = "") -> HttpResponse:
    """After an agenda change: the agenda part for htmx, otherwise back to the page."""
    if getattr(request, "htmx", None):
        meeting.refresh_from_db()
        response = render(
            request, "service/meetings/partials/agenda.html", _detail_context(request, meeting)
        )
        response["HX-Trigger"] = json.dumps({"agenda-changed": True})
        return response
    if message:
        messages.success(request, message)
    return redirect(_detail_url(meeting, "agenda"))


def _agenda_refused(request: HttpRequest, meeting: JointMeeting, exc: ValidationError):
    text = "；".join(exc.messages)
    if getattr(request, "htmx", None):
        context = {**_detail_context(request, meeting), "agenda_error": text}
        return render(request, "service/meetings/partials/agenda.html", context, status=200)
    messages.error(request, text)
    return redirect(_detail_url(meeting, "agenda"))


# --- writes: the meeting ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """新建联席会议（议题自动带入以前会议未办结的议定事项）。"""
    require_model_permission(request.user, "add", JointMeeting)
    back = reverse("service:meeting-list")
    form = MeetingForm(request.POST or None)
    created: dict[str, JointMeeting] = {}

    def write() -> str:
        data = form.cleaned_data
        created["meeting"] = services.meeting_create(
            actor=request.user,
            held_on=data["held_on"],
            place=data["place"],
            chair=data["chair"],
            departments=data["departments"],
            units=data["units"],
            title=data["title"],
            summary=data["summary"],
            copy_to=data["copy_to"],
        )
        return f"已新建{created['meeting'].title}"

    if request.method == "POST" and form.is_valid():
        try:
            message = write()
        except ValidationError as exc:
            htmx.apply_service_errors(form, exc)
        else:
            messages.success(request, message)
            return htmx.done(request, _detail_url(created["meeting"]))
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title="新建联席会议",
        back_url=back,
        breadcrumbs=_trail(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改会议信息（纪要印发前）。"""
    meeting = _writable_meeting(request, pk)
    back = _detail_url(meeting)
    initial = {
        "held_on": meeting.held_on,
        "place": meeting.place,
        "chair": meeting.chair,
        "departments": list(meeting.attending_departments.all()),
        "units": list(meeting.attending_units.all()),
        "title": meeting.title,
        "summary": meeting.summary,
        "copy_to": meeting.copy_to,
    }
    form = MeetingForm(request.POST or None, initial=initial, version=version_of(meeting))

    def write() -> str:
        data = dict(form.cleaned_data)
        services.meeting_update(
            actor=request.user,
            meeting=meeting,
            version=data.pop("version"),
            departments=data.pop("departments"),
            units=data.pop("units"),
            **data,
        )
        return "会议信息已保存"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title=f"修改会议：{meeting.title}",
        back_url=back,
        breadcrumbs=_trail(meeting),
    )


def _simple_post(request: HttpRequest, pk: int, call, message: str) -> HttpResponse:
    meeting = _writable_meeting(request, pk)
    try:
        call(meeting)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, message)
    return htmx.done(request, _detail_url(meeting))


@login_required
@require_POST
def agenda_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_post(
        request,
        pk,
        lambda m: services.agenda_confirm(actor=request.user, meeting=m),
        "议题已确认",
    )


@login_required
@require_POST
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_post(
        request,
        pk,
        lambda m: services.meeting_hold(actor=request.user, meeting=m),
        "会议已登记为已召开，可以记录议定事项",
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """印发会议纪要：议定事项编号并冻结，通知各责任部门、单位。"""
    meeting = _writable_meeting(request, pk)
    back = _detail_url(meeting)
    form = IssueForm(request.POST or None)

    def write() -> str:
        issued = services.minutes_issue(
            actor=request.user, meeting=meeting, issued_on=form.cleaned_data["issued_on"]
        )
        return f"会议纪要已印发（{issued.minutes_number}）"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "service/meetings/dialogs/issue.html",
        {"form": form, "meeting": meeting},
        title=f"印发纪要：{meeting.title}",
        back_url=back,
        breadcrumbs=_trail(meeting),
    )


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """会议纪要（PDF）：参会单位、部门与市级用户可下载；下载记入审计日志。"""
    meeting = _meeting_or_404(request, pk)
    if not selectors.minutes_readable(request.user, meeting):
        raise PermissionDenied("会议纪要只发送参会部门和单位")
    if meeting.is_preparing:
        raise Http404("会议尚未召开，没有纪要")
    if not meeting.is_issued and not has_model_permission(request.user, "change", JointMeeting):
        raise Http404("会议纪要尚未印发")
    content = selectors.minutes_pdf(meeting=meeting)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=meeting,
        object_repr=f"会议纪要导出（PDF）：{meeting.title}",
        note=json.dumps(
            {"format": "pdf", "minutes_number": meeting.minutes_number}, ensure_ascii=False
        ),
    )
    suffix = "" if meeting.is_issued else "（送审稿）"
    return pdf_response(content, f"{meeting.title}纪要{suffix}.pdf")


# --- writes: the agenda -------------------------------------------------------------------------


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """把建议议题加入本次会议（排在最后）。"""
    meeting = _writable_meeting(request, pk)
    kind = request.POST.get("kind", "")[:20]
    object_id = parse_id(request.POST.get("object_id"))
    try:
        if object_id is None:
            raise ValidationError({"object_id": ["请选择议题"]})
        item = services.agenda_add(
            actor=request.user, meeting=meeting, kind=kind, object_id=object_id
        )
    except ValidationError as exc:
        return _agenda_refused(request, meeting, exc)
    return _agenda_done(request, meeting, f"已加入议题：{item.title}")


@login_required
@require_http_methods(["GET", "POST"])
def agenda_add_free(request: HttpRequest, pk: int) -> HttpResponse:
    """添加临时议题。"""
    meeting = _writable_meeting(request, pk)
    back = _detail_url(meeting, "agenda")
    form = FreeItemForm(request.POST or None)

    def write() -> str:
        item = services.agenda_add_free(actor=request.user, meeting=meeting, **form.cleaned_data)
        return f"已加入临时议题：{item.title}"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title="添加临时议题",
        back_url=back,
        breadcrumbs=_trail(meeting),
    )


@login_required
@require_POST
def agenda_move(request: HttpRequest, pk: int) -> HttpResponse:
    """调整议题顺序（to = 新位置，1 为第一项）。"""
    item = _item_or_404(request, pk)
    to = parse_id(request.POST.get("to"))
    try:
        services.agenda_move(actor=request.user, item=item, to=to if to is not None else 0)
    except ValidationError as exc:
        return _agenda_refused(request, item.meeting, exc)
    return _agenda_done(request, item.meeting)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """移出议题。"""
    item = _item_or_404(request, pk)
    meeting = item.meeting
    try:
        services.agenda_remove(actor=request.user, item=item)
    except ValidationError as exc:
        return _agenda_refused(request, meeting, exc)
    return _agenda_done(request, meeting, "已移出议题")


# --- writes: decisions --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    """记录议定事项并交办任务（责任部门或单位、办结时限）。"""
    require_model_permission(request.user, "add", Decision)
    item = _item_or_404(request, pk)
    meeting = item.meeting
    back = _detail_url(meeting, f"item-{item.pk}")
    form = DecisionForm(request.POST or None, default_due=meeting.held_on + dt.timedelta(days=30))

    def write() -> str:
        services.decision_record(
            actor=request.user, item=item, text=form.cleaned_data["text"], tasks=form.specs()
        )
        return "议定事项已记录"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "service/meetings/dialogs/decision.html",
        {"form": form, "item": item},
        title=f"议定事项：{item.title}",
        back_url=back,
        breadcrumbs=_trail(meeting),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改议定内容（纪要印发前）。"""
    require_model_permission(request.user, "change", JointMeeting)
    decision = _decision_or_404(request, pk, "change")
    back = _detail_url(decision.meeting, f"item-{decision.item_id}")
    form = DecisionEditForm(
        request.POST or None, initial={"text": decision.text}, version=version_of(decision)
    )

    def write() -> str:
        services.decision_update(
            actor=request.user,
            decision=decision,
            text=form.cleaned_data["text"],
            version=form.cleaned_data["version"],
        )
        return "议定内容已保存"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title="修改议定事项",
        back_url=back,
        breadcrumbs=_trail(decision.meeting),
    )


@login_required
@require_POST
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回议定事项（纪要印发前，连同其任务）。"""
    require_model_permission(request.user, "change", JointMeeting)
    decision = _decision_or_404(request, pk, "delete")
    meeting = decision.meeting
    try:
        services.decision_delete(actor=request.user, decision=decision)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "议定事项已撤回")
    return htmx.done(request, _detail_url(meeting, "decisions"))


# Views the URL table lists (urls.py imports this module's names).
__all__ = [
    "agenda_add",
    "agenda_add_free",
    "agenda_confirm",
    "agenda_move",
    "agenda_proposals",
    "agenda_remove",
    "decision_create",
    "decision_delete",
    "decision_edit",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_hold",
    "meeting_list",
    "minutes_issue",
    "minutes_pdf",
]
