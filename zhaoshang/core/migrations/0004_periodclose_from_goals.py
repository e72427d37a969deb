"""PeriodClose moves from goals to core (periods are ground floor): state only, the table keeps
its name; its content type follows, so permissions and audit entries stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from zhaoshang.core.model_moves import move_content_type


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_import_action'),
        ('goals', '0002_snapshots_immutable'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PeriodClose',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(max_length=24, verbose_name='期间')),
                        ('kind', models.CharField(max_length=8, verbose_name='类型')),
                        ('start', models.DateField(verbose_name='起始日期')),
                        ('end_exclusive', models.DateField(verbose_name='截止日期（不含）')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='关账说明')),
                        ('closed_at', models.DateTimeField(verbose_name='关账时间')),
                        ('closed_by_name', models.CharField(blank=True, max_length=150, verbose_name='关账人姓名')),
                        ('reopened_at', models.DateTimeField(blank=True, null=True, verbose_name='重新开放时间')),
                        ('reopened_by_name', models.CharField(blank=True, max_length=150, verbose_name='重新开放人姓名')),
                        ('reason', models.CharField(blank=True, max_length=300, verbose_name='重新开放理由')),
                        ('closed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='关账人')),
                        ('reopened_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='重新开放人')),
                    ],
                    options={
                        'verbose_name': '期间关账',
                        'verbose_name_plural': '期间关账',
                        'db_table': 'goals_periodclose',
                        'ordering': ['-start', '-closed_at'],
                        'default_permissions': ('view', 'add', 'change'),
                        'indexes': [models.Index(fields=['start', 'end_exclusive'], name='period_close_range_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('reopened_at__isnull', True)), fields=('label',), name='period_close_one_active')],
                    },
                ),
            ],
        ),
        move_content_type('goals', 'core', 'periodclose'),
    ]
