"""Excel export of the project list: exactly the filtered rows, Chinese headers, money in 万元."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhaoshang.core import exports as guard
from zhaoshang.enterprises.models import Enterprise

from .figures import verified_funds_of_project
from .models import Project

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


# (header, value of a project, kind: text | money | date | int, column width)
COLUMNS: list[tuple[str, Callable[[Project], Any], str, int]] = [
    ("项目编号", lambda p: p.pk, "int", 10),
    ("项目名称", lambda p: p.name, "text", 36),
    ("所属单位", lambda p: p.unit.name, "text", 16),
    ("产业", lambda p: p.industry.name if p.industry_id else "", "text", 14),
    ("细分方向", lambda p: p.direction.name if p.direction_id else "", "text", 14),
    ("投资方", lambda p: "、".join(e.name for e in p.investors.all()), "text", 30),
    ("招商方式", lambda p: p.get_attraction_mode_display(), "text", 12),
    ("招商会战", lambda p: p.campaign.name if p.campaign_id else "", "text", 16),
    ("当前阶段", lambda p: p.get_stage_display(), "text", 8),
    ("总投资（万元）", lambda p: p.total_investment_wan, "money", 14),
    ("合同投资（万元）", lambda p: p.contracted_investment_wan, "money", 14),
    ("已核实到位资金（万元）", lambda p: p.verified_funds_wan, "money", 16),
    ("外资（万美元）", lambda p: p.foreign_investment_usd_wan, "money", 12),
    ("用地（亩）", lambda p: p.land_mu, "money", 10),
    ("预计就业（人）", lambda p: p.expected_jobs, "int", 10),
    ("预计年产值（万元）", lambda p: p.expected_output_wan, "money", 14),
    ("预计年税收（万元）", lambda p: p.expected_tax_wan, "money", 14),
    ("重点项目", lambda p: _yes(p.is_key), "text", 8),
    ("过亿元项目", lambda p: _yes(p.is_over_100m), "text", 8),
    ("省外项目", lambda p: _yes(p.is_out_of_province), "text", 8),
    ("境外项目", lambda p: _yes(p.is_foreign), "text", 8),
    ("三类500强项目", lambda p: _yes(p.is_top500), "text", 10),
    ("洽谈日期", lambda p: p.negotiating_on, "date", 12),
    ("签约日期", lambda p: p.signed_on, "date", 12),
    ("开工日期", lambda p: p.started_on, "date", 12),
    ("投产日期", lambda p: p.operating_on, "date", 12),
    ("终止日期", lambda p: p.dropped_on, "date", 12),
    ("终止原因", lambda p: p.drop_reason, "text", 20),
    ("包帮领导", lambda p: _person(p.lead_leader), "text", 10),
    ("服务专员", lambda p: _person(p.commissioner), "text", 10),
    ("工作团队", lambda p: p.team, "text", 20),
    ("录入时间", lambda p: timezone.localtime(p.created_at).replace(tzinfo=None), "datetime", 18),
]

HEADERS = [c[0] for c in COLUMNS]


def _export_queryset(projects: QuerySet[Project]) -> QuerySet[Project]:
    return (
        projects.select_related("lead_leader", "commissioner")
        .annotate(verified_funds_wan=verified_funds_of_project())
        .prefetch_related(Prefetch("investors", queryset=Enterprise.objects.only("id", "name")))
    )


def projects_workbook(projects: QuerySet[Project]) -> tuple[bytes, int]:
    """The filtered projects as an .xlsx file; returns its bytes and the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("招商项目")
    ws.freeze_panes = "C2"
    for index, (_, _, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    count = 0
    for project in _export_queryset(projects).iterator(chunk_size=2000):
        row = []
        for _, getter, kind, _ in COLUMNS:
            value = getter(project)
            cell = guard.cell(ws, _cell_value(value, kind))
            if kind == "money" and value is not None:
                cell.number_format = MONEY_FORMAT
            elif kind == "date" and value is not None:
                cell.number_format = DATE_FORMAT
            elif kind == "datetime":
                cell.number_format = "yyyy-mm-dd hh:mm"
            row.append(cell)
        ws.append(row)
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count


def _cell_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "money":
        # openpyxl writes Decimal as a number; keep two decimals exactly.
        return Decimal(value).quantize(Decimal("0.01"))
    if kind == "date" and isinstance(value, dt.date):
        return value
    return value


def xlsx_response(content: bytes, title: str) -> HttpResponse:
    """The workbook as a download named like 招商项目_20240301.xlsx (UTF-8 file name)."""
    filename = f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
