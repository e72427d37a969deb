"""The role defaults remembered for PeriodClose follow it from goals to core."""

from django.db import migrations

from zhaoshang.accounts.model_moves import rename_role_grants


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_roledefaultgrant'),
        ('core', '0004_periodclose_from_goals'),
    ]

    operations = [
        rename_role_grants('goals', 'core', 'periodclose'),
    ]
