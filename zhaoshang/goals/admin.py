"""Django admin for goals and rankings: read-only. Changes go through the services (audited);
a published snapshot and a scheme version can never be changed or deleted."""

from django.contrib import admin

from zhaoshang.core.admin import ReadOnlyAdmin

from .models import Goal, RankingScheme, RankingSnapshot, SchemeVersion


@admin.register(Goal)
class GoalAdmin(ReadOnlyAdmin):
    list_display = ("year", "indicator", "unit", "target", "set_by", "updated_at")
    list_filter = ("year", "indicator")
    list_select_related = ("unit",)


@admin.register(RankingScheme)
class RankingSchemeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "is_default", "created_at")


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "number", "config_hash", "created_by_name", "created_at")
    list_select_related = ("scheme",)


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = (
        "quarter",
        "scheme",
        "scheme_version",
        "sha256",
        "published_by_name",
        "published_at",
    )
    list_filter = ("scheme",)
    list_select_related = ("scheme", "scheme_version")
