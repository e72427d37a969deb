"""Evidence downloads: a file is served only if its Evidence row is within the user's scope.

Media files are never served publicly; this view is the only way to read them.

A file is shown inline (`?inline=1`: the verification queue's preview, site photos) only when
its stored content is a PDF or a plain raster image, read from its first bytes: never from its
name, so a text file named `fake.pdf` stays an attachment. The inline response is sandboxed
(`Content-Security-Policy: sandbox`, no script, nothing loaded from elsewhere) and may be
framed only by our own pages; everything else is an attachment.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from ..models import Evidence
from .common import require_model_permission

# The content types shown inline, by the magic bytes that start them.
SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),  # after "RIFF" and the chunk size
)
HEAD_BYTES = 16
PREVIEW_KIND = {"application/pdf": "pdf"}  # the other inline types are images

# The inline response runs nothing and loads nothing but itself; only our pages may frame it.
INLINE_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "object-src 'none'; frame-ancestors 'self'"
)


def sniffed_type(head: bytes) -> str | None:
    """The inline content type of a file starting with `head`, or None (not shown inline)."""
    for magic, offset, content_type in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and head[:4] != b"RIFF":
                continue
            return content_type
    return None


def _scoped_evidence(request: HttpRequest, pk: int) -> Evidence:
    require_model_permission(request.user, "view", Evidence)
    return get_object_or_404(Evidence.objects.restrict(request.user, "view"), pk=pk)


def _open(evidence: Evidence) -> Any:
    try:
        return evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc


def _read_type(evidence: Evidence) -> str | None:
    """The inline type of a stored evidence file, read from its content."""
    handle = _open(evidence)
    try:
        return sniffed_type(handle.read(HEAD_BYTES))
    finally:
        handle.close()


@login_required
@require_GET
@xframe_options_sameorigin
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """下载证明材料（原文件名）；PDF 和图片可在页面内预览。无权限 403，不在本人可见范围内的一律 404。"""
    evidence = _scoped_evidence(request, pk)
    handle = _open(evidence)
    inline_type = (
        sniffed_type(handle.read(HEAD_BYTES)) if request.GET.get("inline") == "1" else None
    )
    handle.seek(0)
    content_type = inline_type or (
        mimetypes.guess_type(evidence.original_name)[0] or "application/octet-stream"
    )
    response = FileResponse(
        handle,
        as_attachment=inline_type is None,
        filename=evidence.original_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if inline_type:
        response["Content-Security-Policy"] = INLINE_POLICY
    return response


@login_required
@require_GET
def evidence_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """证明材料预览：PDF 与图片在侧栏（手机上全屏）内显示，其他类型只提供下载。"""
    evidence = _scoped_evidence(request, pk)
    content_type = _read_type(evidence)
    context = {
        "evidence": evidence,
        "kind": PREVIEW_KIND.get(content_type or "", "image" if content_type else None),
    }
    htmx = getattr(request, "htmx", None)
    template = (
        "projects/partials/evidence_preview.html"
        if htmx and not htmx.history_restore_request
        else "projects/evidence_preview_page.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
