"""Django admin for the enterprise registry: read-only (writes go through the audited services)."""

from django.contrib import admin

from zhaoshang.accounts.admin import ReadOnlyAdmin

from .models import Enterprise, Tag


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sort_order")


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "division_code", "country", "is_local", "is_sample")
    list_filter = ("is_local", "country", "tags")
    search_fields = ("name", "uscc")
