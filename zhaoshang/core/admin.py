"""Django admin for the audit log: read-only. Nobody adds, changes or deletes an entry here."""

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "content_type", "object_id", "object_repr", "ip")
    list_filter = ("action", "content_type")
    search_fields = ("username", "object_id", "object_repr", "request_id")
    date_hierarchy = "at"
    list_select_related = ("content_type",)
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
