"""Grants each user the model permissions of their role's group."""

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission


class RoleBackend(BaseBackend):
    """Permissions come from the Group named after the user's role (editable data)."""

    def _role_perms(self, user) -> set[str]:
        if not user.is_active or not getattr(user, "role", ""):
            return set()
        cache = getattr(user, "_role_perm_cache", None)
        if cache is None:
            rows = Permission.objects.filter(group__name=user.role).values_list(
                "content_type__app_label", "codename"
            )
            cache = {f"{app}.{code}" for app, code in rows}
            user._role_perm_cache = cache
        return cache

    def get_group_permissions(self, user_obj, obj=None):
        return self._role_perms(user_obj)

    def get_all_permissions(self, user_obj, obj=None):
        return self._role_perms(user_obj)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self._role_perms(user_obj)
