"""An uploaded file's content must be what its extension says: read from its bytes, never its name.

A text file named ``fake.pdf`` is not a 投资合同. Each allowed extension has the magic bytes its
files start with; the zip-based ones (.docx, .xlsx, .ofd) must open as a zip holding the member
that makes them what they are, within bounded unzipped size and compression ratio (the limits
of `core.xlsx`, so no upload unzips to hundreds of MB anywhere).
"""

from __future__ import annotations

import os
import zipfile
from typing import IO, Any

from zhaoshang.core.xlsx import (
    DEFAULT_MAX_RATIO,
    DEFAULT_MAX_UNZIPPED_MB,
    MAX_MEMBERS,
    MB,
    RATIO_FLOOR,
)

HEAD_BYTES = 1024  # a PDF header may follow a little junk; every other signature is at 0-12
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, WPS's .wps and .et
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

# extension → (what it is called in an error, its zip member if zip-based)
LABELS = {
    ".pdf": "PDF",
    ".ofd": "OFD",
    ".jpg": "JPEG 图片",
    ".jpeg": "JPEG 图片",
    ".png": "PNG 图片",
    ".webp": "WebP 图片",
    ".heic": "HEIC 图片",
    ".doc": "Word 文档",
    ".docx": "Word 文档",
    ".xls": "Excel 表格",
    ".xlsx": "Excel 表格",
    ".wps": "WPS 文档",
    ".et": "WPS 表格",
}
ZIP_MEMBERS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".ofd": "OFD.xml"}


def _head(handle: IO[bytes]) -> bytes:
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    return head if isinstance(head, bytes) else b""


def _zip_problem(handle: IO[bytes], member: str | None) -> str | None:
    """Why `handle` is not a sound zip holding `member` (None: it is)."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                return "压缩包内条目过多"
            unzipped = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if unzipped > DEFAULT_MAX_UNZIPPED_MB * MB:
                return f"解压后过大（上限 {DEFAULT_MAX_UNZIPPED_MB} MB）"
            if unzipped > RATIO_FLOOR and unzipped / packed > DEFAULT_MAX_RATIO:
                return "压缩比异常，疑似压缩炸弹"
            names = {m.filename.lstrip("/") for m in members}
            if member is not None and member not in names:
                return "not-this-type"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "not-this-type"
    finally:
        handle.seek(0)
    return None


def _matches(ext: str, head: bytes, handle: IO[bytes]) -> str | None:
    """None when the content fits `ext`, else the problem ("not-this-type" or a zip reason)."""
    if ext == ".pdf":
        return None if b"%PDF-" in head else "not-this-type"
    if ext in (".jpg", ".jpeg"):
        return None if head.startswith(b"\xff\xd8\xff") else "not-this-type"
    if ext == ".png":
        return None if head.startswith(b"\x89PNG\r\n\x1a\n") else "not-this-type"
    if ext == ".webp":
        return None if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else "not-this-type"
    if ext == ".heic":
        return None if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS else "not-this-type"
    if ext in (".doc", ".xls"):
        return None if head.startswith(OLE2) else "not-this-type"
    if ext in (".wps", ".et"):  # WPS saves either the old compound format or a zip package
        if head.startswith(OLE2):
            return None
        if head.startswith(b"PK\x03\x04"):
            return _zip_problem(handle, "[Content_Types].xml")
        return "not-this-type"
    if ext in ZIP_MEMBERS:
        if not head.startswith(b"PK\x03\x04"):
            return "not-this-type"
        return _zip_problem(handle, ZIP_MEMBERS[ext])
    return "not-this-type"


def content_error(upload: Any) -> str | None:
    """A Chinese message when the file's content is not what its extension says, else None.

    Only for the extensions in `LABELS` (the caller refuses any other extension itself)."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in LABELS:
        return None
    problem = _matches(ext, _head(upload), upload)
    if problem is None:
        return None
    if problem == "not-this-type":
        return f"文件内容不是 {LABELS[ext]}：{name}"
    return f"文件无法接受：{name}（{problem}）"
