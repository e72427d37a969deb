"""Storing evidence files: checked for size and type, fingerprinted with SHA-256."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from zhaoshang.core import audit

from ..models import Evidence, EvidenceKind, Project
from .content import content_error

ALLOWED_EXTENSIONS = {
    ".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".webp", ".heic",
    ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et",
}  # fmt: skip


@dataclass(frozen=True)
class EvidenceFile:
    """An uploaded file together with what it proves."""

    kind: str
    file: File


def check_files(files: list[EvidenceFile], field: str = "evidence") -> None:
    """ValidationError keyed by `field` for an empty, oversized or unsupported file, or one whose
    content is not what its extension says (`content.content_error`)."""
    errors = []
    for item in files:
        name = os.path.basename(getattr(item.file, "name", "") or "")
        ext = os.path.splitext(name)[1].lower()
        size = getattr(item.file, "size", None) or 0
        if item.kind not in EvidenceKind.values:
            errors.append(f"未知的材料类型：{item.kind}")
        if not name or size == 0:
            errors.append(f"文件为空：{name or '(未命名)'}")
        elif size > settings.EVIDENCE_MAX_BYTES:
            errors.append(f"文件过大：{name}（上限 {settings.EVIDENCE_MAX_BYTES // 1048576} MB）")
        if ext not in ALLOWED_EXTENSIONS:
            errors.append(f"不支持的文件类型：{name}（支持 PDF、OFD、图片、Word、Excel）")
        elif 0 < size <= settings.EVIDENCE_MAX_BYTES and (problem := content_error(item.file)):
            errors.append(problem)
    if errors:
        raise ValidationError({field: errors})


def store(
    *, project: Project, files: list[EvidenceFile], actor: Any, **links: Any
) -> list[Evidence]:
    """Save files as Evidence rows linked to a stage change, funds record or progress update."""
    saved = []
    for item in files:
        digest = hashlib.sha256()
        for chunk in item.file.chunks() if hasattr(item.file, "chunks") else [item.file.read()]:
            digest.update(chunk)
        item.file.seek(0)
        name = os.path.basename(item.file.name)
        evidence = Evidence(
            project=project,
            kind=item.kind,
            original_name=name[:200],
            size=item.file.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            **links,
        )
        evidence.file.save(name, item.file, save=False)
        evidence.save()
        saved.append(evidence)
        audit.record_file(  # under the record it proves, in the caller's transaction
            actor=actor,
            obj=next((owner for owner in links.values() if owner is not None), project),
            file_id=evidence.pk,
            name=evidence.original_name,
            kind=evidence.get_kind_display(),
            size=evidence.size,
            sha256=evidence.sha256,
        )
    return saved
