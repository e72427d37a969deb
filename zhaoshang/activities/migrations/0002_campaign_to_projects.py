"""Campaign moved to projects (see projects 0007): state only, its table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0001_initial'),
        ('projects', '0007_campaign_from_activities'),
        ('targeting', '0003_campaign_in_projects'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Campaign')],
        ),
    ]
