"""The default service kinds (走访, 电话, 协调, 帮办) and work-queue thresholds; a city edits them."""

from django.db import migrations

KINDS = [("visit", "走访", 10), ("call", "电话", 20), ("coordinate", "协调", 30), ("assist", "帮办", 40)]
RULES = [
    ("stale_project_days", "项目超过多少天没有进展更新", 30),
    ("milestone_ahead_days", "提前多少天提示即将到期的推进节点", 14),
]


def forwards(apps, schema_editor):
    kind = apps.get_model("service", "ServiceKind")
    for code, name, order in KINDS:
        kind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    rule = apps.get_model("service", "WorkQueueRule")
    for code, label, days in RULES:
        rule.objects.get_or_create(code=code, defaults={"label": label, "days": days})


class Migration(migrations.Migration):
    dependencies = [("service", "0002_servicelog")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
