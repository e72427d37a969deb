"""The service figures (§8) and timings pages: the department league table (figures side by side,
sortable), one department's service page, the timings report, and the league table as .xlsx.

Every number comes from `service.selectors.figures` (the same functions the goals' indicator
registry calls) over the records the user may see (`.restrict()`): the city sees every
department and unit, a department its own, a unit its projects' problems, a commissioner the
problems of the projects they carry.
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.core import audit, exports
from zhaoshang.core.models import AuditAction
from zhaoshang.core.periods import Period, parse_period, statistics_year
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects.models import Project

from ..models import Task
from ..models.problems import Problem
from ..selectors.figures import FIGURES, FIGURES_BY_KEY, GROUPINGS, figure_table
from ..selectors.timings import (
    BUCKETS,
    acknowledge_timings,
    first_contact_timings,
    resolve_timings,
    summarise,
)

GROUP_LABELS = {"department": "职能部门", "unit": "县（市、区）/功能区"}


def _require_figures(user: Any) -> None:
    if not (
        has_model_permission(user, "view", Problem) or has_model_permission(user, "view", Task)
    ):
        raise PermissionDenied("您的角色不能查看服务指标")


def _period(request: HttpRequest) -> tuple[Period | None, str]:
    """The period asked for (?period=2024Q3), or the city's statistics year; or an error."""
    raw = (request.GET.get("period") or "").strip()
    if not raw:
        return parse_period(str(statistics_year())), ""
    try:
        return parse_period(raw), ""
    except ValidationError as exc:
        return None, "；".join(exc.messages)


def _names(by: str, ids: list[int]) -> dict[int, Any]:
    model = Department if by == "department" else Unit
    return {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}


def league_rows(user: Any, period: Period, by: str) -> tuple[list[dict[str, Any]], dict]:
    """One row per department (or unit) with every figure, and the total row."""
    table = figure_table(
        period=period,
        by=by,
        problems=Problem.objects.restrict(user, "view"),
        tasks=Task.objects.restrict(user, "view"),
    )
    ids = sorted({k for values in table.values() for k in values if k is not None})
    names = _names(by, ids)
    rows = [
        {
            "id": pk,
            "obj": names.get(pk),
            "name": str(names.get(pk, "未指定")),
            "values": {key: table[key].get(pk) for key in table},
        }
        for pk in ids
    ]
    rows.sort(key=lambda r: (getattr(r["obj"], "sort_order", 0), r["name"]))
    total = {"name": "合计", "values": {key: table[key].get(None) for key in table}}
    return rows, total


def _sorted(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    """Rows by one figure; rows without a value go last whatever the direction."""
    present = [r for r in rows if r["values"].get(key) is not None]
    absent = [r for r in rows if r["values"].get(key) is None]
    present.sort(key=lambda r: r["values"][key], reverse=descending)
    return present + absent


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """服务指标：各职能部门（或各县市区）问题办理和议定事项的指标并列，可按任一指标排序。"""
    user = request.user
    _require_figures(user)
    by = request.GET.get("by", "department")
    if by not in GROUPINGS:
        by = "department"
    period, error = _period(request)
    context: dict[str, Any] = {
        "by": by,
        "by_keep": [("by", by)],
        "group_labels": GROUP_LABELS,
        "figures": FIGURES,
        "error": error,
        "period_text": request.GET.get("period", ""),
    }
    if period is None:
        return render(request, "service/figures/league.html", context, status=400)
    rows, total = league_rows(user, period, by)
    sort = request.GET.get("sort", "")
    if sort in FIGURES_BY_KEY:
        descending = request.GET.get("dir", "desc") != "asc"
        rows = _sorted(rows, sort, descending)
    else:
        sort, descending = "", True
    context.update(
        {
            "period": period,
            "period_text": period.label,
            "rows": rows,
            "total": total,
            "sort": sort,
            "descending": descending,
            "show_total": len(rows) > 1,
            "city_wide": user.scope == Scope.ALL,
        }
    )
    return render(request, "service/figures/league.html", context)


@login_required
@require_GET
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    """The league table as .xlsx (texts written as text, never as formulas), audited."""
    user = request.user
    _require_figures(user)
    by = request.GET.get("by", "department")
    if by not in GROUPINGS:
        raise Http404
    period, error = _period(request)
    if period is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    rows, total = league_rows(user, period, by)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("服务指标")
    sheet.append(exports.row(sheet, [f"服务指标（{GROUP_LABELS[by]}）{period.display}"]))
    sheet.append(
        exports.row(sheet, [GROUP_LABELS[by], *(f"{f.label}（{f.unit}）" for f in FIGURES)])
    )
    for row in [*rows, total]:
        values = [row["values"][f.key] for f in FIGURES]
        sheet.append(exports.row(sheet, [row["name"], *values]))
    sheet.append(exports.row(sheet, []))
    for f in FIGURES:
        sheet.append(exports.row(sheet, [f.label, f.doc]))
    sheet.append(
        exports.row(sheet, [f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}；导出人：{user}"])
    )
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        note=json.dumps({"by": by, "period": period.label, "rows": len(rows)}, ensure_ascii=False),
        object_repr="服务指标",
    )
    filename = f"服务指标-{period.label}.xlsx"
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _department_for(user: Any, pk: int) -> Department:
    """The city sees every department's page; a department's staff their own; others none."""
    department = get_object_or_404(Department, pk=pk)
    if user.scope == Scope.ALL:
        return department
    if user.scope == Scope.DEPARTMENT and user.department_id == department.pk:
        return department
    raise Http404


def _timing_rows(timings: list, by: str, names) -> dict[str, Any]:
    rows, total = summarise(timings, by=by, names=names)
    return {"rows": rows, "total": total}


def _user_names(ids) -> dict[int, str]:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=list(ids))}


def _unit_names(ids) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def _department_names(ids) -> dict[int, str]:
    return dict(Department.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


@login_required
@require_GET
def department(request: HttpRequest, pk: int) -> HttpResponse:
    """职能部门服务页：本部门的办理指标、签收和办结用时分布、逾期未办结的问题。"""
    user = request.user
    _require_figures(user)
    dept = _department_for(user, pk)
    period, error = _period(request)
    if period is None:
        return render(
            request,
            "service/figures/department.html",
            {"department": dept, "error": error, "period_text": request.GET.get("period", "")},
            status=400,
        )
    problems = Problem.objects.restrict(user, "view").filter(department=dept)
    table = figure_table(
        period=period,
        by="department",
        problems=problems,
        tasks=Task.objects.restrict(user, "view").filter(owner_department=dept),
    )
    today = timezone.localdate()
    ack = acknowledge_timings(problems=problems, period=period, today=today)
    res = resolve_timings(problems=problems, period=period, today=today)
    overdue = (
        problems.exclude(status__in=["resolved", "confirmed"])
        .filter(due_on__lt=today)
        .select_related("project")
        .order_by("due_on", "id")[:50]
    )
    context = {
        "department": dept,
        "period": period,
        "period_text": period.label,
        "cards": [{"figure": f, "value": table[f.key].get(dept.pk)} for f in FIGURES],
        "ack": _timing_rows(ack, "unit", _unit_names),
        "res": _timing_rows(res, "unit", _unit_names),
        "buckets": [label for label, _, _ in BUCKETS],
        "overdue": overdue,
        "today": today,
        "city_wide": user.scope == Scope.ALL,
    }
    return render(request, "service/figures/department.html", context)


@login_required
@require_GET
def my_department(request: HttpRequest) -> HttpResponse:
    """A department's staff land on their own department's page."""
    user = request.user
    _require_figures(user)
    if user.scope != Scope.DEPARTMENT or not user.department_id:
        raise Http404
    return department(request, user.department_id)


@login_required
@require_GET
def timings(request: HttpRequest) -> HttpResponse:
    """服务时效：从分配服务专员到首次服务、从提出问题到签收和办结的工作日数（中位数和分布）。"""
    user = request.user
    may_projects = has_model_permission(user, "view", Project)
    may_problems = has_model_permission(user, "view", Problem)
    if not (may_projects or may_problems):
        raise PermissionDenied("您的角色不能查看服务时效")
    period, error = _period(request)
    context: dict[str, Any] = {
        "error": error,
        "period_text": request.GET.get("period", ""),
        "buckets": [label for label, _, _ in BUCKETS],
    }
    if period is None:
        return render(request, "service/figures/timings.html", context, status=400)
    today = timezone.localdate()
    sections = []
    if may_projects:
        contact = first_contact_timings(
            projects=Project.objects.restrict(user, "view"), period=period, today=today
        )
        sections.append(
            {
                "id": "first-contact",
                "title": "分配服务专员 → 首次服务",
                "note": "按分配日期计入期间；首次服务为分配之后的第一条服务记录。",
                "waiting_label": "尚未服务",
                "groups": [
                    ("按服务专员", _timing_rows(contact, "commissioner", _user_names)),
                    ("按项目所属单位", _timing_rows(contact, "unit", _unit_names)),
                ],
            }
        )
    if may_problems:
        problems = Problem.objects.restrict(user, "view")
        for sid, title, rows_of, waiting in (
            ("acknowledge", "提出问题 → 部门签收", acknowledge_timings, "尚未签收"),
            ("resolve", "提出问题 → 办结", resolve_timings, "尚未办结"),
        ):
            found = rows_of(problems=problems, period=period, today=today)
            sections.append(
                {
                    "id": sid,
                    "title": title,
                    "note": "按提出日期计入期间。",
                    "waiting_label": waiting,
                    "groups": [
                        ("按责任部门", _timing_rows(found, "department", _department_names)),
                        ("按项目所属单位", _timing_rows(found, "unit", _unit_names)),
                        ("按服务专员", _timing_rows(found, "commissioner", _user_names)),
                    ],
                }
            )
    context.update(
        {"period": period, "period_text": period.label, "sections": sections, "today": today}
    )
    return render(request, "service/figures/timings.html", context)
