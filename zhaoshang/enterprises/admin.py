"""Django admin for the enterprise library: read-only (writes go through the audited services).

Contacts are listed without their phone numbers and e-mail addresses: the admin must not become
a way around the masking and the audited reveal.
"""

from django.contrib import admin

from zhaoshang.core.admin import ReadOnlyAdmin

from .models import (
    Contact,
    Enterprise,
    ImportJob,
    Placement,
    Relation,
    Signal,
    Tag,
    TargetEntry,
)


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sort_order")


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "division_code", "country", "is_local", "is_sample")
    list_filter = ("is_local", "country", "tags")
    search_fields = ("name", "uscc")


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "node", "source", "status", "confidence", "decided_by")
    list_filter = ("source", "status")
    raw_id_fields = ("enterprise",)


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "name", "title")
    exclude = tuple(Contact.personal_fields)
    raw_id_fields = ("enterprise",)

    def get_readonly_fields(self, request, obj=None):
        hidden = set(Contact.personal_fields)
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]


@admin.register(Relation)
class RelationAdmin(ReadOnlyAdmin):
    list_display = ("source", "kind", "target", "since")
    list_filter = ("kind",)
    raw_id_fields = ("source", "target")


@admin.register(Signal)
class SignalAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "kind", "on", "title", "source")
    list_filter = ("kind",)
    raw_id_fields = ("enterprise",)


@admin.register(TargetEntry)
class TargetEntryAdmin(ReadOnlyAdmin):
    list_display = ("year", "enterprise", "direction", "owner_unit", "status", "next_step")
    list_filter = ("year", "status", "owner_unit")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "original_name",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "created_by",
        "created_at",
    )
    list_filter = ("status",)
    exclude = ("report",)

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "report"]
