"""PeriodClose moved to core (see core 0004): state only, its table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('goals', '0002_snapshots_immutable'),
        ('core', '0004_periodclose_from_goals'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PeriodClose')],
        ),
    ]
