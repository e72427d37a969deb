"""The database itself refuses to rewrite a published ranking snapshot or a scheme version.

SQLite: UPDATE is refused (DELETE stays possible only so the test runner can flush tables).
PostgreSQL: UPDATE and DELETE are refused; TRUNCATE (test flushes, demo reset) is not a row trigger.
"""

from django.db import migrations

TABLES = ("goals_rankingsnapshot", "goals_schemeversion")


def _sqlite_up(table):
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is immutable'); END;"
    )


def _pg_up(table):
    return f"""
CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{table} is immutable'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_no_change ON {table};
CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_immutable();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(_sqlite_up(table))
        elif vendor == "postgresql":
            schema_editor.execute(_pg_up(table))


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_immutable();")


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
