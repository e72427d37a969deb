import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.conftest import pdf_file
from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.projects.models import EvidenceKind, Stage, StageChange
from zhaoshang.projects.services import EvidenceFile, project_advance_stage

pytestmark = pytest.mark.django_db


def contract():
    return [EvidenceFile(EvidenceKind.CONTRACT, pdf_file())]


def test_signing_with_contract_records_stage_change_and_date(users, make_project, today):
    project = make_project()
    change = project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=users["linqing"],
        evidence=contract(),
        contracted_investment_wan=Decimal("18000"),
    )
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert project.signed_on == today
    assert project.contracted_investment_wan == Decimal("18000.00")
    assert change.from_stage == Stage.LEAD
    assert change.evidence.count() == 1
    entry = audit.history_for(project).get(action=AuditAction.STAGE)
    assert entry.before["stage"] == "lead" and entry.after["stage"] == "signed"


def test_signing_without_contract_is_a_field_error_and_writes_nothing(users, make_project, today):
    project = make_project()
    with pytest.raises(ValidationError) as exc:
        project_advance_stage(
            project=project,
            to=Stage.SIGNED,
            on=today,
            actor=users["linqing"],
            contracted_investment_wan=Decimal("100"),
        )
    assert "evidence" in exc.value.message_dict
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert StageChange.objects.filter(project=project).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.STAGE).exists()


def test_signing_requires_contracted_investment(users, make_project, today):
    project = make_project()
    with pytest.raises(ValidationError) as exc:
        project_advance_stage(
            project=project, to=Stage.SIGNED, on=today, actor=users["linqing"], evidence=contract()
        )
    assert "contracted_investment_wan" in exc.value.message_dict


def test_future_date_is_refused(users, make_project, today):
    project = make_project()
    with pytest.raises(ValidationError) as exc:
        project_advance_stage(
            project=project,
            to=Stage.NEGOTIATING,
            on=today + dt.timedelta(days=1),
            actor=users["linqing"],
        )
    assert exc.value.message_dict["on"] == ["日期不能晚于今天"]


def test_date_before_previous_stage_is_refused(users, make_project, today):
    project = make_project(lead_on=today - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as exc:
        project_advance_stage(
            project=project,
            to=Stage.NEGOTIATING,
            on=today - dt.timedelta(days=11),
            actor=users["linqing"],
        )
    assert "on" in exc.value.message_dict


def test_cannot_skip_signing_on_the_way_to_started(users, make_project, today):
    project = make_project()
    with pytest.raises(ValidationError) as exc:
        project_advance_stage(
            project=project,
            to=Stage.STARTED,
            on=today,
            actor=users["linqing"],
            evidence=[EvidenceFile(EvidenceKind.CONSTRUCTION_PERMIT, pdf_file("许可证.pdf"))],
        )
    assert "to" in exc.value.message_dict


def test_going_back_needs_city_admin_and_reason(users, make_project, today):
    project = make_project()
    project_advance_stage(project=project, to=Stage.NEGOTIATING, on=today, actor=users["linqing"])
    with pytest.raises(PermissionDenied, match="没有此项操作权限"):
        project_advance_stage(
            project=project, to=Stage.LEAD, on=today, actor=users["linqing"], note="误操作"
        )
    with pytest.raises(ValidationError) as exc:
        project_advance_stage(project=project, to=Stage.LEAD, on=today, actor=users["city"])
    assert "note" in exc.value.message_dict
    project_advance_stage(
        project=project, to=Stage.LEAD, on=today, actor=users["city"], note="录入错误"
    )
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert project.negotiating_on is None


def test_dropping_needs_a_reason_and_keeps_it(users, make_project, today):
    project = make_project()
    with pytest.raises(ValidationError, match="请填写终止原因"):
        project_advance_stage(project=project, to=Stage.DROPPED, on=today, actor=users["linqing"])
    project_advance_stage(
        project=project, to=Stage.DROPPED, on=today, actor=users["linqing"], note="企业转投他地"
    )
    project.refresh_from_db()
    assert (project.stage, project.drop_reason, project.dropped_on) == (
        Stage.DROPPED,
        "企业转投他地",
        today,
    )


def test_county_user_cannot_move_other_county_project(users, make_project, today):
    project = make_project()
    with pytest.raises(PermissionDenied, match="无权操作此招商项目"):
        project_advance_stage(
            project=project, to=Stage.NEGOTIATING, on=today, actor=users["dongchangfu"]
        )


def test_inspector_cannot_move_a_project(users, make_project, today):
    project = make_project()
    with pytest.raises(PermissionDenied, match="没有修改招商项目的权限"):
        project_advance_stage(
            project=project, to=Stage.NEGOTIATING, on=today, actor=users["inspector"]
        )


def test_going_back_keeps_the_date_the_stage_was_first_reached(users, make_project, today):
    project = make_project(lead_on=today - dt.timedelta(days=30))
    signed_on = today - dt.timedelta(days=20)
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=signed_on,
        actor=users["linqing"],
        evidence=contract(),
        contracted_investment_wan=Decimal("100"),
    )
    project_advance_stage(
        project=project,
        to=Stage.STARTED,
        on=today - dt.timedelta(days=10),
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.SITE_PHOTO, pdf_file("现场.pdf"))],
    )
    project_advance_stage(
        project=project, to=Stage.SIGNED, on=today, actor=users["city"], note="开工材料不实"
    )
    project.refresh_from_db()
    assert (project.stage, project.signed_on, project.started_on) == (
        Stage.SIGNED,
        signed_on,
        None,
    )
