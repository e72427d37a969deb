from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.enterprises.models import Tag
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.projects.models import Project, Stage
from zhaoshang.projects.services import project_create, project_update

pytestmark = pytest.mark.django_db

HAZHOU = "91230199127573826M"


@pytest.fixture
def investor(users):
    tag = Tag.objects.create(code="china500", name="中国企业500强")
    return enterprise_create(
        actor=users["city"],
        name="哈尔滨轴承集团有限公司",
        uscc=HAZHOU,
        division_code="230103",
        tags=[tag],
    )


def test_new_project_starts_as_lead_with_its_stage_log_and_audit(users, make_project):
    project = make_project(name="年产500万套轴承项目")
    assert project.stage == Stage.LEAD
    assert list(project.stage_changes.values_list("to_stage", flat=True)) == ["lead"]
    entry = audit.history_for(project).get(action=AuditAction.CREATE)
    assert entry.after["name"] == "年产500万套轴承项目"
    assert entry.username == "linqing"


def test_over_100m_and_investor_flags_are_derived(users, investor, org):
    project = project_create(
        actor=users["linqing"],
        name="高端轴承产业基地",
        unit=org["linqing"],
        total_investment_wan=Decimal("500000"),
        investors=[investor],
    )
    project.refresh_from_db()
    assert project.is_over_100m is True
    assert project.is_out_of_province is True
    assert project.is_top500 is True
    assert project.is_foreign is False
    small = project_create(
        actor=users["linqing"], name="小项目", unit=org["linqing"], total_investment_wan=9999
    )
    small.refresh_from_db()
    assert small.is_over_100m is False


def test_duplicate_in_other_unit_needs_confirmed_reason(users, investor, org):
    project_create(
        actor=users["linqing"],
        name="哈轴高端轴承产业基地项目",
        unit=org["linqing"],
        total_investment_wan=Decimal("500000"),
        investors=[investor],
    )
    with pytest.raises(ValidationError) as exc:
        project_create(
            actor=users["dongchangfu"],
            name="哈轴高端轴承产业基地",
            unit=org["dongchangfu"],
            total_investment_wan=Decimal("300000"),
            investors=[investor],
        )
    assert "临清市" in exc.value.message_dict["duplicate_reason"][0]
    assert Project.objects.count() == 1
    confirmed = project_create(
        actor=users["dongchangfu"],
        name="哈轴高端轴承产业基地",
        unit=org["dongchangfu"],
        total_investment_wan=Decimal("300000"),
        investors=[investor],
        duplicate_reason="哈轴另设保持架分厂，与临清项目不同",
    )
    assert confirmed.duplicate_reason == "哈轴另设保持架分厂，与临清项目不同"


def test_different_name_same_investor_is_not_a_duplicate(users, investor, org):
    project_create(
        actor=users["linqing"],
        name="哈轴高端轴承产业基地",
        unit=org["linqing"],
        total_investment_wan=1,
        investors=[investor],
    )
    project_create(
        actor=users["dongchangfu"],
        name="精密钢球热处理中心",
        unit=org["dongchangfu"],
        total_investment_wan=1,
        investors=[investor],
    )
    assert Project.objects.count() == 2


def test_unit_staff_cannot_create_for_other_unit(users, org):
    with pytest.raises(PermissionDenied, match="无权操作此招商项目"):
        project_create(
            actor=users["linqing"], name="x", unit=org["dongchangfu"], total_investment_wan=1
        )


def test_negative_investment_is_a_field_error_and_saves_nothing(users, org):
    with pytest.raises(ValidationError) as exc:
        project_create(
            actor=users["linqing"], name="x", unit=org["linqing"], total_investment_wan=-1
        )
    assert "total_investment_wan" in exc.value.message_dict
    assert Project.objects.count() == 0
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == 0


def test_update_is_audited_with_before_and_after(users, make_project):
    project = make_project(total_investment_wan=Decimal("8000"))
    project_update(actor=users["linqing"], project=project, total_investment_wan=Decimal("12000"))
    entry = audit.history_for(project).get(action=AuditAction.UPDATE)
    assert entry.before["total_investment_wan"] == "8000.00"
    assert entry.after["total_investment_wan"] == "12000.00"
    project.refresh_from_db()
    assert project.is_over_100m is True


def test_unit_staff_cannot_move_project_to_other_unit(users, make_project, org):
    project = make_project()
    with pytest.raises(PermissionDenied, match="无权操作此招商项目"):
        project_update(actor=users["linqing"], project=project, unit=org["dongchangfu"])


def test_stage_cannot_be_typed(users, make_project):
    project = make_project()
    with pytest.raises(TypeError, match=r"not editable: \['stage'\]"):
        project_update(actor=users["linqing"], project=project, stage=Stage.OPERATING)


def test_update_with_stale_instance_keeps_stage(users, make_project, today):
    from zhaoshang.projects.services import project_advance_stage

    project = make_project()
    stale = type(project).objects.get(pk=project.pk)
    project_advance_stage(project=project, to=Stage.NEGOTIATING, on=today, actor=users["linqing"])
    project_update(actor=users["linqing"], project=stale, name="新名称")
    project.refresh_from_db()
    assert (project.name, project.stage, project.negotiating_on) == (
        "新名称",
        Stage.NEGOTIATING,
        today,
    )
