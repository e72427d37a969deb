# The gap-analysis thresholds moved to targeting (targeting 0002 takes over the model and its
# table); only the state changes here, the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('industries', '0003_gap_thresholds_confidence'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='GapThresholds')],
            database_operations=[],
        ),
    ]
