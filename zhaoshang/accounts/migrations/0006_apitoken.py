"""API tokens stored as the digest of their key; the plaintext tokens issued before are hashed.

rest_framework.authtoken kept each key in clear (`authtoken_token`). Each one keeps working
under its digest, and the plaintext rows are deleted: the app is no longer installed, its table
stays empty.
"""

import datetime as dt
import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils.dateparse import parse_datetime

PLAINTEXT_TABLE = "authtoken_token"


def hash_plaintext_tokens(apps, schema_editor):
    """Move every plaintext token into ApiToken under its SHA-256 digest, then delete it."""
    connection = schema_editor.connection
    if PLAINTEXT_TABLE not in connection.introspection.table_names():
        return
    table = connection.ops.quote_name(PLAINTEXT_TABLE)
    key, user_id, created = (connection.ops.quote_name(c) for c in ("key", "user_id", "created"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, {user_id}, {created} FROM {table}")
        rows = cursor.fetchall()
    ApiToken = apps.get_model("accounts", "ApiToken")
    tokens = []
    for plain, owner, issued in rows:
        if isinstance(issued, str):
            issued = parse_datetime(issued)
        if issued is not None and issued.tzinfo is None:
            issued = issued.replace(tzinfo=dt.timezone.utc)
        tokens.append(
            ApiToken(
                digest=hashlib.sha256(plain.encode()).hexdigest(), user_id=owner, created=issued
            )
        )
    ApiToken.objects.using(connection.alias).bulk_create(tokens)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_three_administrators_data'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digest', models.CharField(max_length=64, unique=True, verbose_name='摘要')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, verbose_name='签发时间')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='api_token', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API令牌',
                'verbose_name_plural': 'API令牌',
                'default_permissions': (),
            },
        ),
        # Backwards the plaintext keys cannot come back: clients ask for new tokens.
        migrations.RunPython(hash_plaintext_tokens, migrations.RunPython.noop),
    ]
