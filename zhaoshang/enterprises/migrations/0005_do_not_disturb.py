"""请勿打扰 and 联系偏好 on enterprises (#12 §3).

Added by plain ALTER TABLE … ADD COLUMN with a database default: on SQLite, Django's AddField
with a db_default rebuilds the table, which the investor-names triggers (projects 0009) on
enterprises_enterprise refuse; ADD COLUMN keeps the table (and is instant on PostgreSQL too)."""

from django.db import migrations, models

TABLE = '"enterprises_enterprise"'


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0004_keyword_search_index"),
        ("projects", "0009_investor_names_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'ALTER TABLE {TABLE} ADD COLUMN "contact_preference" varchar(200) '
                    "DEFAULT '' NOT NULL",
                    f'ALTER TABLE {TABLE} DROP COLUMN "contact_preference"',
                ),
                migrations.RunSQL(
                    f'ALTER TABLE {TABLE} ADD COLUMN "do_not_disturb" boolean DEFAULT false NOT NULL',
                    f'ALTER TABLE {TABLE} DROP COLUMN "do_not_disturb"',
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="enterprise",
                    name="contact_preference",
                    field=models.CharField(
                        blank=True,
                        db_default="",
                        help_text="如：请先联系市投资促进局",
                        max_length=200,
                        verbose_name="联系偏好",
                    ),
                ),
                migrations.AddField(
                    model_name="enterprise",
                    name="do_not_disturb",
                    field=models.BooleanField(
                        db_default=False, default=False, verbose_name="请勿打扰"
                    ),
                ),
            ],
        ),
    ]
