"""The keyword index over the name and description (see zhaoshang.core.search): an FTS5 table kept by
triggers on SQLite, a GIN index on an expression on PostgreSQL; filled from the rows there."""

from django.db import migrations

from zhaoshang.core import search

INDEX = search.SearchIndex(table="projects_project", columns=("name", "description"))


def forwards(apps, schema_editor):
    search.install(INDEX, schema_editor)


def backwards(apps, schema_editor):
    search.uninstall(INDEX, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_project_totals")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
