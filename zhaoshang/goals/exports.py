"""Excel and PDF outputs of the dashboards and the ranking (竞赛榜).

* ``tables_workbook``: the tables behind the charts, one sheet each (what the page shows).
* ``ranking_workbook``: a published ranking, one sheet per track plus a sheet with the scheme,
  the period and the SHA-256 of the snapshot, so a printed copy can be checked.
* ``ranking_pdf``: the same ranking laid out like an official notice (红头文件: the issuing
  office in red, document number, title, tables per track, signature and date, and a footnote
  with the scheme version and the hash), rendered through ``core.pdf`` (WeasyPrint with the
  CJK font from the machine).

The views write an ``export`` entry to the audit log for every download.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhaoshang.core import pdf as pdf_output
from zhaoshang.core.exports import put
from zhaoshang.projects.exports import XLSX_TYPE

from .dashboards import Table, notice_title, quarter_title, ranking_cells

MONEY_FORMAT = "#,##0.00"
PCT_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=13)
ISSUER = "聊城市投资促进局"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(text: str, used: set[str]) -> str:
    name = _SHEET_BAD.sub("", text)[:28] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:26]}{n}"
        n += 1
    used.add(name)
    return name


def _cell(value: Any, kind: str) -> tuple[Any, str | None]:
    """(cell value, number format) for a table cell of the given kind."""
    if value is None or value == "":
        return None, None
    if kind == "money":
        return Decimal(value).quantize(Decimal("0.01")), MONEY_FORMAT
    if kind == "pct":
        return Decimal(value).quantize(Decimal("0.01")), PCT_FORMAT
    if kind == "number":
        value = Decimal(value)
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return int(value), "#,##0"
        return value, MONEY_FORMAT
    if kind == "date" and isinstance(value, dt.date):
        return value, DATE_FORMAT
    if kind == "change":
        return (int(value), "+0;-0;0") if value is not None else (None, None)
    return value, None


def _header(ws: Any, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = put(ws, row=row, column=col, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_table(ws: Any, table: Table) -> None:
    put(ws, row=1, column=1, value=table.title).font = TITLE_FONT
    _header(ws, 2, [c.label for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    r = 3
    for row in [*table.rows, *([table.footer] if table.footer else [])]:
        for col, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell_value, number_format = _cell(value, column.kind)
            cell = put(ws, row=r, column=col, value=cell_value)
            if number_format:
                cell.number_format = number_format
        if table.footer is row:
            for col in range(1, len(table.columns) + 1):
                ws.cell(row=r, column=col).font = Font(bold=True)
        r += 1
    if table.note:
        put(ws, row=r + 1, column=1, value=table.note)
    ws.freeze_panes = "B3"


def tables_workbook(tables: list[Table], *, source: str) -> bytes:
    """The tables as an .xlsx file, one sheet each, with where and when they came from."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_name(table.title, used))
        _write_table(ws, table)
        last = ws.max_row + 2
        put(ws, row=last, column=1, value=f"来源：{source}；导出时间：{_now_text()}")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _now_text() -> str:
    return f"{timezone.localtime():%Y-%m-%d %H:%M}"


# --- the ranking --------------------------------------------------------------------------------


def ranking_headers(ranking: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(header, kind, width) of a ranking sheet's columns, in order."""
    headers: list[tuple[str, str, int]] = [("名次", "number", 6), ("单位", "text", 22)]
    for c in ranking["columns"]:
        if c["kind"] == "indicator":
            headers.append((f"{c['label']}（{c['unit']}）", "number", 16))
            if c["method"] in ("completion", "growth"):
                rate = "完成率" if c["method"] == "completion" else "增幅"
                headers.append((f"{c['label']}（{rate}%）", "pct", 14))
            headers.append((f"{c['label']}（得分，权重{c['weight']}）", "number", 14))
        else:
            sign = "加分" if c["kind"] == "bonus" else "扣分"
            headers.append((f"{c['label']}（个数）", "number", 12))
            headers.append((f"{c['label']}（{sign}）", "number", 12))
    headers += [
        ("加分合计", "number", 10),
        ("扣分合计", "number", 10),
        ("总分", "number", 10),
        ("上期名次", "number", 10),
        ("名次变化", "change", 10),
    ]
    return headers


def ranking_rows(ranking: dict[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    """(track name, rows) with the cells of `ranking_headers`, in rank order."""
    methods = {c["id"]: c.get("method") for c in ranking["columns"]}
    out = []
    for track in ranking_cells(ranking):
        rows = []
        for row in track["rows"]:
            values: list[Any] = [Decimal(row["rank"]), row["unit_name"]]
            for cell in row["cells"]:
                values.append(cell["value"])
                if cell["kind"] == "indicator" and methods[cell["column"]] in (
                    "completion",
                    "growth",
                ):
                    values.append(cell["rate"])
                values.append(cell["score"])
            values += [
                row["bonus"],
                row["deduction"],
                row["total"],
                Decimal(row["previous_rank"]) if row["previous_rank"] else None,
                row["rank_change"],
            ]
            rows.append(values)
        out.append((track["name"], rows))
    return out


def ranking_workbook(ranking: dict[str, Any]) -> bytes:
    """A published ranking as .xlsx: one sheet per track, then a sheet 说明 (scheme, hash)."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    headers = ranking_headers(ranking)
    title = notice_title(ranking["quarter"])
    for track_name, rows in ranking_rows(ranking):
        ws = wb.create_sheet(_sheet_name(track_name, used))
        put(ws, row=1, column=1, value=f"{title}（{track_name}）").font = TITLE_FONT
        _header(ws, 2, [h[0] for h in headers])
        for index, (_, _, width) in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for r, values in enumerate(rows, start=3):
            for col, (value, (_, kind, _)) in enumerate(zip(values, headers, strict=True), start=1):
                cell_value, number_format = _cell(value, kind)
                cell = put(ws, row=r, column=col, value=cell_value)
                if number_format:
                    cell.number_format = number_format
        ws.freeze_panes = "C3"
    ws = wb.create_sheet(_sheet_name("说明", used))
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 80
    for r, (label, value) in enumerate(ranking_facts(ranking), start=1):
        put(ws, row=r, column=1, value=label).font = Font(bold=True)
        put(ws, row=r, column=2, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def verify_command(ranking: dict[str, Any]) -> str:
    return (
        f"python manage.py verify_ranking {ranking['quarter']} --scheme {ranking['scheme']['code']}"
    )


def ranking_facts(ranking: dict[str, Any]) -> list[tuple[str, str]]:
    """What identifies a published ranking: scheme and version, period, publication, hash."""
    published_at = ranking.get("published_at")
    return [
        ("标题", notice_title(ranking["quarter"])),
        ("考核办法", f"{ranking['scheme']['name']}（代码 {ranking['scheme']['code']}）"),
        ("办法版本", f"第{ranking['scheme']['version']}版"),
        ("统计期间", ranking["period"]["display"]),
        (
            "发布时间",
            f"{timezone.localtime(published_at):%Y-%m-%d %H:%M}" if published_at else "未发布",
        ),
        ("发布人", ranking.get("published_by") or ""),
        ("SHA-256", ranking.get("hash") or ""),
        ("核验方法", f"在平台服务器上运行 {verify_command(ranking)}"),
    ]


def document_number(ranking: dict[str, Any]) -> str:
    """聊投促榜〔2024〕1号: one notice per quarter, numbered by the quarter."""
    quarter = ranking["quarter"]
    return f"聊投促榜〔{quarter[:4]}〕{quarter[-1]}号"


def ranking_notice_html(ranking: dict[str, Any]) -> str:
    """The HTML the PDF is rendered from (also useful to check the text without a PDF reader)."""
    published_at = ranking.get("published_at")
    issued = timezone.localtime(published_at).date() if published_at else timezone.localdate()
    methods = {c["id"]: c for c in ranking["columns"]}
    tracks = ranking_cells(ranking)
    numerals = "一二三四五六七八九十"
    return render_to_string(
        "goals/ranking_notice.html",
        {
            "ranking": ranking,
            "issuer": ISSUER,
            "title": notice_title(ranking["quarter"]),
            "quarter_title": quarter_title(ranking["quarter"]),
            "document_number": document_number(ranking),
            "issued": issued,
            "font_css": pdf_output.font_css(),
            "columns": ranking["columns"],
            "indicator_columns": [c for c in ranking["columns"] if c["kind"] == "indicator"],
            "methods": methods,
            "tracks": [
                {**t, "numeral": numerals[i] if i < len(numerals) else str(i + 1)}
                for i, t in enumerate(tracks)
            ],
            "facts": ranking_facts(ranking),
            "bonus_labels": "；".join(
                c["label"] for c in ranking["columns"] if c["kind"] == "bonus"
            ),
            "deduction_labels": "；".join(
                c["label"] for c in ranking["columns"] if c["kind"] == "deduction"
            ),
            "verify_command": verify_command(ranking),
        },
    )


def ranking_pdf(ranking: dict[str, Any]) -> bytes:
    """The ranking as a printable PDF laid out like an official notice."""
    return pdf_output.render_pdf(ranking_notice_html(ranking))


# --- responses ----------------------------------------------------------------------------------


download = pdf_output.download


def xlsx(content: bytes, filename: str) -> HttpResponse:
    return download(content, filename=filename, content_type=XLSX_TYPE)


def pdf(content: bytes, filename: str) -> HttpResponse:
    return pdf_output.pdf_response(content, filename)
