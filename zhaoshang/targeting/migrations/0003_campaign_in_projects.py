"""A scoring profile's campaign is now projects.Campaign (same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0007_campaign_from_activities'),
        ('targeting', '0002_gapthresholds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='scoringprofile',
                    name='campaign',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='scoring_profiles', to='projects.campaign', verbose_name='招商会战'),
                ),
            ],
        ),
    ]
