"""Excel export of the enterprise list, and the import template.

The export has the import's own headers (so an exported file can be edited and imported back)
plus contacts, their phone numbers masked for everyone (the full number only through the audited
reveal on the enterprise page).
Streamed through openpyxl's write-only mode; capped at `EXPORT_MAX` rows.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhaoshang.core import exports as guard
from zhaoshang.core.masking import mask_phone

from .importing.parsing import industry_label, uscc_check_digit
from .models import Contact, Enterprise, RevenueBand, StaffBand
from .selectors import division_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX = 100_000
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
_REVENUE = dict(RevenueBand.choices)
_STAFF = dict(StaffBand.choices)

# (header, value of an enterprise, kind, width); headers are the importer's own.
COLUMNS: list[tuple[str, Callable[[Enterprise], Any], str, int]] = [
    ("企业名称", lambda e: e.name, "text", 36),
    ("统一社会信用代码", lambda e: e.uscc or "", "text", 22),
    ("法定代表人", lambda e: e.legal_representative, "text", 10),
    ("注册资本(万元)", lambda e: e.registered_capital_wan, "money", 14),
    ("成立日期", lambda e: e.founded_on, "date", 12),
    ("所属行业", lambda e: industry_label(e.industry_code), "text", 10),
    ("经营范围", lambda e: e.business_scope, "text", 40),
    ("注册地址", lambda e: e.address, "text", 30),
    ("行政区划代码", lambda e: e.division_code, "text", 10),
    ("标签", lambda e: "、".join(t.name for t in e.tags.all()), "text", 20),
    ("营收规模", lambda e: _REVENUE.get(e.revenue_band, ""), "text", 14),
    ("人员规模", lambda e: _STAFF.get(e.staff_band, ""), "text", 12),
    ("年产值(万元)", lambda e: e.annual_output_wan, "money", 14),
    ("创始人籍贯", lambda e: e.founder_native_code, "text", 10),
    ("所属集团", lambda e: e.group_name, "text", 20),
]
EXAMPLE_BODY = "91371581MA3C00000"
EXTRA = [("注册地", 22), ("本市企业", 8), ("联系人", 30)]


def _header(ws, titles: list[str]) -> list[WriteOnlyCell]:
    font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    cells = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = font, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _contacts(ids: list[int]) -> dict[int, str]:
    out: dict[int, list[str]] = defaultdict(list)
    for c in Contact.objects.filter(enterprise_id__in=ids).order_by("id"):
        phone = mask_phone(c.phone)
        out[c.enterprise_id].append(" ".join(p for p in (c.name, c.title, phone) if p))
    return {k: "；".join(v) for k, v in out.items()}


def _chunks(qs: QuerySet[Enterprise], size: int = 2000) -> Iterator[list[Enterprise]]:
    batch: list[Enterprise] = []
    for enterprise in qs.iterator(chunk_size=size):
        batch.append(enterprise)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def enterprises_workbook(qs: QuerySet[Enterprise]) -> tuple[bytes, int]:
    """The enterprises as .xlsx bytes and the number of rows; contacts' phones masked."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业库")
    ws.freeze_panes = "B2"
    widths = [c[3] for c in COLUMNS] + [w for _, w in EXTRA]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append(_header(ws, [c[0] for c in COLUMNS] + [t for t, _ in EXTRA]))
    count = 0
    qs = qs.prefetch_related("tags")
    for batch in _chunks(qs):
        contacts = _contacts([e.pk for e in batch])
        for enterprise in batch:
            row = []
            for _title, getter, kind, _width in COLUMNS:
                value = getter(enterprise)
                cell = guard.cell(ws, value)
                if kind == "money" and value is not None:
                    cell.number_format = MONEY_FORMAT
                elif kind == "date" and value is not None:
                    cell.number_format = DATE_FORMAT
                row.append(cell)
            row.append(guard.cell(ws, division_label(enterprise.division_code)))
            row.append(guard.cell(ws, "是" if enterprise.is_local else "否"))
            row.append(guard.cell(ws, contacts.get(enterprise.pk, "")))
            ws.append(row)
            count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count


def template_workbook() -> bytes:
    """An empty import file: the headers and one example row."""
    from .importing.columns import COLUMNS as IMPORT_COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业导入")
    titles = [c.label for c in IMPORT_COLUMNS]
    for index in range(1, len(titles) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 18
    ws.append(_header(ws, titles))
    example = {
        "企业名称": "示例轴承有限公司",
        "统一社会信用代码": EXAMPLE_BODY + uscc_check_digit(EXAMPLE_BODY),
        "法定代表人": "张三",
        "注册资本(万元)": 5000,
        "成立日期": "2018-05-20",
        "经营范围": "轴承、轴承套圈的研发、生产、销售",
        "所属行业": "C3451",
        "注册地址": "山东省聊城市临清市烟店镇工业园",
        "行政区划代码": "371581",
        "标签": "专精特新、高新技术企业",
        "营收规模": "1亿–10亿元",
        "人员规模": "300–1000人",
        "年产值(万元)": 32000,
        "创始人籍贯": "371581",
        "所属集团": "",
    }
    ws.append(guard.row(ws, [example.get(t, "") for t in titles]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    from django.utils import timezone

    name = f"{stem}_{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
