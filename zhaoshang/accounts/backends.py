"""Authentication backends: lockout first, then role permissions, then passwords."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend, ModelBackend
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


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in line; it can also load a session's user.

    Axes' backend authenticates nobody (it only refuses locked-out attempts), but as the first
    backend it is the one `Client.force_login` and some tools record in the session.
    """

    def get_user(self, user_id):
        return ModelBackend().get_user(user_id)
