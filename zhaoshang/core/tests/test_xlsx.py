"""The .xlsx guard (issue 9 §7): a decompression bomb is refused before it is loaded, with
bounded memory; a sheet whose dimension lies is read whole; rows past the limit are refused."""

from __future__ import annotations

import io
import tracemalloc

import pytest

from zhaoshang.core.tests.support import bomb, lying_dimension, workbook_bytes
from zhaoshang.core.xlsx import SpreadsheetRefused, inspect_xlsx, open_first_sheet


def test_a_decompression_bomb_is_refused_before_loading_with_bounded_memory():
    data = bomb(300)
    assert len(data) < 1024 * 1024  # 300 MB of XML in well under 1 MB

    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetRefused) as refused:
            open_first_sheet(io.BytesIO(data))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "Excel 文件解压后过大（约 300 MB，上限 256 MB）" in str(refused.value)
    assert peak < 4 * 1024 * 1024


def test_a_bomb_under_the_size_limit_is_refused_for_its_ratio(settings):
    settings.XLSX_MAX_UNZIPPED_MB = 1024

    with pytest.raises(SpreadsheetRefused) as refused:
        inspect_xlsx(io.BytesIO(bomb(20)))

    assert "压缩比异常" in str(refused.value)
    assert "疑似压缩炸弹" in str(refused.value)


def test_a_sheet_whose_dimension_claims_one_row_is_read_whole():
    rows = [["名称", "代码"], ["甲公司", "1"], ["乙公司", "2"], ["丙公司", "3", "多一列"]]

    values, count, title = open_first_sheet(io.BytesIO(lying_dimension(rows)))

    assert list(values) == [
        ["名称", "代码"],
        ["甲公司", "1"],
        ["乙公司", "2"],
        ["丙公司", "3", "多一列"],
    ]
    assert (count, title) == (4, "Sheet")


def test_a_sheet_with_more_rows_than_the_limit_is_refused_before_loading(settings):
    settings.XLSX_MAX_ROWS = 3

    with pytest.raises(SpreadsheetRefused) as refused:
        open_first_sheet(io.BytesIO(workbook_bytes([[i] for i in range(4)])))

    assert str(refused.value) == "Excel 工作表行数过多（超过 3 行），请拆分后分批导入"


def test_rows_are_counted_across_read_chunks(settings, monkeypatch):
    monkeypatch.setattr("zhaoshang.core.xlsx.CHUNK", 7)

    facts = inspect_xlsx(io.BytesIO(workbook_bytes([[i, "某某"] for i in range(25)])))

    assert facts.rows == {"xl/worksheets/sheet1.xml": 25}


def test_a_file_that_is_not_a_zip_is_refused_in_chinese():
    with pytest.raises(SpreadsheetRefused) as refused:
        open_first_sheet(io.BytesIO(b"PK\x03\x04 not really a zip"))

    assert str(refused.value) == "无法读取 Excel 文件：不是有效的 .xlsx（zip）文件"
