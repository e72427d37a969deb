"""Template helpers for the project pages: money in 万元/亿元, stage and status badges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from zhaoshang.core.permissions import has_model_permission
from zhaoshang.core.templatetags import zs
from zhaoshang.core.templatetags.zs import EMPTY as _EMPTY
from zhaoshang.core.templatetags.zs import _decimal
from zhaoshang.projects.models import FundsRecord, FundsStatus, Stage
from zhaoshang.projects.services.funds import is_submitting_side

register = template.Library()

# Money formatting has one home (core's `zs` filters); the project pages reuse it.
register.filter("wan", zs.wan)
register.filter("yi", zs.yi)
register.filter("wan_number", zs.num)


@register.filter
def yesno_cn(value: Any) -> str:
    return "是" if value else "否"


@register.simple_tag
def stage_badge(stage: str) -> str:
    """A badge with the stage's Chinese label, in the stage's colour (static/css/stages.css)."""
    if stage not in Stage.values:
        return _EMPTY
    return format_html(
        '<span class="badge stage-badge stage-{}">{}</span>', stage, Stage(stage).label
    )


_STATUS_HINT = {
    FundsStatus.SUBMITTED: "text-bg-warning",
    FundsStatus.VERIFIED: "text-bg-success",
    FundsStatus.REJECTED: "text-bg-danger",
    FundsStatus.WITHDRAWN: "text-bg-secondary",
}


@register.simple_tag
def funds_status_badge(status: str) -> str:
    if status not in FundsStatus.values:
        return _EMPTY
    return format_html(
        '<span class="badge {}">{}</span>', _STATUS_HINT[status], FundsStatus(status).label
    )


@register.simple_tag
def funds_actions(record: FundsRecord, user: Any, unit_id: int | None = None) -> dict[str, bool]:
    """Which of 修改 / 撤回 / 重新提交 the user may take on a funds record: the submitting side
    (the project's unit, or the person who submitted it), while the city has not decided (or
    has sent it back). The services check the same again."""
    may = is_submitting_side(user, record, unit_id) and has_model_permission(
        user, "change", FundsRecord
    )
    return {
        "correct": may and record.status == FundsStatus.SUBMITTED,
        "resubmit": may and record.status == FundsStatus.REJECTED,
    }


@register.filter
def filesize(value: Any) -> str:
    """Bytes as KB / MB, for evidence lists."""
    size = _decimal(value)
    if size is None:
        return _EMPTY
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size / 1024, Decimal('0.1')):.1f} KB"
