"""Template helpers for the project pages: money in 万元/亿元, stage and status badges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.html import format_html

from zhaoshang.projects.models import OVER_100M_WAN, FundsStatus, Stage

register = template.Library()

_EMPTY = "—"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def wan(value: Any) -> str:
    """Money in 万元 shown as "1,234.50 万元", and as "5.00 亿元" from 10,000 万元 up."""
    amount = _decimal(value)
    if amount is None:
        return _EMPTY
    amount = amount.quantize(Decimal("0.01"))
    if abs(amount) >= OVER_100M_WAN:
        return f"{amount / OVER_100M_WAN:,.2f} 亿元"
    return f"{amount:,.2f} 万元"


@register.filter
def wan_number(value: Any) -> str:
    """A 万元 amount as a plain number with thousands separators, no unit ("1,234.50")."""
    amount = _decimal(value)
    return _EMPTY if amount is None else f"{amount:,.2f}"


@register.filter
def yesno_cn(value: Any) -> str:
    return "是" if value else "否"


_STAGE_HINT = {
    Stage.LEAD: "text-bg-secondary",
    Stage.NEGOTIATING: "text-bg-info",
    Stage.SIGNED: "text-bg-primary",
    Stage.STARTED: "text-bg-warning",
    Stage.OPERATING: "text-bg-success",
    Stage.DROPPED: "text-bg-light border",
}


@register.simple_tag
def stage_badge(stage: str) -> str:
    """A coloured badge with the stage's Chinese label."""
    if stage not in Stage.values:
        return _EMPTY
    return format_html(
        '<span class="badge stage-badge {}">{}</span>', _STAGE_HINT[stage], Stage(stage).label
    )


_STATUS_HINT = {
    FundsStatus.SUBMITTED: "text-bg-warning",
    FundsStatus.VERIFIED: "text-bg-success",
    FundsStatus.REJECTED: "text-bg-danger",
}


@register.simple_tag
def funds_status_badge(status: str) -> str:
    if status not in FundsStatus.values:
        return _EMPTY
    return format_html(
        '<span class="badge {}">{}</span>', _STATUS_HINT[status], FundsStatus(status).label
    )


@register.filter
def filesize(value: Any) -> str:
    """Bytes as KB / MB, for evidence lists."""
    size = _decimal(value)
    if size is None:
        return _EMPTY
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size / 1024, Decimal('0.1')):.1f} KB"
