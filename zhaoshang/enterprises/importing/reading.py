"""Reading an import file as rows of cells: .xlsx through openpyxl, CSV in UTF-8 (with or without
BOM), UTF-16 (with BOM, as Excel's "Unicode text" saves it), GBK / GB18030.

Encoding: a BOM decides; otherwise the first 64 KB must decode as UTF-8 (an incremental decoder,
so a character cut at the boundary is fine) or the file is read as GB18030, the superset of GBK
and GB2312 that every Chinese Windows export fits. The delimiter is a comma unless the first
line has more tabs (or semicolons) than commas. Rows are streamed: a file of 10^6 rows is never
held in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from zhaoshang.core.xlsx import SpreadsheetRefused, open_first_sheet

from .parsing import ParseError

SNIFF_BYTES = 64 * 1024
csv.field_size_limit(16 * 1024 * 1024)  # a long 经营范围 must not stop the import
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """The rows of the file's first sheet: `(row number, cells)` with 1-based row numbers."""

    rows: Iterator[tuple[int, list[Any]]]
    kind: str  # "xlsx" | "csv"
    encoding: str = ""
    estimated_rows: int = 0  # data rows, estimated before reading (for progress)
    extra: dict[str, Any] = field(default_factory=dict)


def _size(handle: IO[bytes]) -> int:
    try:
        position = handle.tell()
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(position)
        return size
    except (OSError, AttributeError):
        return 0


def detect_encoding(head: bytes) -> str:
    """The encoding of a CSV file from its first bytes (see the module docstring)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def sniff_delimiter(head: str) -> str:
    """Comma, unless the first lines hold more tabs (or semicolons) than commas."""
    sample = "\n".join(head.splitlines()[:20])
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _csv_rows(handle: IO[bytes], encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    stream = io.TextIOWrapper(handle, encoding=encoding, newline="", errors="strict")
    row_number = 0
    try:
        reader = csv.reader(stream, delimiter=delimiter, quotechar='"', strict=False)
        for row_number, cells in enumerate(reader, start=1):
            yield row_number, cells
    except UnicodeDecodeError:
        raise ParseError(
            f"第 {row_number + 1} 行附近含有无法按 {encoding} 解码的字符，"
            "请将文件另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx"
        ) from None
    except csv.Error as exc:
        raise ParseError(f"第 {row_number + 1} 行 CSV 格式有误：{exc}") from None
    finally:
        stream.detach()


def _xlsx_rows(handle: IO[bytes]) -> tuple[Iterator[tuple[int, list[Any]]], int, str]:
    """The first sheet's rows, through the ground floor's guard (size, ratio and row count
    bounded before loading; the real rows read, whatever the sheet's dimension claims)."""
    try:
        values, count, title = open_first_sheet(handle)
    except SpreadsheetRefused as exc:
        raise ParseError(str(exc)) from None
    return enumerate(values, start=1), max(count - 1, 0), title


@dataclass(frozen=True)
class FileFacts:
    """What the first bytes tell of an uploaded file, before any row is read."""

    kind: str  # "xlsx" | "csv"
    head: bytes
    encoding: str = ""
    delimiter: str = ","
    estimated_rows: int = 0  # CSV: data rows, from the file size and the first lines' length


def describe(handle: IO[bytes], name: str = "") -> FileFacts:
    """The kind, encoding, delimiter and size of a file; `ParseError` when we cannot read it."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    lowered = name.lower()
    if head.startswith(XLS_MAGIC) or lowered.endswith(".xls"):
        raise ParseError("不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再导入")
    if head.startswith(XLSX_MAGIC) or lowered.endswith((".xlsx", ".xlsm")):
        return FileFacts(kind="xlsx", head=head)
    if not head.strip():
        raise ParseError("文件为空")
    encoding = detect_encoding(head)
    delimiter = sniff_delimiter(head.decode(encoding, errors="ignore"))
    size = _size(handle)
    lines = head.count(b"\n") or 1
    estimate = max(int(size / (len(head) / lines)) - 1, 0) if size else 0
    return FileFacts("csv", head, encoding, delimiter, estimate)


def open_table(handle: IO[bytes], name: str = "") -> Table:
    """The rows of an uploaded file; `ParseError` when it is not a file we can read."""
    facts = describe(handle, name)
    if facts.kind == "xlsx":
        rows, estimate, sheet = _xlsx_rows(handle)
        return Table(rows=rows, kind="xlsx", estimated_rows=estimate, extra={"sheet": sheet})
    return Table(
        rows=_csv_rows(handle, facts.encoding, facts.delimiter),
        kind="csv",
        encoding=facts.encoding,
        estimated_rows=facts.estimated_rows,
        extra={"delimiter": facts.delimiter},
    )
