"""Import pages: upload → preview (every row checked, errors by row and column) → confirm.

Small files are checked (and imported) within the request; large ones run as a huey job whose
progress page polls `ImportJob.processed_rows` with htmx.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.core.permissions import has_model_permission

from .. import exports
from ..forms import ImportUploadForm
from ..importing.columns import COLUMNS
from ..importing.service import (
    import_job_confirm,
    import_job_create,
    import_job_start,
    require_import,
)
from ..models import Enterprise, ImportJob, ImportStatus, Tag
from ..selectors import import_job_get, import_jobs_for

FINISHED = {
    ImportStatus.VALIDATED,
    ImportStatus.INVALID,
    ImportStatus.IMPORTED,
    ImportStatus.FAILED,
}


def _gate(user: Any) -> None:
    try:
        require_import(user)
    except PermissionDenied:
        raise PermissionDenied("您的角色不能导入企业") from None


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """上传文件：先逐行校验（不写入），确认后再导入。"""
    _gate(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(actor=request.user, file=form.cleaned_data["file"], dry_run=True)
        try:
            import_job_start(actor=request.user, job=job)
        except Exception:  # the job says "failed" with the message; show it
            messages.error(request, "校验失败，详见报告。")
        return redirect("enterprises:import-job", pk=job.pk)
    return render(
        request,
        "enterprises/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "tags": Tag.objects.all(),
            "jobs": import_jobs_for(user=request.user)[:10],
        },
    )


def _job_context(job: ImportJob) -> dict[str, Any]:
    report = job.report or {}
    percent = 0
    if job.total_rows:
        percent = min(100, int(job.processed_rows * 100 / job.total_rows))
    return {
        "job": job,
        "report": report,
        "finished": job.status in FINISHED,
        "percent": percent,
        "phase": report.get("phase", ""),
    }


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """导入任务：进度、逐行报告、确认导入。"""
    if not has_model_permission(request.user, "view", ImportJob):
        raise PermissionDenied("您的角色不能查看导入任务")
    job = import_job_get(user=request.user, pk=pk)
    context = _job_context(job)
    context["can_confirm"] = (
        job.status == ImportStatus.VALIDATED
        and job.dry_run
        and job.created_by_id == request.user.pk
        and has_model_permission(request.user, "add", Enterprise)
        and has_model_permission(request.user, "change", Enterprise)
        and has_model_permission(request.user, "add", ImportJob)
    )
    return render(request, "enterprises/import_job.html", context)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the progress bar; once the job has finished, the page reloads to the report."""
    if not has_model_permission(request.user, "view", ImportJob):
        raise PermissionDenied("您的角色不能查看导入任务")
    job = import_job_get(user=request.user, pk=pk)
    context = _job_context(job)
    response = render(request, "enterprises/partials/import_progress.html", context)
    if context["finished"] and getattr(request, "htmx", None):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """确认导入：同一文件再校验一遍并在一个事务中写入（全部成功或全部不写）。"""
    _gate(request.user)
    job = import_job_get(user=request.user, pk=pk)
    try:
        import_job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("enterprises:import-job", pk=job.pk)
    try:
        background = import_job_start(actor=request.user, job=job)
    except Exception:
        job.refresh_from_db()
        messages.error(request, "导入失败，未写入任何数据，详见报告。")
        return redirect("enterprises:import-job", pk=job.pk)
    job.refresh_from_db()
    if not background and job.status == ImportStatus.IMPORTED:
        messages.success(
            request, f"导入完成：新增 {job.created_count} 家，更新 {job.updated_count} 家"
        )
    return redirect("enterprises:import-job", pk=job.pk)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """下载导入模板（.xlsx，含列名和一行示例）。"""
    _gate(request.user)
    return exports.xlsx_response(exports.template_workbook(), "企业导入模板")
