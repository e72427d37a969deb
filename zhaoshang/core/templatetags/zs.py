"""Template filters for Chinese money and personal data: 万元 / 亿元, masked phone numbers.

One unit per column and per figure: ``wan`` is always 万元, ``yi`` always 亿元; a page chooses
one of them for each column (total investment in 亿元, funds in 万元), never a filter that
switches unit with the amount ("8,700.00 万元" above "3.79 亿元" in one column)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from zhaoshang.core import masking

register = template.Library()

YI_IN_WAN = Decimal("10000")  # 1 亿元 = 10,000 万元
_CENT = Decimal("0.01")
EMPTY = "—"


def _decimal(value: Any) -> Decimal | None:
    """The value as a Decimal, or None when it is empty or not a number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _grouped(amount: Decimal) -> str:
    """Two decimals with thousands separators: 1234.5 → "1,234.50"."""
    return f"{amount.quantize(_CENT):,.2f}"


@register.filter
def num(value: Any) -> str:
    """A Decimal amount with two decimals and thousands separators, without unit."""
    amount = _decimal(value)
    return EMPTY if amount is None else _grouped(amount)


@register.filter
def wan(value: Any) -> str:
    """An amount in 万元, always shown in 万元 (one unit per column: never switched to 亿元).

    1234.5 → "1,234.50 万元"; 50000 → "50,000.00 万元"; None → "—".
    """
    amount = _decimal(value)
    return EMPTY if amount is None else f"{_grouped(amount)} 万元"


@register.filter
def yi(value: Any) -> str:
    """An amount in 万元, always shown in 亿元 with two decimals: 12345 → "1.23 亿元";
    8700 → "0.87 亿元" (a column of 亿元 stays in 亿元, however small the amount)."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    return f"{_grouped(amount / YI_IN_WAN)} 亿元"


# Personal contact data, masked by the one helper every path uses.
mask_phone = register.filter("mask_phone", masking.mask_phone)
mask_email = register.filter("mask_email", masking.mask_email)
