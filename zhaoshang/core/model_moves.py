"""Migration helpers for moving a model to another app without moving its rows.

The model keeps its table (``db_table``) and the migrations only change Django's state; its
content type is renamed in place, so its permissions (and the groups holding them) and the audit
entries pointing at it follow the model.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _move(apps: Any, app_from: str, app_to: str, model: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    old = content_type.objects.filter(app_label=app_from, model=model).first()
    if old is None or content_type.objects.filter(app_label=app_to, model=model).exists():
        return  # a new database: post_migrate creates it under its new app
    old.app_label = app_to
    old.save(update_fields=["app_label"])

    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def move_content_type(app_from: str, app_to: str, model: str) -> migrations.RunPython:
    """The operation renaming `model`'s content type from `app_from` to `app_to` (reversible)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        _move(apps, app_from, app_to, model)

    def backward(apps: Any, schema_editor: Any) -> None:
        _move(apps, app_to, app_from, model)

    return migrations.RunPython(forward, backward, elidable=False)
