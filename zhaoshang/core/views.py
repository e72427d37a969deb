"""The audit log browser: the append-only log, filtered, expanded and exported.

The log is readable by roles holding `core.view_auditentry` (the audit administrator and the
city administrator) and is never written to from here, except for the export's own entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from . import audit, exports
from .admin_actions import administrator_actions
from .audit_display import (
    change_lines,
    changed_fields,
    local_time,
    masked,
    model_key,
    model_label,
    people_for,
    person,
)
from .filters import AuditEntryFilter
from .models import AuditAction, AuditEntry
from .permissions import has_model_permission, restrict

AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_LIMIT = 100_000


def _url_or_empty(name: str, *args: Any) -> str:
    """The URL, or "" while the page behind it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- audit log ------------------------------------------------------------------------------


def _audit_queryset(request: HttpRequest, *, administrators: bool = False) -> AuditEntryFilter:
    """The filtered audit log, for users who may read it (403 for everyone else); with
    `administrators`, only the administrators' actions (三员分立)."""
    if not has_model_permission(request.user, "view", AuditEntry):
        raise PermissionDenied("只有审计管理员和市级管理员可以查阅审计日志")
    base = restrict(AuditEntry.objects.all(), request.user, "view").select_related(
        "user", "content_type"
    )
    if administrators:
        base = administrator_actions(base)
    return AuditEntryFilter(request.GET or None, queryset=base)


# Pages of the record types readers of the log most often follow from an entry.
_OBJECT_PAGES = {
    ("enterprises", "enterprise"): "enterprises:detail",
    ("projects", "project"): "projects:detail",
}


def _object_url(entry: AuditEntry, user: Any) -> str:
    """The record's page, only for a user whose role may read such records (the audit
    administrator reads no business record: no link that would answer 403)."""
    if not entry.content_type_id or not entry.object_id.isdigit():
        return ""
    name = _OBJECT_PAGES.get((entry.content_type.app_label, entry.content_type.model))
    model = entry.content_type.model_class()
    if not name or model is None or not has_model_permission(user, "view", model):
        return ""
    return _url_or_empty(name, int(entry.object_id))


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Browse and filter the append-only audit log; each entry expands to its field changes."""
    filterset = _audit_queryset(request)
    return render(request, "core/audit_log.html", _audit_context(request, filterset))


@login_required
@require_GET
def audit_admin_actions(request: HttpRequest) -> HttpResponse:
    """The administrators' actions on their own page: what the system, security and audit
    administrators did, and every change to an account or a role."""
    filterset = _audit_queryset(request, administrators=True)
    context = _audit_context(request, filterset)
    return render(request, "core/audit_log.html", {**context, "administrators": True})


def _audit_context(request: HttpRequest, filterset: AuditEntryFilter) -> dict[str, Any]:
    paginator = Paginator(filterset.qs, AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = list(page.object_list)
    people = people_for(entries)
    rows = [
        {
            "entry": entry,
            "at": local_time(entry.at),
            "person": person(entry.user, entry.username),
            "model_label": model_label(entry.content_type),
            "model_key": model_key(entry.content_type),
            "object_url": _object_url(entry, request.user),
            "changes": changed_fields(entry, people),
        }
        for entry in entries
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "querystring": query.urlencode(),
        "actions": AuditAction.choices,
    }


def _chunks(entries: Iterable[AuditEntry], size: int = 500) -> Iterable[list[AuditEntry]]:
    chunk: list[AuditEntry] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _raw(entry: AuditEntry, data: Any) -> str:
    if data is None:
        return ""
    return json.dumps(masked(entry, data) if isinstance(data, dict) else data, ensure_ascii=False)


def _export_rows(entries: Iterable[AuditEntry]) -> Iterable[list[Any]]:
    for chunk in _chunks(entries):
        people = people_for(chunk)  # one query per chunk, not per entry
        for entry in chunk:
            yield _export_row(entry, changed_fields(entry, people))


def _export_row(entry: AuditEntry, changes: list[dict[str, str]]) -> list[Any]:
    return [
        local_time(entry.at),
        entry.username,
        person(entry.user, entry.username),
        entry.get_action_display(),
        model_label(entry.content_type),
        entry.object_id,
        entry.object_repr,
        "、".join(c["label"] for c in changes),
        change_lines(changes),
        _raw(entry, entry.before),
        _raw(entry, entry.after),
        entry.note,
        entry.request_id,
        entry.ip,
    ]


EXPORT_HEADER = [
    "时间（北京时间）",
    "用户名",
    "姓名（用户名）",
    "操作",
    "对象类型",
    "对象ID",
    "对象",
    "修改字段",
    "修改内容",
    "修改前",
    "修改后",
    "说明",
    "请求ID",
    "地址",
]


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit log as an Excel file; the export itself is logged."""
    from openpyxl import Workbook

    filterset = _audit_queryset(request)
    if filterset.is_bound and not filterset.is_valid():
        return render(request, "core/audit_log.html", _audit_context(request, filterset))
    total = filterset.qs.count()
    entries = filterset.qs[:AUDIT_EXPORT_LIMIT].iterator(chunk_size=2000)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    sheet.freeze_panes = "A2"
    for width, column in zip(
        (20, 14, 20, 12, 14, 10, 30, 24, 40, 40, 40, 30, 34, 16),
        "ABCDEFGHIJKLMN",
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    sheet.append(exports.row(sheet, EXPORT_HEADER))
    for row in _export_rows(entries):
        sheet.append(exports.row(sheet, row))
    buffer = BytesIO()
    workbook.save(buffer)

    note = f"导出审计日志 {min(total, AUDIT_EXPORT_LIMIT)} 条；筛选条件：{filterset.describe()}"
    if total > AUDIT_EXPORT_LIMIT:
        note += f"；共 {total} 条，超出上限，仅导出最新的 {AUDIT_EXPORT_LIMIT} 条"
    audit.record(actor=request.user, action=AuditAction.EXPORT, note=note, object_repr="审计日志")

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"审计日志-{stamp}.xlsx"
    )
    return response
