"""Template helpers of the chain pages: the gap-kind badge."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..models import GapKind

register = template.Library()

# Bootstrap badge classes per gap kind; the map uses the same colours (views.GAP_STYLE).
_BADGE = {
    GapKind.BUILD: "gap-badge gap-build",
    GapKind.EXTEND: "gap-badge gap-extend",
    GapKind.FILL: "gap-badge gap-fill",
    GapKind.STRENGTHEN: "gap-badge gap-strengthen",
    GapKind.STRONG: "gap-badge gap-strong",
}


@register.simple_tag
def gap_badge(gap: str) -> str:
    """<span class="badge …">补链</span> for a gap kind."""
    try:
        kind = GapKind(gap)
    except ValueError:
        return ""
    return format_html(
        '<span class="badge {}" data-gap="{}">{}</span>', _BADGE[kind], kind.value, kind.label
    )
