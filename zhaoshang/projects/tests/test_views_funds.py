"""Funds entry, the city's verification queue, and maker-checker in the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.conftest import pdf_file
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.projects.models import EvidenceKind, FundsRecord, FundsStatus, Stage
from zhaoshang.projects.services import EvidenceFile, project_advance_stage

pytestmark = pytest.mark.django_db

QUEUE = reverse("projects:verify-queue")


@pytest.fixture
def signed(make_project, users, today):
    project = make_project(name="高端轴承基地", total_investment_wan=Decimal("20000"))
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("18000"),
    )
    return project


def post_funds(client, project, today, **overrides):
    data = {
        "period": f"{today:%Y-%m}",
        "amount_wan": "1500.5",
        "source": "own",
        "note": "首笔出资",
        "evidence-0-kind": "bank_receipt",
        "evidence-0-file": pdf_file("进账单.pdf"),
    }
    data.update(overrides)
    return client.post(reverse("projects:funds-create", args=[project.pk]), data)


def test_county_submits_funds_and_the_city_verifies_them_in_the_queue(client, users, signed, today):
    client.force_login(users["linqing"])
    response = post_funds(client, signed, today)
    assert response.status_code == 302
    record = FundsRecord.objects.get()
    assert (record.period, record.amount_wan, record.status) == (
        today.replace(day=1),
        Decimal("1500.50"),
        FundsStatus.SUBMITTED,
    )
    assert record.evidence.get().original_name == "进账单.pdf"
    assert client.get(QUEUE).status_code == 403  # county staff do not verify

    client.force_login(users["city"])
    queue = client.get(QUEUE)
    assert [r.pk for r in queue.context["page"]] == [record.pk]
    html = queue.content.decode()
    assert reverse("projects:evidence", args=[record.evidence.get().pk]) in html
    assert reverse("projects:funds-verify", args=[record.pk]) in html
    response = client.post(reverse("projects:funds-verify", args=[record.pk]), follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    record.refresh_from_db()
    assert record.status == FundsStatus.VERIFIED and record.verified_by == users["city"]
    assert "已核实：临清·高端轴承基地" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.VERIFY, object_id=str(record.pk)).exists()
    assert list(client.get(QUEUE).context["page"]) == []


def test_funds_without_evidence_is_a_field_error(client, users, signed, today):
    client.force_login(users["linqing"])
    response = post_funds(client, signed, today, **{"evidence-0-file": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == ["请上传证明材料"]
    assert not FundsRecord.objects.exists()


def test_funds_above_total_investment_is_refused_at_the_amount(client, users, signed, today):
    client.force_login(users["linqing"])
    response = post_funds(client, signed, today, amount_wan="25000")
    assert response.context["form"].errors["amount_wan"] == [
        "累计到位资金 25000.00 万元将超过项目总投资 20000.00 万元"
    ]
    assert "override_reason" not in response.context["form"].fields
    assert not FundsRecord.objects.exists()


def test_period_is_a_month_input(client, users, signed):
    client.force_login(users["linqing"])
    html = client.get(reverse("projects:funds-create", args=[signed.pk])).content.decode()
    assert 'type="month" name="period"' in html


def test_nobody_verifies_their_own_entry(client, users, signed, today):
    client.force_login(users["city"])
    post_funds(client, signed, today)
    record = FundsRecord.objects.get()
    assert record.submitted_by == users["city"]
    assert list(client.get(QUEUE).context["page"]) == []
    response = client.post(reverse("projects:funds-verify", args=[record.pk]), follow=True)
    assert "不能核实自己填报的记录" in response.content.decode()
    record.refresh_from_db()
    assert record.status == FundsStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action=AuditAction.VERIFY).exists()

    client.force_login(users["city2"])
    assert [r.pk for r in client.get(QUEUE).context["page"]] == [record.pk]
    client.post(reverse("projects:funds-verify", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == FundsStatus.VERIFIED and record.verified_by == users["city2"]


def test_reject_needs_a_reason(client, users, signed, today):
    client.force_login(users["linqing"])
    post_funds(client, signed, today)
    record = FundsRecord.objects.get()
    client.force_login(users["city"])
    url = reverse("projects:funds-reject", args=[record.pk])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "退回必须说明原因" in response.content.decode()
    record.refresh_from_db()
    assert record.status == FundsStatus.SUBMITTED
    client.post(url, {"reason": "进账单金额与填报不符"})
    record.refresh_from_db()
    assert (record.status, record.reject_reason) == (FundsStatus.REJECTED, "进账单金额与填报不符")


def test_verify_endpoints_refuse_county_staff_and_a_get_only_asks(client, users, signed, today):
    client.force_login(users["linqing"])
    post_funds(client, signed, today)
    record = FundsRecord.objects.get()
    assert client.post(reverse("projects:funds-verify", args=[record.pk])).status_code == 403
    assert (
        client.post(reverse("projects:funds-reject", args=[record.pk]), {"reason": "x"}).status_code
        == 403
    )
    client.force_login(users["city"])
    dialog = client.get(reverse("projects:funds-verify", args=[record.pk]))
    assert dialog.status_code == 200 and "确认核实" in dialog.content.decode()
    record.refresh_from_db()
    assert record.status == FundsStatus.SUBMITTED


def test_funds_list_filters_by_status_and_month(client, users, signed, today):
    client.force_login(users["linqing"])
    post_funds(client, signed, today)
    url = reverse("projects:funds-list")
    assert len(client.get(url, {"status": "submitted"}).context["page"].object_list) == 1
    assert len(client.get(url, {"status": "verified"}).context["page"].object_list) == 0
    month = f"{today:%Y-%m}"
    assert len(client.get(url, {"period_from": month, "period_to": month}).context["page"]) == 1
