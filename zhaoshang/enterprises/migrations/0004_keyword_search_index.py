"""The keyword index over the name and credit code (see zhaoshang.core.search): an FTS5 table kept by
triggers on SQLite, a GIN index on an expression on PostgreSQL; filled from the rows there."""

from django.db import migrations

from zhaoshang.core import search

INDEX = search.SearchIndex(table="enterprises_enterprise", columns=("name", "uscc"))


def forwards(apps, schema_editor):
    search.install(INDEX, schema_editor)


def backwards(apps, schema_editor):
    search.uninstall(INDEX, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_enterprise_plain_indexes")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
