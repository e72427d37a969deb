"""Photos attached to a record (a problem's site, a visit's group photo): bounded in count and
size, each judged by its content against its name (`content.content_error`), stored with its
SHA-256 — one rule for every app that takes photos, on the floor below them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models

from .content import content_error

PHOTO_MAX_COUNT = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp"}  # fmt: skip
PHOTO_HELP = (
    f"可选，最多{PHOTO_MAX_COUNT}张，每张不超过{PHOTO_MAX_BYTES // 1048576} MB（JPEG、PNG、WebP）"
)


def check_photos(
    photos: Sequence[File], *, field: str = "photos", existing: int = 0,
    too_many: str = f"最多上传{PHOTO_MAX_COUNT}张照片",
) -> list[tuple[File, str]]:  # fmt: skip
    """The photos with their content type, or a ValidationError on `field` naming each one
    refused (all at once): too many (with the `existing` ones), empty, too large, not a photo by
    its name, or not what its name says by its content."""
    errors: list[str] = []
    if existing + len(photos) > PHOTO_MAX_COUNT:
        errors.append(too_many)
    checked = []
    for photo in photos:
        name = os.path.basename(getattr(photo, "name", "") or "") or "(未命名)"
        kind = PHOTO_TYPES.get(os.path.splitext(name)[1].lower())
        size = getattr(photo, "size", None) or 0
        if kind is None:
            errors.append(f"不是照片：{name}（支持 JPEG、PNG、WebP）")
        elif size == 0:
            errors.append(f"照片为空：{name}")
        elif size > PHOTO_MAX_BYTES:
            errors.append(f"照片过大：{name}（上限 {PHOTO_MAX_BYTES // 1048576} MB）")
        elif problem := content_error(photo):
            errors.append(problem)
        else:
            checked.append((photo, kind))
    if errors:
        raise ValidationError({field: errors})
    return checked


def store_photos(
    model: type[models.Model], checked: list[tuple[File, str]], *, actor: Any, **owner: Any
) -> list[models.Model]:
    """Save checked photos as rows of `model` (its file, original name, type, size, SHA-256 and
    uploader), each linked to its `owner` (e.g. ``visit=…``). Call inside the owner's write."""
    saved = []
    for photo, kind in checked:
        digest = hashlib.sha256()
        for chunk in photo.chunks() if hasattr(photo, "chunks") else [photo.read()]:
            digest.update(chunk)
        photo.seek(0)
        name = os.path.basename(photo.name)[:200]
        row = model(
            original_name=name, content_type=kind, size=photo.size, sha256=digest.hexdigest(),
            uploaded_by=actor, **owner,
        )  # fmt: skip
        row.file.save(name, photo, save=False)
        row.save()
        saved.append(row)
    return saved
