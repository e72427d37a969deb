from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from django.db import connections

    from .models import RoleDefaultGrant
    from .services import role_groups_sync

    using = kwargs.get("using", "default")
    # Not after migrating backwards past the migration that creates the ledger.
    if RoleDefaultGrant._meta.db_table not in connections[using].introspection.table_names():
        return
    role_groups_sync(using=using)


class AccountsConfig(AppConfig):
    name = "zhaoshang.accounts"
    label = "accounts"
    verbose_name = "用户与组织"

    def ready(self) -> None:
        from zhaoshang.core.admin_actions import declare

        from . import auth_events  # noqa: F401  (logs logins, failed logins and logouts)
        from .roles import ADMIN_ROLES

        # The auditor's page of administrator actions (三员分立): who they are, what is theirs.
        declare(
            actor_field="role",
            actor_values=ADMIN_ROLES,
            models=["accounts.user", "accounts.roledefaultgrant", "auth.group"],
        )

        # Role groups need the permission rows, which Django creates after migrating.
        post_migrate.connect(_sync_roles, dispatch_uid="zhaoshang_sync_roles")
