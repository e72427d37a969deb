# The gap-analysis thresholds moved here from industries. The table keeps its name
# (industries_gapthresholds) and its rows; the content type row is moved too, so the
# permissions (view/change_gapthresholds), group grants and audit entries follow the model.

from decimal import Decimal

from django.db import migrations, models

OLD, NEW = 'industries', 'targeting'
MODEL = 'gapthresholds'


def move_content_type(apps, schema_editor, old=OLD, new=NEW):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    RoleDefaultGrant = apps.get_model('accounts', 'RoleDefaultGrant')
    db = schema_editor.connection.alias
    moving = ContentType.objects.using(db).filter(app_label=old, model=MODEL).first()
    if moving is not None:
        # A row under the new label can only be an empty leftover (post_migrate creates it
        # when this migration ran before and was reversed); the moving row wins.
        ContentType.objects.using(db).filter(app_label=new, model=MODEL).delete()
        moving.app_label = new
        moving.save(update_fields=['app_label'])
    for grant in RoleDefaultGrant.objects.using(db).filter(
        permission__startswith=f'{old}.', permission__endswith=f'_{MODEL}'
    ):
        codename = grant.permission.split('.', 1)[1]
        grant.permission = f'{new}.{codename}'
        grant.save(update_fields=['permission'])


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_roledefaultgrant'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('industries', '0004_gapthresholds_to_targeting'),
        ('targeting', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='GapThresholds',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fill_below', models.PositiveIntegerField(default=1, help_text='少于该数量视为缺失环节', verbose_name='补链：本地企业少于（家）')),
                        ('strengthen_below', models.PositiveIntegerField(default=3, help_text='有企业但少于该数量视为薄弱', verbose_name='强链：本地企业少于（家）')),
                        ('strengthen_output_below_wan', models.DecimalField(decimal_places=2, default=100000, max_digits=14, verbose_name='强链：本地产值低于（万元）')),
                        ('strong_min_enterprises', models.PositiveIntegerField(default=5, help_text='缺失环节的直接供给方是优势环节且本地企业达到该数量时，记为延链（否则记为补链）', verbose_name='延链：上游优势环节本地企业不少于（家）')),
                        ('build_chain_below_share', models.DecimalField(decimal_places=2, default=0.2, help_text='0–1 之间；整条链有本地企业的环节占比低于该值时，其缺失环节均记为建链', max_digits=4, verbose_name='建链：有本地企业的环节占比低于')),
                        ('placement_min_confidence', models.DecimalField(decimal_places=3, default=Decimal('0.600'), help_text='0–1 之间；人工确认的归类总是计入，人工否定的总是不计入', max_digits=4, verbose_name='自动归类计入的最低置信度')),
                    ],
                    options={
                        'verbose_name': '缺链分析阈值',
                        'verbose_name_plural': '缺链分析阈值',
                        'db_table': 'industries_gapthresholds',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
