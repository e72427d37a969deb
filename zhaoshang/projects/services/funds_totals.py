"""FundsMonthlyTotal: sums of funds records per unit, month and status, kept with the records.

The funds services call `totals_add` / `totals_move` inside their own transactions, so that
a total never disagrees with the records it sums; `funds_totals_rebuild()` recomputes the
whole table from FundsRecord with one GROUP BY (after bulk loads that bypass the services),
and `funds_totals_diff()` lists the differences (``manage.py check_funds_totals``). The table
is read through `projects.figures` (its fast path).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Sum

from ..models import FundsMonthlyTotal, FundsRecord

Key = tuple[int, dt.date, str]


def totals_add(*, unit_id: int, period: dt.date, status: str, amount: Decimal, count: int) -> None:
    """Add `amount` and `count` (either may be negative) to one row; atomic under concurrency.

    `get_or_create` creates the row at zero (its unique constraint settles a race), then an
    UPDATE with `F()` increments it, so concurrent transactions never lose an addition.
    """
    if not count and not amount:
        return
    with transaction.atomic():
        FundsMonthlyTotal.objects.get_or_create(unit_id=unit_id, period=period, status=status)
        FundsMonthlyTotal.objects.filter(unit_id=unit_id, period=period, status=status).update(
            amount_wan=F("amount_wan") + amount, record_count=F("record_count") + count
        )


def totals_move_status(*, record: FundsRecord, unit_id: int, old: str, new: str) -> None:
    """A record changed status (submitted → verified/rejected): move its amount across."""
    totals_add(
        unit_id=unit_id, period=record.period, status=old, amount=-record.amount_wan, count=-1
    )
    totals_add(unit_id=unit_id, period=record.period, status=new, amount=record.amount_wan, count=1)


def totals_move_project(*, project_id: int, old_unit_id: int, new_unit_id: int) -> None:
    """A project moved to another unit: move the sums of its funds records with it."""
    if old_unit_id == new_unit_id:
        return
    rows = (
        FundsRecord.objects.filter(project_id=project_id)
        .order_by()
        .values_list("period", "status")
        .annotate(total=Sum("amount_wan"), n=Count("id"))
    )
    for period, status, total, n in rows:
        totals_add(unit_id=old_unit_id, period=period, status=status, amount=-total, count=-n)
        totals_add(unit_id=new_unit_id, period=period, status=status, amount=total, count=n)


def _from_records() -> dict[Key, tuple[Decimal, int]]:
    rows = (
        FundsRecord.objects.order_by()
        .values_list("project__unit_id", "period", "status")
        .annotate(total=Sum("amount_wan"), n=Count("id"))
    )
    return {(u, p, s): (Decimal(total).quantize(Decimal("0.01")), n) for u, p, s, total, n in rows}


def _from_table() -> dict[Key, tuple[Decimal, int]]:
    return {
        (u, p, s): (Decimal(a).quantize(Decimal("0.01")), n)
        for u, p, s, a, n in FundsMonthlyTotal.objects.order_by().values_list(
            "unit_id", "period", "status", "amount_wan", "record_count"
        )
        if n or a
    }


def funds_totals_diff() -> list[dict[str, Any]]:
    """Rows where the table disagrees with the records: {"unit", "period", "status",
    "expected": (amount, count), "found": (amount, count)} (empty rows count as missing)."""
    expected, found = _from_records(), _from_table()
    zero = (Decimal("0.00"), 0)
    return [
        {
            "unit": key[0],
            "period": key[1],
            "status": key[2],
            "expected": expected.get(key, zero),
            "found": found.get(key, zero),
        }
        for key in sorted(set(expected) | set(found), key=lambda k: (k[1], k[0], k[2]))
        if expected.get(key, zero) != found.get(key, zero)
    ]


def funds_totals_rebuild() -> int:
    """Recompute the whole table from FundsRecord with one GROUP BY; returns the rows written."""
    with transaction.atomic():
        # Lock the table's writers out: the services' updates wait for this transaction.
        list(FundsMonthlyTotal.objects.select_for_update().order_by("pk").values_list("pk"))
        FundsMonthlyTotal.objects.all().delete()
        rows = [
            FundsMonthlyTotal(unit_id=u, period=p, status=s, amount_wan=total, record_count=n)
            for (u, p, s), (total, n) in _from_records().items()
        ]
        FundsMonthlyTotal.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
