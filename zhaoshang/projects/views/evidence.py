"""Evidence downloads: a file is served only if its Evidence row is within the user's scope.

Media files are never served publicly; this view is the only way to read them.
"""

from __future__ import annotations

import mimetypes
import os

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from ..models import Evidence
from .common import require_model_permission

# Shown inline (thumbnails of site photos) only for plain raster images.
INLINE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """下载证明材料（原文件名）；无权限 403，不在本人可见范围内的一律 404。"""
    require_model_permission(request.user, "view", Evidence)
    evidence = get_object_or_404(Evidence.objects.restrict(request.user, "view"), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc
    ext = os.path.splitext(evidence.original_name)[1].lower()
    inline = request.GET.get("inline") == "1" and ext in INLINE_TYPES
    content_type = (
        INLINE_TYPES[ext]
        if inline
        else (mimetypes.guess_type(evidence.original_name)[0] or "application/octet-stream")
    )
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
