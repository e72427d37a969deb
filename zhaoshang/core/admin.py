"""Django admin for the audit log and the period closes: read-only. Nobody adds, changes or
deletes an entry here; periods are closed and reopened through core.closing (audited)."""

from django.contrib import admin

from .models import AuditEntry, PeriodClose


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin of every app: it shows records; changes go through the audited services."""

    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "content_type", "object_id", "object_repr", "ip")
    list_filter = ("action", "content_type")
    search_fields = ("username", "object_id", "object_repr", "request_id")
    date_hierarchy = "at"
    list_select_related = ("content_type",)


@admin.register(PeriodClose)
class PeriodCloseAdmin(ReadOnlyAdmin):
    list_display = (
        "label",
        "closed_at",
        "closed_by_name",
        "reopened_at",
        "reopened_by_name",
        "reason",
    )
