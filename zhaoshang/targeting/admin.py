"""Django admin for targeting: read-only (writes go through the audited services, in the chain
pages under /chains/ and the targeting pages)."""

from django.contrib import admin

from zhaoshang.core.admin import ReadOnlyAdmin

from .models import GapThresholds


@admin.register(GapThresholds)
class GapThresholdsAdmin(ReadOnlyAdmin):
    list_display = (
        "fill_below",
        "strengthen_below",
        "strengthen_output_below_wan",
        "strong_min_enterprises",
        "build_chain_below_share",
        "placement_min_confidence",
    )
