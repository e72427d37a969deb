"""The funds-in-place API: submission with evidence, maker-checker verification, scope, audit."""

from decimal import Decimal

import pytest

from zhaoshang.conftest import pdf_file
from zhaoshang.core.models import AuditAction
from zhaoshang.core.tests.api_support import audit_actions, client_for, last_audit_id
from zhaoshang.projects.models import Evidence, EvidenceKind, FundsRecord, FundsStatus, Stage
from zhaoshang.projects.services import EvidenceFile, funds_submit, project_advance_stage

pytestmark = pytest.mark.django_db

LIST = "/api/funds/"


@pytest.fixture
def signed(users, make_project, today):
    """A 临清 project signed today, ready for funds."""

    def factory(unit_user: str = "linqing", **fields):
        project = make_project(unit_user, **fields)
        project_advance_stage(
            project=project,
            to=Stage.SIGNED,
            on=today,
            actor=users[unit_user],
            evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
            contracted_investment_wan=Decimal("10000"),
        )
        project.refresh_from_db()
        return project

    return factory


@pytest.fixture
def month(today) -> str:
    return f"{today:%Y-%m}"


def submit(user, project, month, amount="1500.5", **extra):
    payload = {
        "project": project.pk,
        "period": month,
        "amount_wan": amount,
        "source": "own",
        "evidence": pdf_file("进账单.pdf"),
        "evidence_kind": "bank_receipt",
        **extra,
    }
    return client_for(user).post(LIST, payload, format="multipart")


def test_funds_create_then_verify_by_another_city_user(users, signed, month):
    project = signed()
    since = last_audit_id()

    created = submit(users["city"], project, month)
    assert created.status_code == 201, created.content
    record = created.json()
    assert record["project"] == project.pk
    assert record["period"] == month
    assert record["amount_wan"] == "1500.50"
    assert record["status"] == "submitted"
    assert record["source"] == "own"
    assert record["submitted_by"] == "city" and record["verified_by"] is None
    assert [e["kind"] for e in record["evidence"]] == ["bank_receipt"]

    verified = client_for(users["city2"]).post(f"{LIST}{record['id']}/verify/", {}, format="json")
    assert verified.status_code == 200, verified.content
    assert verified.json()["status"] == "verified"
    assert verified.json()["verified_by"] == "city2"
    assert FundsRecord.objects.get(pk=record["id"]).status == FundsStatus.VERIFIED
    # The receipt's own entry (上传证明材料) comes first, in the same transaction.
    assert audit_actions(since) == [AuditAction.UPLOAD, AuditAction.CREATE, AuditAction.VERIFY]


def test_unit_staff_submits_and_the_city_verifies(users, signed, month):
    project = signed()
    created = submit(users["linqing"], project, month)
    assert created.status_code == 201, created.content
    response = client_for(users["city"]).post(f"{LIST}{created.json()['id']}/verify/")
    assert response.status_code == 200
    assert response.json()["status"] == "verified"


def test_self_verification_is_refused_with_400(users, signed, month):
    project = signed()
    record_id = submit(users["city"], project, month).json()["id"]
    since = last_audit_id()
    response = client_for(users["city"]).post(f"{LIST}{record_id}/verify/", {}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()
    assert FundsRecord.objects.get(pk=record_id).status == FundsStatus.SUBMITTED
    assert audit_actions(since) == []


def test_verify_without_the_verify_permission_is_403(users, signed, month):
    project = signed()
    record_id = submit(users["linqing"], project, month).json()["id"]
    for name in ("linqing", "inspector", "linqing_leader"):
        response = client_for(users[name]).post(f"{LIST}{record_id}/verify/")
        assert response.status_code == 403, name
        response = client_for(users[name]).post(f"{LIST}{record_id}/reject/", {"reason": "x"})
        assert response.status_code == 403, name
    assert FundsRecord.objects.get(pk=record_id).status == FundsStatus.SUBMITTED


def test_reject_needs_a_reason_and_is_audited(users, signed, month):
    project = signed()
    record_id = submit(users["linqing"], project, month).json()["id"]
    client = client_for(users["city"])

    missing = client.post(f"{LIST}{record_id}/reject/", {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()

    since = last_audit_id()
    rejected = client.post(
        f"{LIST}{record_id}/reject/", {"reason": "进账单金额不符"}, format="json"
    )
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reject_reason"] == "进账单金额不符"
    assert audit_actions(since) == [AuditAction.REJECT]

    again = client.post(f"{LIST}{record_id}/verify/", format="json")
    assert again.status_code == 400


def test_funds_without_evidence_is_400_and_writes_nothing(users, signed, month):
    project = signed()
    since = last_audit_id()
    response = client_for(users["linqing"]).post(
        LIST,
        {"project": project.pk, "period": month, "amount_wan": "100", "source": "own"},
        format="json",
    )
    assert response.status_code == 400
    assert "evidence" in response.json()
    assert not FundsRecord.objects.exists()
    assert audit_actions(since) == []


def test_negative_amount_and_bad_month_are_field_errors(users, signed, month):
    project = signed()
    negative = submit(users["linqing"], project, month, amount="-3")
    assert negative.status_code == 400
    assert "amount_wan" in negative.json()
    bad_month = submit(users["linqing"], project, "2024/13")
    assert bad_month.status_code == 400
    assert "period" in bad_month.json()
    assert not FundsRecord.objects.exists()
    assert not Evidence.objects.filter(funds_record__isnull=False).exists()


def test_funds_for_another_units_project_cannot_be_submitted(users, signed, month):
    other = signed("dongchangfu")
    response = submit(users["linqing"], other, month)
    assert response.status_code == 400
    assert "project" in response.json()
    assert not FundsRecord.objects.exists()


def test_linqing_sees_only_its_funds_and_gets_404_on_others(users, signed, month, today):
    own = signed("linqing")
    other = signed("dongchangfu", name="东昌府项目")
    evidence = [EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file())]
    own_record = funds_submit(
        actor=users["linqing"], project=own, period=today, amount_wan=Decimal("10"),
        source="own", evidence=evidence,
    )  # fmt: skip
    other_record = funds_submit(
        actor=users["dongchangfu"], project=other, period=today, amount_wan=Decimal("20"),
        source="bank_loan", evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file())],
    )  # fmt: skip
    client = client_for(users["linqing"])
    listed = client.get(LIST).json()
    assert [r["id"] for r in listed["results"]] == [own_record.pk]
    assert client.get(f"{LIST}{other_record.pk}/").status_code == 404


def test_funds_filters_return_exact_ids(users, signed, month, today):
    a = signed("linqing", name="甲项目")
    b = signed("dongchangfu", name="乙项目")
    first = submit(users["linqing"], a, month).json()["id"]
    second = submit(users["dongchangfu"], b, month, amount="30").json()["id"]
    client_for(users["city"]).post(f"{LIST}{first}/verify/")
    client = client_for(users["city"])

    def listed(**params):
        return {r["id"] for r in client.get(LIST, params).json()["results"]}

    assert listed(status="verified") == {first}
    assert listed(status="submitted") == {second}
    assert listed(unit="371502") == {second}
    assert listed(project=a.pk) == {first}
    assert listed(period_from=month, period_to=month) == {first, second}
