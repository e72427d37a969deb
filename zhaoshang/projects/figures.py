"""The published figures: one definition of each, read by every page, API, export and indicator.

到位资金 (funds in place) counts a funds record once the city has verified it; pending funds are
the records submitted and not yet decided. Pages and indicators read these figures through the
functions here, never with their own ``status=verified`` filter, so two pages cannot disagree.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import FundsRecord, FundsStatus

ZERO = Decimal("0.00")


def verified_records() -> QuerySet[FundsRecord]:
    """The funds records that count as 到位资金: those the city has verified."""
    return FundsRecord.objects.filter(status=FundsStatus.VERIFIED)


def pending_records() -> QuerySet[FundsRecord]:
    """The funds records awaiting the city's decision (待核实)."""
    return FundsRecord.objects.filter(status=FundsStatus.SUBMITTED)


def verified_funds_of_project(project_ref: str = "pk") -> Coalesce:
    """An expression for a project queryset's ``annotate()``: the project's verified funds
    (万元, 0 when none), summed in a subquery.

    A subquery, not ``Sum("funds_records__amount_wan")``: beside another to-many aggregate
    (milestones, stage log) a join multiplies the sum by that relation's row count.
    """
    total = (
        verified_records()
        .filter(project_id=OuterRef(project_ref))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount_wan"))
        .values("total")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), Value(ZERO, output_field=money))
