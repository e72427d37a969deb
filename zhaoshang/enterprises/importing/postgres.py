"""PostgreSQL's path for a large CSV import: the server parses the file and checks every cell
already in its canonical form; `RowValidator` handles the rest, so the report is the same.

Why: Python reads and checks a row in about 11 µs, most of it spent decoding and splitting
Chinese text, so a file of 10^6 rows took 21 s before anything was written. `COPY … (FORMAT
csv)` parses the same file in about 3 s. The path:

1. the bytes after the header row go into a temporary table of text columns (`COPY`), each row
   numbered in file order (`seq`), so row numbers are the spreadsheet's, as the csv module
   counts them;
2. one SQL pass marks the rows with any cell that is not in a canonical form which SQL converts
   exactly as `RowValidator` would: text that `text()` leaves unchanged (no whitespace but
   single inner spaces; `CleanScan` spares the check when the whole file has none), `2024-03-05`,
   `1200.5`, `C3351`, a known division code, band or tag name; 统一社会信用代码 check digits are
   checked by numpy on the code column;
3. the marked rows, usually a few or none, go through `RowValidator` itself: every error
   message, and every unusual form it accepts (`2024年3月5日`, `5亿`, full-width digits …), is
   the Python path's own;
4. duplicate codes are found over the whole file;
5. the valid rows become the staging tables the write phase reads, as `Stage` fills them.

Whatever COPY would read differently from the csv module makes this path step aside before
anything is kept, and the Python path reads the file instead: rows of another width, blank lines
inside the data, a quote in the middle of an unquoted field, UTF-16, or a header below the first
64 KB.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from zhaoshang.geo import divisions

from ..models import Enterprise
from . import reading
from .parsing import (
    BLANKS,
    SECTION_OF_DIVISION,
    UNITS_IN_WAN,
    USCC_ALPHABET,
    ParseError,
)
from .validation import HEADER_SEARCH_ROWS, RowError, RowValidator, blank_row

if TYPE_CHECKING:
    from .service import ImportReport, Stage

logger = logging.getLogger(__name__)
RAW = "zs_import_raw"
SLOW = "zs_import_slow"
DATES = "zs_import_dates"
DIVISIONS = "zs_import_divisions"
INDUSTRIES = "zs_import_industries"
BANDS = "zs_import_bands"
TAG_KEYS = "zs_import_tag_keys"
LOOKUPS = (DATES, DIVISIONS, INDUSTRIES, BANDS, TAG_KEYS)
PG_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "gb18030": "GB18030"}
BLOCK = 1 << 20
TEMP_BUFFERS = "1GB"
PREVIEW_ROWS = 20
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)


def min_rows() -> int:
    return int(getattr(settings, "ENTERPRISE_IMPORT_SERVER_MIN_ROWS", 5000))


class StepAside(Exception):
    """The file is one COPY would read differently from the csv module: use the Python path."""


# --- what SQL may accept ------------------------------------------------------------------------


def odd_whitespace() -> str:
    """A bracket expression of every whitespace character but the ASCII space, by the running
    Python's own tables (`str.isspace`). A cell without these, without a space at either end
    and without two spaces in a row is one `text()` returns unchanged."""
    chars = [chr(cp) for cp in range(0x110000) if chr(cp).isspace() and cp != 0x20]
    return "[" + "".join(chars) + "]"


_WHITESPACE = odd_whitespace()
AMOUNT_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"  # x 10^4 still fits numeric(16, 2)


def industry_forms() -> list[tuple[str, str]]:
    """Every canonical way to write a GB/T 4754 code that `parse_industry_code` accepts, with
    the code it stores: `C3351` and `3351` → `3351`, and the 2- and 3-digit forms."""
    forms: list[tuple[str, str]] = []
    for division, section in SECTION_OF_DIVISION.items():
        two = f"{division:02d}"
        for code in [
            two,
            *(f"{two}{i}" for i in range(10)),
            *(f"{two}{i:02d}" for i in range(100)),
        ]:
            forms.append((code, code))
            forms.append((section + code, code))
    return forms


def _blank(cell: str) -> str:
    return f"({cell} IS NULL OR {cell} = '')"


def _placeholders() -> str:
    return ", ".join("'" + b.replace("'", "''") + "'" for b in sorted(BLANKS) if b)


@dataclass
class Plan:
    """The SQL of one import: the checks of the fast path, and the values they convert to."""

    joins: list[str]
    checks: list[str]
    values: dict[str, str]  # record field → SQL expression (absent: NULL)
    params: list[Any]
    uscc_cell: str
    tags_join: str = ""


def build_plan(validator: RowValidator, *, clean: bool = False) -> Plan:
    """The checks and conversions of the validator's columns; `clean`: the file has no
    whitespace a text cell could need folded (`CleanScan`), so text cells need no regex."""
    joins: list[str] = []
    checks: list[str] = []
    values: dict[str, str] = {}
    params: list[Any] = []
    uscc_cell = ""
    tags_join = ""
    for index, column, unit, _parse, _header, _slot in validator.plan:
        cell = f"r.c{index}"
        kind = column.kind
        alias = f"j{index}"
        if kind == "text":
            check = f"{cell} NOT IN ({_placeholders()})"
            if not clean:
                check += (
                    f" AND {cell} !~ %s AND {cell} NOT LIKE ' %%' AND {cell} NOT LIKE '%% ' "
                    f"AND {cell} NOT LIKE '%%  %%'"
                )
                params.append(_WHITESPACE)
            if column.max_length:
                check += f" AND length({cell}) <= {int(column.max_length)}"
            value = f"NULLIF({cell}, '')"
        elif kind == "uscc":
            # 18 ASCII characters; their alphabet, the digits in front and the check digit are
            # checked by numpy (`fast_codes`).
            check = f"octet_length({cell}) = 18 AND length({cell}) = 18"
            value = cell
            uscc_cell = cell
        elif kind == "date":
            joins.append(f"LEFT JOIN {DATES} {alias} ON {alias}.s = {cell}")
            check = f"{alias}.d IS NOT NULL"
            value = f"{alias}.d"
        elif kind == "amount":
            check = f"{cell} ~ %s"
            params.append(AMOUNT_PATTERN)
            factor = UNITS_IN_WAN[unit]
            value = (
                f"NULLIF({cell}, '')::numeric(16, 2)"
                if factor == 1
                else f"round(NULLIF({cell}, '')::numeric * {factor}, 2)::numeric(16, 2)"
            )
        elif kind == "division":
            joins.append(f"LEFT JOIN {DIVISIONS} {alias} ON {alias}.code = {cell}")
            check = f"{alias}.code IS NOT NULL"
            value = f"{alias}.code"
        elif kind == "industry":
            joins.append(f"LEFT JOIN {INDUSTRIES} {alias} ON {alias}.form = {cell}")
            check = f"{alias}.code IS NOT NULL"
            value = f"{alias}.code"
        elif kind in ("revenue", "staff"):
            joins.append(
                f"LEFT JOIN {BANDS} {alias} ON {alias}.kind = '{kind}' AND {alias}.key = {cell}"
            )
            check = f"{alias}.code IS NOT NULL"
            value = f"{alias}.code"
        elif kind == "tags":
            tags_join = f"JOIN {TAG_KEYS} t ON t.key = {cell}"
            joins.append(f"LEFT JOIN {TAG_KEYS} {alias} ON {alias}.key = {cell}")
            check = f"{alias}.id IS NOT NULL"
            value = ""
        else:  # a column kind this path does not know: every row goes to Python
            check, value = "false", ""
        if column.required:
            checks.append(f"(NOT {_blank(cell)} AND {check})")
        else:
            checks.append(f"({_blank(cell)} OR ({check}))")
        if value:
            values[column.field] = value
    return Plan(joins, checks, values, params, uscc_cell, tags_join)


# --- the file -----------------------------------------------------------------------------------


@dataclass
class Layout:
    """Where the data starts: the header row's number and cells, the byte after it."""

    header_row: int
    header: list[str]
    offset: int


def locate_header(head: bytes, encoding: str, delimiter: str) -> Layout | None:
    """The header as `service._find_header` picks it, and the byte offset of the next line;
    None when a record before the data spans lines or the header is not in `head`."""
    lines = head.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines.pop()  # possibly cut mid-character or mid-record
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    seen: list[tuple[int, list[str], int]] = []  # (row number, cells, offset after it)
    offset = 0
    for number, line in enumerate(lines, start=1):
        offset += len(line)
        piece = line[3:] if number == 1 and line.startswith(b"\xef\xbb\xbf") else line
        try:
            cells = next(csv.reader([piece.decode(codec)], delimiter=delimiter), [])
        except (UnicodeDecodeError, csv.Error):
            return None
        if piece.count(b'"') % 2:
            return None  # a quoted line break: the csv module would join lines here
        if blank_row(cells):
            continue
        seen.append((number, cells, offset))
        if RowValidator.looks_like_header(cells):
            return Layout(number, cells, offset)
        if len(seen) >= HEADER_SEARCH_ROWS:
            number, cells, offset = seen[0]
            return Layout(number, cells, offset)
    return None  # the header search needs more than the first 64 KB: the Python path reads


def _mid_field_quote(delimiter: str) -> re.Pattern[bytes]:
    """A quote with an ordinary character on both sides: the csv module keeps it as text,
    COPY would start a quoted section. Doubled quotes inside quoted fields never match."""
    d = re.escape(delimiter.encode())
    return re.compile(rb"[^" + d + rb'"\r\n]"[^' + d + rb'"\r\n]')


class CleanScan:
    """Whether the data may hold a cell that `text()` would change, read block by block while
    COPY parses the block before (numpy, so it costs less than the server's own parsing).

    Such a cell needs a quote (a quoted cell may hold anything), a control character other than
    the line ends and the delimiter, whitespace other than the ASCII space, or an ASCII space at
    a cell's edge or next to another. A file with none of these needs no whitespace check per
    cell; any other file gets them (`build_plan`).
    """

    def __init__(self, *, delimiter: str, encoding: str) -> None:
        self.clean = encoding in ("utf-8", "utf-8-sig")
        self.delimiter = ord(delimiter)
        self.tail = b""  # the last bytes of the block before: sequences across blocks
        self.patterns = [chr(cp).encode() for cp in range(0x80, 0x110000) if chr(cp).isspace()]

    def feed(self, block: bytes) -> None:
        if not self.clean:
            return
        if b'"' in block:
            self.clean = False
            return
        data = self.tail + block
        a = np.frombuffer(data, dtype=np.uint8)
        allowed = data.count(b"\n") + data.count(b"\r")
        if self.delimiter == 9:
            allowed += data.count(b"\t")
        if int(np.count_nonzero(a < 0x20)) != allowed:
            self.clean = False
            return
        spaces = np.flatnonzero(a[:-1] == 0x20)
        if len(spaces):
            edges = np.array([self.delimiter, 0x0A, 0x0D, 0x20], dtype=np.uint8)
            before = a[np.maximum(spaces - 1, 0)]
            after = a[spaces + 1]
            if (spaces == 0).any() or np.isin(before, edges).any() or np.isin(after, edges).any():
                self.clean = False
                return
        lead = np.flatnonzero((a[:-2] >= 0xC2) & (a[:-2] <= 0xE3))
        first, second, third = a[lead], a[lead + 1], a[lead + 2]
        for pattern in self.patterns:
            hit = (first == pattern[0]) & (second == pattern[1])
            if len(pattern) == 3:
                hit &= third == pattern[2]
            if hit.any():
                self.clean = False
                return
        self.tail = data[-2:]


def copy_file(
    handle: IO[bytes],
    *,
    layout: Layout,
    encoding: str,
    delimiter: str,
) -> tuple[int, bool]:
    """COPY the data rows into RAW; the number of rows, and whether `CleanScan` found the data
    clean. Raises StepAside on what COPY reads differently from the csv module. (No progress is
    saved meanwhile: the connection is busy.)"""
    width = len(layout.header)
    columns = ", ".join(f"c{i} text" for i in range(width))
    with connection.cursor() as cursor:
        # Room for the file's rows in the session's memory; settable only before the session's
        # first temporary table (a worker's later jobs keep what the first one got).
        try:
            with transaction.atomic():
                cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
        except DatabaseError:
            pass
    names = sql.SQL(", ").join(sql.Identifier(f"c{i}") for i in range(width))
    quote = _mid_field_quote(delimiter)
    scan = CleanScan(delimiter=delimiter, encoding=encoding)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {RAW} (seq bigint GENERATED ALWAYS AS IDENTITY, {columns})"
        )
        statement = sql.SQL(
            "COPY {table} ({names}) FROM STDIN (FORMAT csv, DELIMITER {delimiter}, "
            "ENCODING {encoding})"
        ).format(
            table=sql.Identifier(RAW),
            names=names,
            delimiter=sql.Literal(delimiter),
            encoding=sql.Literal(PG_ENCODINGS[encoding]),
        )
        handle.seek(layout.offset)
        last = b""  # the end of the previous block, so a pattern across blocks is seen
        with cursor.cursor.copy(statement) as copy:
            block = handle.read(BLOCK)
            while block:
                following = handle.read(BLOCK)
                if not following:
                    # Blank lines at the end are rows the csv module skips; COPY would not.
                    ending = b"\r\n" if block.endswith(b"\r\n") else b"\n"
                    block = block.rstrip(b"\r\n")
                    if not block:
                        break
                    block += ending
                if b'"' in block and quote.search(last + block):
                    raise StepAside("quote inside an unquoted field")
                if (
                    b"\n\n" in block
                    or b"\n\r\n" in block
                    or (last.endswith(b"\n") and block.startswith((b"\n", b"\r\n")))
                ):
                    raise StepAside("blank line inside the data")
                copy.write(block)
                scan.feed(block)  # while the server parses the block
                last = block[-2:]
                block = following
        cursor.execute(f"ANALYZE {RAW}")  # the joins below are planned on real sizes
        cursor.execute(f"SELECT count(*) FROM {RAW}")
        return cursor.fetchone()[0], scan.clean


# --- lookups ------------------------------------------------------------------------------------


def _fill(table: str, definition: str, names: list[str], rows: list[tuple]) -> None:
    from ..bulk import copy_rows

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition})")
    copy_rows(table, names, rows)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def create_lookups(validator: RowValidator, *, today: dt.date) -> None:
    """The small tables the checks join: valid dates, division codes, industry forms, bands,
    tag names. Each holds only values the Python parsers accept as they are."""
    from .validation import REVENUE_NAMES, STAFF_NAMES

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {DATES}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {DATES} AS SELECT to_char(d, 'YYYY-MM-DD') AS s, d::date AS d "
            "FROM generate_series(%s::date, %s::date, interval '1 day') AS d",
            ["1800-01-01", today],
        )
        cursor.execute(f"ALTER TABLE {DATES} ADD PRIMARY KEY (s)")
        cursor.execute(f"ANALYZE {DATES}")
    # Primary keys: a value twice in a lookup would count a row twice in every join.
    codes = sorted(divisions.known_codes())
    _fill(DIVISIONS, "code text PRIMARY KEY", ["code"], [(c,) for c in codes])
    _fill(INDUSTRIES, "form text PRIMARY KEY, code text", ["form", "code"], industry_forms())
    bands = [("revenue", k, v) for k, v in REVENUE_NAMES.items()]
    bands += [("staff", k, v) for k, v in STAFF_NAMES.items()]
    _fill(
        BANDS,
        "kind text, key text, code text, PRIMARY KEY (kind, key)",
        ["kind", "key", "code"],
        bands,
    )
    tags = list(validator.tag_index.items())
    _fill(TAG_KEYS, "key text PRIMARY KEY, id integer", ["key", "id"], tags)


def drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in (RAW, SLOW, *LOOKUPS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


# --- checking -----------------------------------------------------------------------------------


def mark_slow_rows(plan: Plan) -> int:
    """SLOW holds the rows SQL does not accept as they are; their number."""
    condition = " AND ".join(plan.checks) or "true"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SLOW}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {SLOW} AS SELECT r.seq FROM {RAW} r "
            f"{' '.join(plan.joins)} WHERE NOT ({condition})",
            plan.params,
        )
        cursor.execute(f"CREATE INDEX ON {SLOW} (seq)")
        cursor.execute(f"ANALYZE {SLOW}")
        cursor.execute(f"SELECT count(*) FROM {SLOW}")
        return cursor.fetchone()[0]


def _fast(alias: str = "r") -> str:
    return f"NOT EXISTS (SELECT 1 FROM {SLOW} x WHERE x.seq = {alias}.seq)"


def fast_codes(plan: Plan) -> list[bytes]:
    """The codes of the rows SQL accepted, each 18 ASCII bytes; codes with a wrong check digit
    are moved to SLOW (Python reports them) and left out."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        statement = f"COPY (SELECT {plan.uscc_cell} FROM {RAW} r WHERE {_fast()}) TO STDOUT"
        with cursor.cursor.copy(statement) as copy:
            for block in copy:
                buffer.write(block)
    data = buffer.getvalue()
    codes = data.split(b"\n")[:-1]
    if not codes:
        return []
    if len(data) != 19 * len(codes):  # a code with a character COPY escapes: Python checks all
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {SLOW} SELECT r.seq FROM {RAW} r WHERE {_fast()}")
        return []
    matrix = np.frombuffer(data, dtype=np.uint8).reshape(-1, 19)[:, :18]
    lookup = np.full(256, 99, dtype=np.uint8)
    for value, char in enumerate(USCC_ALPHABET):
        lookup[ord(char)] = value
    digits = lookup[matrix]
    expected = (31 - (digits[:, :17].astype(np.int64) @ _USCC_WEIGHTS) % 31) % 31
    valid = (digits[:, :8] < 10).all(axis=1) & (digits < 31).all(axis=1)
    valid &= expected == digits[:, 17]
    wrong = np.flatnonzero(~valid)
    if len(wrong):
        bad = [codes[i].decode() for i in wrong]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SLOW} SELECT r.seq FROM {RAW} r "
                f"WHERE {plan.uscc_cell} = ANY(%s) AND {_fast()}",
                [bad],
            )
        bad_set = {b.encode() for b in bad}
        codes = [c for c in codes if c not in bad_set]
    return codes


@dataclass
class SlowResult:
    """What `RowValidator` found in the rows SQL did not accept."""

    errors: list[tuple[int, int, RowError]]  # (row, order in the row, error)
    codes: dict[str, list[int]]  # code → rows, for duplicates
    blank_rows: int


def check_slow_rows(
    validator: RowValidator, *, layout: Layout, width: int, on_record: Callable[[tuple], None]
) -> SlowResult:
    """Run `RowValidator` on every row SQL did not accept, in file order.

    A server-side cursor, so `on_record` may write to the staging tables between fetches.
    """
    result = SlowResult([], {}, 0)
    names = ", ".join(f"r.c{i}" for i in range(width))
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="zs_import_slow_rows") as cursor:
        cursor.itersize = 5000
        cursor.execute(
            f"SELECT r.seq, {names} FROM {RAW} r JOIN {SLOW} x ON x.seq = r.seq ORDER BY r.seq"
        )
        for seq, *cells in cursor:
            number = layout.header_row + seq
            if blank_row(cells):
                result.blank_rows += 1
                continue
            record, errors = validator.row(number, cells)
            if validator.last_code is not None:
                result.codes.setdefault(validator.last_code, []).append(number)
            if errors:
                result.errors.extend((number, k, e) for k, e in enumerate(errors))
            else:
                on_record(record)
    return result


def duplicate_errors(
    validator: RowValidator, plan: Plan, *, codes: list[bytes], slow: SlowResult, layout: Layout
) -> list[tuple[int, int, RowError]]:
    """Every later occurrence of a code in the file, naming the first one's row."""
    seen = set(codes)
    repeated = len(seen) != len(codes)
    clash = [c for c in slow.codes if c.encode() in seen or len(slow.codes[c]) > 1]
    if not repeated and not clash:
        return []
    suspects: set[str] = set(clash)
    if repeated:
        counts: dict[bytes, int] = {}
        for code in codes:
            counts[code] = counts.get(code, 0) + 1
        suspects.update(c.decode() for c, n in counts.items() if n > 1)
    rows: dict[str, list[int]] = {c: list(slow.codes.get(c, [])) for c in suspects}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.seq, {plan.uscc_cell} FROM {RAW} r "
            f"WHERE {plan.uscc_cell} = ANY(%s) AND {_fast()}",
            [sorted(suspects)],
        )
        for seq, code in cursor.fetchall():
            rows[code].append(layout.header_row + seq)
    errors: list[tuple[int, int, RowError]] = []
    for code, numbers in rows.items():
        numbers.sort()
        errors.extend(
            (n, 1_000, validator.duplicate_error(n, code, numbers[0])) for n in numbers[1:]
        )
    return errors


# --- staging ------------------------------------------------------------------------------------


def _record_select(plan: Plan, columns: list[str]) -> str:
    values = dict(plan.values)
    if "division_code" in values:
        division = values["division_code"]
        home = divisions.HOME_CITY
        values["is_local"] = f"(substr({division}, 1, {len(home)}) = '{home}')"
        values["province_code"] = f"substr({division}, 1, 2)"
    return ", ".join(values.get(c, "NULL") for c in columns)


def stage_fast_rows(plan: Plan, *, stage_table: str, tags_table: str, columns: list[str]) -> int:
    """Append the accepted rows to the staging tables, converted; the number of rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {stage_table} ({', '.join(columns)}) "
            f"SELECT {_record_select(plan, columns)} FROM {RAW} r {' '.join(plan.joins)} "
            f"WHERE {_fast()}"
        )
        count = cursor.rowcount
        if plan.tags_join:
            cursor.execute(
                f"INSERT INTO {tags_table} (uscc, tag_id) "
                f"SELECT {plan.uscc_cell}, t.id FROM {RAW} r {plan.tags_join} WHERE {_fast()}"
            )
    return count


def records_in_order(validator: RowValidator, *, layout: Layout, width: int) -> list[tuple]:
    """Every record in file order, through `RowValidator` (for a file so small that each
    enterprise gets its own audit entry, in file order as the Python path writes them)."""
    names = ", ".join(f"c{i}" for i in range(width))
    records: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, {names} FROM {RAW} ORDER BY seq")
        for seq, *cells in cursor.fetchall():
            if not blank_row(cells):
                record, _errors = validator.row(layout.header_row + seq, cells)
                records.append(record)
    return records


def existing_fast_codes(plan: Plan) -> int:
    """How many accepted rows name an enterprise already in the library (for a dry run)."""
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {RAW} r JOIN {table} e ON e.uscc = {plan.uscc_cell} "
            f"WHERE {_fast()}"
        )
        return cursor.fetchone()[0]


def preview(validator: RowValidator, *, layout: Layout, width: int, before: int | None) -> list:
    """The first valid records in file order, before the first row with an error (as the
    Python path shows them)."""
    names = ", ".join(f"c{i}" for i in range(width))
    limit = (before - layout.header_row) if before is not None else None
    records: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, {names} FROM {RAW} WHERE seq < COALESCE(%s, seq + 1) "
            "ORDER BY seq LIMIT %s",
            [limit, PREVIEW_ROWS * 5],
        )
        for seq, *cells in cursor.fetchall():
            if blank_row(cells):
                continue
            record, errors = validator.row(layout.header_row + seq, cells)
            if record is not None and not errors:
                records.append(record)
            if len(records) >= PREVIEW_ROWS:
                break
    return records


# --- the whole check ----------------------------------------------------------------------------


def validate(
    *,
    handle: IO[bytes],
    name: str,
    report: ImportReport,
    stage: Stage | None,
    validator: RowValidator,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Check (and stage) the file on the server; False when this path does not apply, with
    nothing kept and the report untouched, so the caller reads the file the Python way."""
    if connection.vendor != "postgresql":
        return False
    try:
        facts = reading.describe(handle, name)
    except ParseError:
        return False  # the Python path reports why
    if facts.kind != "csv" or facts.encoding not in PG_ENCODINGS:
        return False
    if facts.estimated_rows < min_rows():
        return False
    head, encoding, delimiter = facts.head, facts.encoding, facts.delimiter
    layout = locate_header(head, encoding, delimiter)
    if layout is None or not validator.read_header(layout.header_row, layout.header):
        logger.info("import of %s: read by Python, header not found in the first bytes", name)
        return False  # the Python path reports a header it cannot read
    width = len(layout.header)

    try:
        with transaction.atomic():
            rows, clean = copy_file(
                handle,
                layout=layout,
                encoding=encoding,
                delimiter=delimiter,
            )
    except (StepAside, DatabaseError, psycopg.Error) as exc:
        logger.info("import of %s: read by Python, COPY steps aside: %s", name, exc)
        drop_tables()
        return False
    report.kind, report.encoding, report.header_row = "csv", encoding, layout.header_row
    report.columns = [plan[4] for plan in validator.plan]
    if progress:
        progress(rows // 2, rows)
    try:
        _check(
            validator,
            report=report,
            stage=stage,
            layout=layout,
            rows=rows,
            width=width,
            clean=clean,
        )
    finally:
        drop_tables()
    if progress:
        progress(report.rows, report.rows)
    return True


def _check(
    validator: RowValidator,
    *,
    report: ImportReport,
    stage: Stage | None,
    layout: Layout,
    rows: int,
    width: int,
    clean: bool,
) -> None:
    from .service import COLUMNS, STAGE_TABLE, STAGE_TAGS_TABLE, existing_count, preview_row

    validator.track_duplicates = False
    create_lookups(validator, today=validator.today)
    plan = build_plan(validator, clean=clean)
    mark_slow_rows(plan)
    codes = fast_codes(plan)
    slow_codes: list[str] = []
    if stage is not None:
        stage.open_table()
    slow = check_slow_rows(
        validator,
        layout=layout,
        width=width,
        on_record=stage.add if stage is not None else lambda r: slow_codes.append(r[0]),
    )
    errors = slow.errors + duplicate_errors(validator, plan, codes=codes, slow=slow, layout=layout)
    errors.sort(key=lambda item: (item[0], item[1]))
    report.rows = rows - slow.blank_rows
    report.add([e for _, _, e in errors])
    first_error = errors[0][0] if errors else None
    report.preview = [
        preview_row(r) for r in preview(validator, layout=layout, width=width, before=first_error)
    ]
    if report.error_count:
        return
    if stage is not None:
        stage.finish()
        stage.count += stage_fast_rows(
            plan, stage_table=STAGE_TABLE, tags_table=STAGE_TAGS_TABLE, columns=COLUMNS
        )
        if stage.count <= stage.memory_limit:
            stage.back_in_memory(records_in_order(validator, layout=layout, width=width))
    else:
        existing = existing_fast_codes(plan) + existing_count(slow_codes)
        report.updated = existing
        report.created = len(codes) + len(slow_codes) - existing
