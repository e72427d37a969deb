"""Django admin for the organisation: read-only.

Users are managed on the user pages, role permissions on the role pages, units and departments
by `accounts.reference.org_load`; all go through code that writes the audit log, which the
admin would bypass.
"""

from django.contrib import admin
from django.contrib.auth.models import Group

from zhaoshang.core.admin import ReadOnlyAdmin

from .models import Department, Unit, User


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "short_name", "kind", "track", "division_code", "sort_order")
    list_filter = ("kind", "track")
    search_fields = ("code", "name", "short_name")


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "short_name", "sort_order")
    search_fields = ("code", "name", "short_name")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "role", "unit", "department", "is_active")
    list_filter = ("role", "is_active", "unit")
    search_fields = ("username", "display_name", "phone")
    exclude = ("password", "user_permissions", "groups")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "password"]


# Django registers an editable Group admin; role groups are edited on the role pages (audited).
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ()

    def get_readonly_fields(self, request, obj=None):
        return ["name", "permissions"]
