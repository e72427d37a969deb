"""Wiping the business data before a fresh demo load (`load_demo --reset`).

Empties the tables the demo fills — projects and everything hanging off them, the enterprise
registry, industries, campaigns and the audit log that described them — with the database's own
flush (TRUNCATE … CASCADE on PostgreSQL, which the audit log's row triggers do not block), then
removes the demo users and the evidence files. Units and departments stay (org_load refreshes
them); users that are not demo logins stay. Only ever reachable in DEBUG or under tests.
"""

from __future__ import annotations

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction

from zhaoshang.accounts.models import User

from .users import DEMO_USERNAMES

WIPED_APPS = ("goals", "targeting", "projects", "enterprises", "industries", "activities")
WIPED_MODELS = (
    "core.AuditEntry",
    "core.AuditChainHead",
    "core.PeriodClose",
    # Not tied to a project (the flush cascades from projects to the rest of the service app).
    "service.ElementQuota",
    # Joint meetings name the demo leader as chair (the flush reaches their items and decisions
    # from projects, not the meetings themselves).
    "service.JointMeeting",
    # Each department's 分管领导 is a demo leader.
    "service.SupervisingLeader",
)


def wiped_tables() -> list[str]:
    tables: list[str] = []
    models = [
        m
        for label in WIPED_APPS
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    models += [apps.get_model(label) for label in WIPED_MODELS]
    for model in models:
        if model._meta.managed and not model._meta.proxy:
            tables.append(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return [t for t in dict.fromkeys(tables) if t in existing]


def business_data_wipe() -> int:
    """Empty the demo's tables and remove the demo users; returns the evidence files removed."""
    from zhaoshang.projects.models import Evidence

    files = set(Evidence.objects.exclude(file="").values_list("file", flat=True).distinct())
    sql = connection.ops.sql_flush(no_style(), wiped_tables(), allow_cascade=True)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks still pending in an enclosing transaction (a test's)
            # would make TRUNCATE fail: run them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(sql)
        User.objects.filter(username__in=DEMO_USERNAMES).delete()

    def remove_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(remove_files)
    return len(files)
