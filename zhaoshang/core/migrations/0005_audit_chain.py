"""The audit log's hash chain (core.auditchain): two fields, the chain head, and the existing
entries chained in the order they were written (by id).

The append-only triggers refuse UPDATE, so they are lifted for this one statement batch and
put back in the same transaction (PostgreSQL: DISABLE/ENABLE TRIGGER; SQLite: drop and
recreate the trigger of 0002).
"""

import django.utils.timezone
from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""


def chain_existing(apps, schema_editor):
    from zhaoshang.core.auditchain import HASHED_FIELDS, HEAD_ID, entry_hash

    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_change")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")

    seq, prev, batch = 0, "", []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        entry.seq = seq
        entry.chain_hash = prev = entry_hash(prev, {f: getattr(entry, f) for f in HASHED_FIELDS})
        batch.append(entry)
        if len(batch) >= 1000:
            AuditEntry.objects.bulk_update(batch, ["seq", "chain_hash"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["seq", "chain_hash"])
    AuditChainHead.objects.update_or_create(pk=HEAD_ID, defaults={"seq": seq, "hash": prev})

    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_change")
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def unchain(apps, schema_editor):
    apps.get_model("core", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_periodclose_from_goals'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(blank=True, max_length=64)),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='链哈希'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(editable=False, null=True, unique=True, verbose_name='链序号'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='时间'),
        ),
        migrations.RunPython(chain_existing, unchain),
    ]
