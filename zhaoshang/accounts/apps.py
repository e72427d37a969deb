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
        from . import auth_events  # noqa: F401  (logs logins, failed logins and logouts)

        # Role groups need the permission rows, which Django creates after migrating.
        post_migrate.connect(_sync_roles, dispatch_uid="zhaoshang_sync_roles")
