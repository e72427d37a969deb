"""Helpers any app's tests share that need nothing above the ground floor."""

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

PASSWORD = "test-pass-123"


def pdf_file(name: str = "合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def workbook_bytes(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, member: str, change) -> bytes:
    """The same .xlsx with one member's XML changed by `change(text) -> text`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == member:
                body = change(body.decode()).encode()
            target.writestr(info.filename, body)
    return out.getvalue()


def lying_dimension(rows) -> bytes:
    """A workbook whose sheet header claims it spans A1:B1, whatever rows it holds."""
    return rewrite_member(
        workbook_bytes(rows),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B1"', xml),
    )


def bomb(unzipped_mb: int = 300) -> bytes:
    """A real workbook whose sheet XML is padded with `unzipped_mb` MB of blank space inside
    its <sheetData>: a few hundred KB on disk (written in chunks: the test itself stays small)."""
    base = workbook_bytes([["名称", "代码"]])
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, body)
                continue
            head, tail = body.split(b"<sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(head + b"<sheetData>")
                chunk = b" " * (1024 * 1024)
                for _ in range(unzipped_mb):
                    stream.write(chunk)
                stream.write(tail)
    return out.getvalue()
