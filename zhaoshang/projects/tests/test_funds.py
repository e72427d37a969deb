import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.conftest import pdf_file
from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction
from zhaoshang.projects.models import EvidenceKind, FundsRecord, FundsSource, FundsStatus, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_reject,
    funds_submit,
    funds_verify,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db


def receipt():
    return [EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))]


@pytest.fixture
def signed_project(users, make_project, today):
    project = make_project(total_investment_wan=Decimal("1000"))
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today - dt.timedelta(days=40),
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("1000"),
    )
    return project


def submit(users, project, amount="300", period=None, who="linqing", **kw):
    return funds_submit(
        actor=users[who],
        project=project,
        period=period or dt.date(2024, 3, 1),
        amount_wan=Decimal(amount),
        source=FundsSource.OWN,
        evidence=kw.pop("evidence", receipt()),
        **kw,
    )


def test_unit_submits_and_city_verifies(users, signed_project):
    record = submit(users, signed_project)
    assert record.status == FundsStatus.SUBMITTED
    assert record.evidence.count() == 1
    funds_verify(actor=users["city"], record=record)
    record.refresh_from_db()
    assert (record.status, record.verified_by) == (FundsStatus.VERIFIED, users["city"])
    actions = list(audit.history_for(record).values_list("action", flat=True))
    # The receipt is logged under the record too (上传证明材料, with its SHA-256).
    assert sorted(actions) == [AuditAction.CREATE, AuditAction.UPLOAD, AuditAction.VERIFY]


def test_nobody_verifies_a_record_they_entered(users, signed_project):
    record = submit(users, signed_project, who="city")
    with pytest.raises(ValidationError) as exc:
        funds_verify(actor=users["city"], record=record)
    assert exc.value.message_dict["status"] == ["不能核实自己填报的记录"]
    funds_verify(actor=users["city2"], record=record)


def test_unit_staff_cannot_verify(users, signed_project):
    record = submit(users, signed_project)
    with pytest.raises(PermissionDenied, match="没有此项操作权限"):
        funds_verify(actor=users["linqing"], record=record)


def test_reject_needs_reason_then_month_can_be_resubmitted(users, signed_project):
    record = submit(users, signed_project)
    with pytest.raises(ValidationError, match="退回必须说明原因"):
        funds_reject(actor=users["city"], record=record, reason=" ")
    funds_reject(actor=users["city"], record=record, reason="进账单金额不符")
    record.refresh_from_db()
    assert (record.status, record.reject_reason) == (FundsStatus.REJECTED, "进账单金额不符")
    again = submit(users, signed_project, amount="250")
    assert again.status == FundsStatus.SUBMITTED


def test_second_record_for_same_month_is_refused(users, signed_project):
    submit(users, signed_project)
    with pytest.raises(ValidationError) as exc:
        submit(users, signed_project, amount="10")
    assert "period" in exc.value.message_dict


def test_missing_evidence_negative_amount_and_future_month_are_field_errors(users, signed_project):
    next_month = (dt.date.today().replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    with pytest.raises(ValidationError) as exc:
        submit(users, signed_project, amount="-5", period=next_month, evidence=[])
    assert set(exc.value.message_dict) == {"amount_wan", "period", "evidence"}
    assert FundsRecord.objects.count() == 0


def test_cumulative_funds_above_total_investment_refused_unless_city_overrides(
    users, signed_project
):
    submit(users, signed_project, amount="800", period=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        submit(users, signed_project, amount="300", period=dt.date(2024, 2, 1))
    assert "将超过项目总投资" in exc.value.message_dict["amount_wan"][0]
    with pytest.raises(
        ValidationError,
        match=r"累计到位资金 1100\.00 万元将超过项目总投资 1000\.00 万元；市级管理员可填写理由后确认",
    ):
        submit(users, signed_project, amount="300", period=dt.date(2024, 2, 1), who="city")
    record = submit(
        users,
        signed_project,
        amount="300",
        period=dt.date(2024, 2, 1),
        who="city",
        override_reason="追加投资已签补充协议",
    )
    assert record.override_reason == "追加投资已签补充协议"


def test_funds_up_to_exactly_the_total_investment_are_accepted(users, signed_project):
    submit(users, signed_project, amount="800", period=dt.date(2024, 1, 1))
    record = submit(users, signed_project, amount="200", period=dt.date(2024, 2, 1))
    assert record.amount_wan == Decimal("200.00")
    assert sorted(signed_project.funds_records.values_list("amount_wan", flat=True)) == [
        Decimal("200.00"),
        Decimal("800.00"),
    ]


def test_one_wan_above_the_total_investment_is_refused(users, signed_project):
    submit(users, signed_project, amount="800", period=dt.date(2024, 1, 1))
    with pytest.raises(
        ValidationError,
        match=r"^\{'amount_wan': \['累计到位资金 1001\.00 万元将超过项目总投资 1000\.00 万元'\]\}$",
    ):
        submit(users, signed_project, amount="201", period=dt.date(2024, 2, 1))
    assert FundsRecord.objects.count() == 1


def test_rejected_funds_are_left_out_of_the_cap(users, signed_project):
    rejected = submit(users, signed_project, amount="800", period=dt.date(2024, 1, 1))
    funds_reject(actor=users["city"], record=rejected, reason="进账单与合同主体不符")
    record = submit(users, signed_project, amount="1000", period=dt.date(2024, 2, 1))
    assert record.status == FundsStatus.SUBMITTED
    with pytest.raises(ValidationError, match=r"累计到位资金 1000\.01 万元将超过项目总投资"):
        submit(users, signed_project, amount="0.01", period=dt.date(2024, 3, 1))


def test_funds_before_signing_are_refused(users, make_project):
    project = make_project()
    with pytest.raises(ValidationError) as exc:
        submit(users, project)
    assert "project" in exc.value.message_dict


def test_county_user_cannot_submit_for_other_county(users, signed_project):
    with pytest.raises(PermissionDenied, match="无权操作此到位资金"):
        submit(users, signed_project, who="dongchangfu")


def test_failed_submission_leaves_no_file_behind(users, signed_project, settings):
    submit(users, signed_project, amount="800", period=dt.date(2024, 1, 1))
    before = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    with pytest.raises(
        ValidationError, match=r"累计到位资金 1700\.00 万元将超过项目总投资 1000\.00 万元"
    ):
        submit(users, signed_project, amount="900", period=dt.date(2024, 2, 1))
    after = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    assert before == after
