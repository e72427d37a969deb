"""URL converters: a record id in a path is a positive integer the database can hold.

Django's `int` converter accepts any number of digits, and DRF's router any non-slash text, so
`/api/target-entries/abc/` or `/projects/99999999999999999999/` reached a view and failed
there (ValueError, OverflowError on SQLite). With these, such a path matches no URL: a 404.
"""

from __future__ import annotations

import re

from django.urls import register_converter

# A positive id below 2^63 (a 64-bit signed integer, every id column here): at most 18 digits,
# no leading zero. Used by the `id` path converter and the API router's lookups.
ID_PATTERN = r"[1-9][0-9]{0,17}"


def parse_id(value: object) -> int | None:
    """A record id read from a query string or form data, or None if it is not one
    (`?project=99999999999999999999` is not an id: no query overflows on it)."""
    text = str(value or "")
    return int(text) if re.fullmatch(ID_PATTERN, text) else None


class IdConverter:
    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
