"""Audit entries name the record their object belongs to (a funds record's project), indexed,
for the 项目名称 filter; the upload action; an index on the login for the person filter.

The entries written before keep empty parents (the log is append-only and their hashes stay
as they are). On SQLite, adding a column with a default rebuilds the table, which drops the
append-only trigger of 0002: it is created again at the end.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""


def keep_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0006_workday_override'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='parent_object_id',
            field=models.CharField(blank=True, db_default='', default='', max_length=64, verbose_name='所属对象ID'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='parent_type',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype', verbose_name='所属对象类型'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('create', '新建'), ('update', '修改'), ('delete', '删除'), ('stage', '阶段变更'), ('verify', '核实'), ('reject', '退回'), ('login', '登录'), ('login_failed', '登录失败'), ('logout', '退出'), ('token', '签发API令牌'), ('export', '导出'), ('reveal', '查看敏感信息'), ('import', '批量导入'), ('upload', '上传证明材料')], db_index=True, max_length=20, verbose_name='操作'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['parent_type', 'parent_object_id'], name='audit_parent_idx'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['username'], name='audit_username_idx'),
        ),
        migrations.RunPython(keep_append_only, migrations.RunPython.noop),
    ]
