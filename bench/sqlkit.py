"""Hand-written SQL helpers of the goals benchmark: run a query, and read sums as the ORM does."""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
_SQLITE_DECIMAL = decimal.Context(prec=15)


def _fetch(sql: str, params: list[Any] | tuple = ()) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _agg(value: Any) -> Decimal:
    """A SUM as the ORM converts it (SQLite: from a float with 15 digits), then to cents."""
    if value is None:
        return Decimal(0)
    if isinstance(value, int | float):
        return _SQLITE_DECIMAL.create_decimal_from_float(value)
    return Decimal(value)


def _cents(value: Any) -> Decimal:
    return _agg(value).quantize(CENT, ROUND_HALF_UP)


def _in(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))
