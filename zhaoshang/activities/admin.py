"""Visits in the admin: read-only; every change goes through the audited services."""

from django.contrib import admin

from zhaoshang.core.admin import ReadOnlyAdmin

from .models import Organisation, Visit, VisitRules


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("date", "unit", "status", "outcome", "outbound", "city")
    list_filter = ("status", "outcome", "outbound", "unit")
    date_hierarchy = "date"
    list_select_related = ("unit",)
    exclude = ("met_phone",)  # a person's number: never shown in full outside an audited reveal

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "met_phone"]


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "city")
    search_fields = ("name",)


@admin.register(VisitRules)
class VisitRulesAdmin(ReadOnlyAdmin):
    list_display = ("conflict_days",)
