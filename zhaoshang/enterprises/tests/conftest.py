"""Fixtures of the enterprise library's tests: tags, a small chain, import files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from stdnum.cn import uscc as uscc_std

from zhaoshang.enterprises.tags import tags_setup


def make_uscc(serial: int, division: str = "371581") -> str:
    """A valid 18-character 统一社会信用代码 (company registered in `division`)."""
    body = f"91{division}MA{serial:07d}"
    return body + uscc_std.calc_check_digit(body)


def bad_check_digit(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def csv_bytes(
    rows: Sequence[Sequence[Any]], encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def csv_file(rows, name: str = "企业.csv", encoding: str = "utf-8", **kw) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, encoding, **kw), content_type="text/csv")


def xlsx_bytes(rows: Sequence[Sequence[Any]], formats: dict[tuple[int, int], str] | None = None):
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if formats and (r, c) in formats:
                cell.number_format = formats[(r, c)]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows, name: str = "企业.xlsx", formats=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows, formats),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def all_tags(db):
    return tags_setup()


@pytest.fixture
def chain(db):
    """One direction (铝精深加工) with three nodes, and a second direction (轴承)."""
    from zhaoshang.industries.models import ChainNode, Direction, Industry

    industry = Industry.objects.create(code="metal", name="有色金属")
    aluminium = Direction.objects.create(industry=industry, code="al", name="铝精深加工")
    bearing_industry = Industry.objects.create(code="bearing", name="轴承")
    bearing = Direction.objects.create(industry=bearing_industry, code="brg", name="高端轴承")
    nodes = {
        "ingot": ChainNode.objects.create(
            direction=aluminium, name="电解铝", stream="upstream", keywords=["电解铝"]
        ),
        "sheet": ChainNode.objects.create(
            direction=aluminium, name="铝板带箔", stream="midstream", keywords=["铝板带"]
        ),
        "wheel": ChainNode.objects.create(
            direction=aluminium, name="汽车轮毂", stream="downstream", keywords=["轮毂"]
        ),
        "ring": ChainNode.objects.create(
            direction=bearing, name="轴承套圈", stream="midstream", keywords=["套圈"]
        ),
    }
    return {"aluminium": aluminium, "bearing": bearing, "nodes": nodes}
