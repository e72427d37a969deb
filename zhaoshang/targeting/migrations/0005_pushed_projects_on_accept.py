"""Lead projects are now created when the unit accepts a push, not when the city pushes.

Pushes made before kept a project from the push on: pending ones a lead project, declined ones
a 终止 (dropped) project that counted in the unit's pipeline. Such a project is removed when
nothing but the push ever touched it (its stage log only, no funds, evidence, plan, problem,
service record …): the push no longer points to it, and the project totals lose it. A project
somebody worked on is kept as it is (its push stays linked), since its records are evidence.
The audit log keeps the history of both.
"""

from django.db import migrations
from django.db.models import F

# Relations of a project that the push itself wrote (or that are derived from it).
_OWN = {"stage_changes", "investors", "lead_push", "projectinvestornames"}


def _touched(project) -> bool:
    for rel in project._meta.related_objects:
        name = rel.get_accessor_name() or rel.name
        if name in _OWN or rel.related_model._meta.model_name == "projectinvestornames":
            continue
        if rel.one_to_one:
            if rel.related_model._default_manager.filter(**{rel.field.name: project}).exists():
                return True
        elif getattr(project, name).exists():
            return True
    return project.stage_changes.exclude(to_stage__in=("lead", "dropped")).exists()


def detach_unaccepted_projects(apps, schema_editor) -> int:
    LeadPush = apps.get_model("targeting", "LeadPush")
    ProjectTotal = apps.get_model("projects", "ProjectTotal")
    Names = apps.get_model("projects", "ProjectInvestorNames")
    removed = 0
    pushes = LeadPush.objects.filter(
        status__in=("pushed", "declined"), project__isnull=False
    ).select_related("project")
    for push in pushes:
        project = push.project
        if project.stage not in ("lead", "dropped") or _touched(project):
            continue
        push.project = None
        push.save(update_fields=["project"])
        ProjectTotal.objects.filter(
            unit_id=project.unit_id,
            industry_id=project.industry_id,
            stage=project.stage,
            is_key=project.is_key,
            is_over_100m=project.total_investment_wan >= 10_000,
        ).update(
            project_count=F("project_count") - 1,
            investment_wan=F("investment_wan") - project.total_investment_wan,
        )
        project.stage_changes.all().delete()
        project.investors.clear()
        Names.objects.filter(id=project.pk).delete()
        project.delete()
        removed += 1
    return removed


def forwards(apps, schema_editor) -> None:
    detach_unaccepted_projects(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0004_push_workflow"),
        ("projects", "0009_investor_names_search"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
