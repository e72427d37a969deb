"""The 审计/统计 inspector (a business role reading every record, writing none) split from the
audit administrator, who keeps only the audit log (三员分立: no administrator role holds business
data).

This creates the inspector's group with its default permissions (remembered as granted, as
`services.role_groups_sync` does). The audit administrator's business permissions are taken
away by `role_groups_sync` right after this `migrate` (post_migrate): its set is fixed, so it is
put back to exactly ROLE_PERMISSIONS with an audit entry listing what it lost, as on every deploy.
Accounts keep their role: an installation whose 审计/统计 users held `auditor` gives them
`inspector` (deploy/README.md)."""

import fnmatch

from django.db import migrations, models

from zhaoshang.accounts.roles import ROLE_PERMISSIONS, Role


def _matches(label, patterns):
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    return any(fnmatch.fnmatchcase(label, p) for p in include) and not any(
        fnmatch.fnmatchcase(label, p) for p in exclude
    )


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    RoleDefaultGrant = apps.get_model("accounts", "RoleDefaultGrant")
    patterns = ROLE_PERMISSIONS[Role.INSPECTOR]
    wanted = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(db).select_related("content_type")
        if _matches(f"{p.content_type.app_label}.{p.codename}", patterns)
    }
    group, created = Group.objects.using(db).get_or_create(name=Role.INSPECTOR.value)
    if not created:
        return
    group.permissions.set(wanted.values())
    RoleDefaultGrant.objects.using(db).bulk_create(
        [RoleDefaultGrant(role=Role.INSPECTOR.value, permission=label) for label in wanted],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="roledefaultgrant",
            name="role",
            field=models.CharField(
                choices=[
                    ("city_admin", "市级管理员（市投资促进局）"),
                    ("unit_staff", "县市区/功能区招商人员"),
                    ("leader", "领导"),
                    ("commissioner", "服务专员"),
                    ("dept_staff", "职能部门人员"),
                    ("inspector", "审计/统计人员（只读）"),
                    ("auditor", "审计管理员"),
                    ("sysadmin", "系统管理员"),
                    ("secadmin", "安全管理员"),
                ],
                max_length=16,
                verbose_name="角色",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("city_admin", "市级管理员（市投资促进局）"),
                    ("unit_staff", "县市区/功能区招商人员"),
                    ("leader", "领导"),
                    ("commissioner", "服务专员"),
                    ("dept_staff", "职能部门人员"),
                    ("inspector", "审计/统计人员（只读）"),
                    ("auditor", "审计管理员"),
                    ("sysadmin", "系统管理员"),
                    ("secadmin", "安全管理员"),
                ],
                max_length=16,
                verbose_name="角色",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
