"""Migration helper: a model moved to another app keeps the defaults its roles were granted.

`RoleDefaultGrant` remembers each default by its label (``app_label.codename``); without the
rename, the next deploy would take ``core.view_periodclose`` for a new default and grant again
a permission the system administrator had taken away.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _rename(apps: Any, app_from: str, app_to: str, model: str) -> None:
    grant = apps.get_model("accounts", "RoleDefaultGrant")
    for row in grant.objects.filter(
        permission__startswith=f"{app_from}.", permission__endswith=f"_{model}"
    ):
        renamed = f"{app_to}.{row.permission.split('.', 1)[1]}"
        if grant.objects.filter(role=row.role, permission=renamed).exists():
            row.delete()
        else:
            row.permission = renamed
            row.save(update_fields=["permission"])


def rename_role_grants(app_from: str, app_to: str, model: str) -> migrations.RunPython:
    """The operation renaming the remembered role defaults on `model` (reversible)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        _rename(apps, app_from, app_to, model)

    def backward(apps: Any, schema_editor: Any) -> None:
        _rename(apps, app_to, app_from, model)

    return migrations.RunPython(forward, backward, elidable=False)
