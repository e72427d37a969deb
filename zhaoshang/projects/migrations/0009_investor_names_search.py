"""The projects' investors' names, one row per project, kept by triggers on the investors' link,
the enterprises' names and the projects (see zhaoshang.core.search.LinkedNames), and the keyword
index over them: filled from the links there."""

from django.db import migrations, models

from zhaoshang.core import search

INDEX = search.SearchIndex(
    table="projects_projectinvestornames",
    columns=("names",),
    source=search.LinkedNames(
        table="projects_projectinvestornames",
        owner_table="projects_project",
        link_table="projects_project_investors",
        owner_column="project_id",
        target_column="enterprise_id",
        named_table="enterprises_enterprise",
        name_column="name",
    ),
)


def forwards(apps, schema_editor):
    search.install(INDEX, schema_editor)


def backwards(apps, schema_editor):
    search.uninstall(INDEX, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_key_investment_index"),
        ("enterprises", "0004_keyword_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectInvestorNames",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="项目")),
                ("names", models.TextField(verbose_name="投资方名称")),
            ],
            options={
                "verbose_name": "项目投资方名称（检索用）",
                "verbose_name_plural": "项目投资方名称（检索用）",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
