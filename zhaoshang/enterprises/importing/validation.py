"""Validation of an import, row by row: header mapping, then each cell parsed and checked.

The result of a valid row is a `Record` (a tuple in `FIELDS` order, `None` where the file says
nothing, so an update never blanks a field the file leaves empty). Errors are
`(row, column, message)` with the spreadsheet's own 1-based row number and the header as written
in the file, so a person finds the cell at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhaoshang.geo import divisions

from ..models import RevenueBand, StaffBand
from ..tags import tag_key
from .columns import COLUMN_BY_FIELD, COLUMNS, Column, match_header
from .parsing import (
    BLANKS,
    ParseError,
    halfwidth,
    is_blank,
    parse_amount,
    parse_count,
    parse_date,
    parse_division_code,
    parse_industry_code,
    parse_uscc,
    split_list,
    text,
)

# The fields a record carries, in order; derived flags follow the file's fields.
FIELDS = (
    "uscc",
    "name",
    "legal_representative",
    "registered_capital_wan",
    "founded_on",
    "industry_code",
    "business_scope",
    "address",
    "division_code",
    "revenue_band",
    "staff_band",
    "annual_output_wan",
    "founder_native_code",
    "group_name",
    "is_local",
    "province_code",
    "tags",
)
FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}
Record = tuple
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is tolerated


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


REVENUE_NAMES = {k: c.value for c in RevenueBand for k in (c.value, c.label)}
STAFF_NAMES = {k: c.value for c in StaffBand for k in (c.value, c.label)}
_REVENUE_LIMITS = ((2000, "lt2000"), (10_000, "lt1e4"), (100_000, "lt1e5"), (1_000_000, "lt1e6"))
_STAFF_LIMITS = ((50, "lt50"), (300, "lt300"), (1000, "lt1000"), (5000, "lt5000"))


def _band_key(value: Any) -> str:
    return halfwidth(text(value)).replace(" ", "").replace("-", "–").replace("~", "–")


def _revenue_band(value: Any) -> str:
    """A revenue band from its label (`1亿–10亿元`), its code, or an amount in 万元."""
    band = REVENUE_NAMES.get(value) or REVENUE_NAMES.get(_band_key(value))
    if band:
        return band
    try:
        wan = parse_amount(value, "万元")
    except ParseError:
        labels = "、".join(RevenueBand.labels)
        raise ParseError(f"无法识别的营收规模：{value}（可填：{labels}，或金额）") from None
    return next((b for limit, b in _REVENUE_LIMITS if wan < limit), RevenueBand.OVER_10BN.value)


def _staff_band(value: Any) -> str:
    """A staff band from its label (`50–300人`), its code, or a head count."""
    band = STAFF_NAMES.get(value) or STAFF_NAMES.get(_band_key(value))
    if band:
        return band
    try:
        count = parse_count(value)
    except ParseError:
        labels = "、".join(StaffBand.labels)
        raise ParseError(f"无法识别的人员规模：{value}（可填：{labels}，或人数）") from None
    return next((b for limit, b in _STAFF_LIMITS if count < limit), StaffBand.OVER_5000.value)


class RowValidator:
    """Maps the header row, then turns each data row into a `Record` or a list of `RowError`."""

    def __init__(
        self, *, tag_index: dict[str, int], today: dt.date, track_duplicates: bool = True
    ) -> None:
        self.tag_index = tag_index
        self.today = today
        # Off when the caller sees only some of the file's rows and finds duplicates itself.
        self.track_duplicates = track_duplicates
        self.last_code: str | None = None  # the row's 统一社会信用代码 when it parsed
        self.header_row = 0
        self.header_errors: list[RowError] = []
        # (cell index, column, unit, parser, header as written, slot in the record)
        self.plan: list[tuple[int, Column, str, Callable[[Any], Any], str, int]] = []
        self.present: set[str] = set()
        self.seen: dict[str, int] = {}  # uscc → first row, for duplicates inside the file

    # --- header ---------------------------------------------------------------------------

    @staticmethod
    def looks_like_header(cells: list[Any]) -> bool:
        return sum(1 for c in cells if not is_blank(c) and match_header(c)) >= 2

    def read_header(self, row_number: int, cells: list[Any]) -> bool:
        """Map the header; False when the file cannot be imported (errors in `header_errors`)."""
        self.header_row = row_number
        fields: dict[str, str] = {}
        for index, raw in enumerate(cells):
            if is_blank(raw):
                continue
            header = text(raw)
            found = match_header(raw)
            if found is None:
                known = "、".join(c.label for c in COLUMNS)
                self.header_errors.append(
                    RowError(row_number, header, f"无法识别的列名：{header}（可用列名：{known}）")
                )
                continue
            column, unit = found
            if column.field in fields:
                self.header_errors.append(
                    RowError(row_number, header, f"列“{header}”与“{fields[column.field]}”重复")
                )
                continue
            fields[column.field] = header
            parser = self._parser(column, unit)
            self.plan.append((index, column, unit, parser, header, FIELD_INDEX[column.field]))
        for column in COLUMNS:
            if column.required and column.field not in fields:
                self.header_errors.append(
                    RowError(row_number, column.label, f"缺少必填列：{column.label}")
                )
        self.present = set(fields)
        return not self.header_errors

    def _parser(self, column: Column, unit: str) -> Callable[[Any], Any]:
        kind = column.kind
        if kind == "text":
            limit = column.max_length

            def parse_text(value: Any) -> str:
                s = text(value)
                if limit and len(s) > limit:
                    raise ParseError(f"{column.label}超过 {limit} 个字符")
                return s

            return parse_text
        if kind == "uscc":
            return parse_uscc
        if kind == "date":
            today = self.today

            def parse_founded(value: Any) -> dt.date:
                day = parse_date(value)
                if day > today:
                    raise ParseError(f"成立日期晚于今天：{day.isoformat()}")
                return day

            return parse_founded
        if kind == "amount":
            return lambda value: parse_amount(value, unit)
        if kind == "division":
            lookup = divisions.lookup

            def parse_division(value: Any) -> str:
                code = parse_division_code(value)
                if lookup(code) is None:
                    raise ParseError(f"未知的行政区划代码：{code}")
                return code

            return parse_division
        if kind == "industry":
            return parse_industry_code
        if kind == "tags":
            return self._parse_tags
        if kind == "revenue":
            return _revenue_band
        if kind == "staff":
            return _staff_band
        raise ValueError(kind)

    def _parse_tags(self, value: Any) -> tuple[int, ...]:
        single = self.tag_index.get(value) if type(value) is str else None
        if single is not None:
            return (single,)
        ids: list[int] = []
        unknown: list[str] = []
        for name in split_list(value):
            tag_id = self.tag_index.get(tag_key(name))
            if tag_id is None:
                unknown.append(name)
            elif tag_id not in ids:
                ids.append(tag_id)
        if unknown:
            raise ParseError(f"未知的标签：{'、'.join(unknown)}")
        return tuple(sorted(ids))

    # --- rows -----------------------------------------------------------------------------

    def row(self, row_number: int, cells: list[Any]) -> tuple[Record | None, list[RowError]]:
        """A record for a valid row, or the row's errors (every bad cell, not only the first)."""
        values: list[Any] = [None] * len(FIELDS)
        errors: list[RowError] = []
        width = len(cells)
        for index, column, _unit, parse, header, slot in self.plan:
            raw = cells[index] if index < width else None
            if raw is None or (
                type(raw) is str
                and (
                    raw in BLANKS
                    or ((raw[0].isspace() or raw[-1].isspace()) and raw.strip() in BLANKS)
                )
            ):
                if column.required:
                    errors.append(RowError(row_number, header, f"{column.label}不能为空"))
                continue
            try:
                values[slot] = parse(raw)
            except ParseError as exc:
                errors.append(RowError(row_number, header, str(exc)))
        code = self.last_code = values[0]
        if code is not None and self.track_duplicates:
            first = self.seen.get(code)
            if first is not None:
                errors.append(self.duplicate_error(row_number, code, first))
            else:
                self.seen[code] = row_number
        if errors:
            return None, errors
        division = values[8]
        if division:
            values[14] = division.startswith(divisions.HOME_CITY)
            values[15] = division[:2]
        return tuple(values), []

    def duplicate_error(self, row_number: int, code: str, first: int) -> RowError:
        """A code seen before in the same file: reported on the later row, naming the first."""
        return RowError(
            row_number,
            self._header_of("uscc"),
            f"文件内重复的统一社会信用代码 {code}（与第 {first} 行相同）",
        )

    def _header_of(self, field: str) -> str:
        for _index, column, _unit, _parse, header, _slot in self.plan:
            if column.field == field:
                return header
        return COLUMN_BY_FIELD[field].label


def blank_row(cells: list[Any]) -> bool:
    return all(c is None or c == "" or is_blank(c) for c in cells)


def amount_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"
