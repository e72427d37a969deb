"""Campaign moves from activities to projects, which cite it: state only, the table keeps its
name; its content type follows (permissions, groups and audit entries stay attached), and so do
the role defaults remembered for it."""

import django.db.models.deletion
from django.db import migrations, models

from zhaoshang.accounts.model_moves import rename_role_grants
from zhaoshang.core.model_moves import move_content_type


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0006_keyword_search_index'),
        ('activities', '0001_initial'),
        ('accounts', '0003_periodclose_grants_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Campaign',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='名称')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                        ('starts_on', models.DateField(blank=True, null=True, verbose_name='开始日期')),
                        ('ends_on', models.DateField(blank=True, null=True, verbose_name='结束日期')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                    ],
                    options={
                        'verbose_name': '招商会战',
                        'verbose_name_plural': '招商会战',
                        'db_table': 'activities_campaign',
                        'ordering': ['-year', 'name'],
                    },
                ),
                migrations.AlterField(
                    model_name='project',
                    name='campaign',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='projects.campaign', verbose_name='招商会战'),
                ),
            ],
        ),
        move_content_type('activities', 'projects', 'campaign'),
        rename_role_grants('activities', 'projects', 'campaign'),
    ]
