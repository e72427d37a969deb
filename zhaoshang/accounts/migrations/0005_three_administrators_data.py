"""三员分立 on an existing database: the security administrator's role, and the administrator
roles cut back to their duties (the system administrator no longer edits roles, and whatever
business permission it gave itself is gone; the audit administrator back to its fixed set).

`services.role_groups_sync` keeps this true after every later migrate."""

import fnmatch

from django.db import migrations

from zhaoshang.accounts.roles import ADMIN_DUTIES, ROLE_PERMISSIONS, Role


def _matches(label, patterns):
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    return any(fnmatch.fnmatchcase(label, p) for p in include) and not any(
        fnmatch.fnmatchcase(label, p) for p in exclude
    )


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    user_type, _ = ContentType.objects.using(db).get_or_create(app_label="accounts", model="user")
    Permission.objects.using(db).get_or_create(
        content_type=user_type, codename="approve_user", defaults={"name": "审核账号"}
    )
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(db).select_related("content_type")
    }
    for role, duty in ADMIN_DUTIES.items():
        group, _ = Group.objects.using(db).get_or_create(name=role)
        if duty.fixed or role == Role.SECADMIN:
            wanted = [p for label, p in perms.items() if _matches(label, ROLE_PERMISSIONS[role])]
        else:
            wanted = [
                p
                for p in group.permissions.select_related("content_type")
                if _matches(f"{p.content_type.app_label}.{p.codename}", duty.may_hold)
            ]
        group.permissions.set(wanted)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_three_administrators"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
