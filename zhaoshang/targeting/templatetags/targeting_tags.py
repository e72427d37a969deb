"""Small template helpers of the targeting pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def bar_width(contribution: float, max_weight: float) -> str:
    """The width (percent) of a factor's bar: |contribution| against the largest weight."""
    try:
        value = abs(float(contribution)) / float(max_weight or 1) * 100
    except (TypeError, ValueError):
        return "0"
    return f"{min(value, 100):.1f}"


@register.filter
def signed(value: float) -> str:
    value = round(float(value), 2)
    return "0.00" if value == 0 else f"{value:+.2f}"
