"""Reading an uploaded .xlsx without trusting it: the one guard every .xlsx reader goes through.

An .xlsx is a zip of XML. Two things in it must not be believed:

- its sizes: 308 KB that unzip to hundreds of MB (a decompression bomb) raised a worker's memory by
  ~600 MB. Before anything is parsed, the members' declared sizes (which `zipfile` holds the
  data to) are summed and bounded, so is the compression ratio, and the rows of every sheet are
  counted by streaming its XML in small chunks;
- its header: a sheet's `<dimension>` says which cells it spans. openpyxl's read-only reader
  stops at the row it claims (a sheet claiming one row lost every row after the first) and pads
  empty rows up to it. The dimension is reset, so the real rows are read, no more, no less.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

MB = 1024 * 1024
# Excel's own limit: no real sheet has more rows.
DEFAULT_MAX_ROWS = 1_048_576
DEFAULT_MAX_UNZIPPED_MB = 256
# Real workbooks compress 5–30 times; a bomb, hundreds or thousands of times.
DEFAULT_MAX_RATIO = 200
# The ratio is not judged below this size: a tiny, very regular file may compress well.
RATIO_FLOOR = 8 * MB
MAX_MEMBERS = 10_000
CHUNK = MB
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_TAG_TAIL = 64


class SpreadsheetRefused(ValueError):
    """The file is refused before it is loaded; the message says why, in Chinese."""


@dataclass(frozen=True)
class XlsxFacts:
    unzipped_bytes: int
    ratio: float
    rows: dict[str, int]  # rows of each worksheet part, counted from its XML


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _count_rows(archive: zipfile.ZipFile, member: str, max_rows: int) -> int:
    """`<row>` elements of a worksheet part, streamed (bounded memory), stopping past the limit."""
    count = 0
    tail = b""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(CHUNK)
            buffer = tail + chunk
            cut = len(buffer) if not chunk else max(len(buffer) - _TAG_TAIL, 0)
            count += sum(1 for match in _ROW_TAG.finditer(buffer) if match.start() < cut)
            if count > max_rows or not chunk:
                return count
            tail = buffer[cut:]


def inspect_xlsx(handle: IO[bytes]) -> XlsxFacts:
    """Check an .xlsx's unzipped size, compression ratio and row counts before it is loaded.

    Raises `SpreadsheetRefused` (a Chinese message) past `XLSX_MAX_UNZIPPED_MB`,
    `XLSX_MAX_RATIO` or `XLSX_MAX_ROWS` (settings; defaults 256 MB, 200, 1,048,576 rows).
    """
    max_bytes = _limit("XLSX_MAX_UNZIPPED_MB", DEFAULT_MAX_UNZIPPED_MB) * MB
    max_ratio = _limit("XLSX_MAX_RATIO", DEFAULT_MAX_RATIO)
    max_rows = _limit("XLSX_MAX_ROWS", DEFAULT_MAX_ROWS)
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SpreadsheetRefused("无法读取 Excel 文件：不是有效的 .xlsx（zip）文件") from exc
    try:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise SpreadsheetRefused(f"Excel 文件内部条目过多（{len(members)} 个），已拒绝")
        unzipped = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members) or 1
        ratio = unzipped / packed
        if unzipped > max_bytes:
            raise SpreadsheetRefused(
                f"Excel 文件解压后过大（约 {unzipped / MB:,.0f} MB，上限 {max_bytes // MB} MB），"
                "请拆分后分批导入，或另存为 CSV"
            )
        if unzipped > RATIO_FLOOR and ratio > max_ratio:
            raise SpreadsheetRefused(
                f"Excel 文件压缩比异常（{ratio:,.0f} 倍，上限 {max_ratio} 倍），疑似压缩炸弹，已拒绝"
            )
        rows = {}
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                rows[member.filename] = _count_rows(archive, member.filename, max_rows)
                if rows[member.filename] > max_rows:
                    raise SpreadsheetRefused(
                        f"Excel 工作表行数过多（超过 {max_rows:,} 行），请拆分后分批导入"
                    )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise SpreadsheetRefused("无法读取 Excel 文件：压缩数据已损坏或已加密") from exc
    finally:
        archive.close()
        handle.seek(0)
    return XlsxFacts(unzipped_bytes=unzipped, ratio=ratio, rows=rows)


def open_first_sheet(handle: IO[bytes]) -> tuple[Iterator[list[Any]], int, str]:
    """(rows of cell values, their count, sheet title) of the first sheet, after the checks.

    The rows are streamed; every row the sheet holds is read, whatever its dimension claims.
    """
    facts = inspect_xlsx(handle)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # zip or XML damage: openpyxl raises many kinds
        raise SpreadsheetRefused(f"无法读取 Excel 文件：{exc}") from None
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    count = facts.rows.get(getattr(sheet, "_worksheet_path", ""), 0)

    def rows() -> Iterator[list[Any]]:
        try:
            for values in sheet.iter_rows(values_only=True):
                yield list(values)
        finally:
            workbook.close()

    return rows(), count, sheet.title
