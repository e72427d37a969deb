"""Project detail page, permission boundaries of the write pages, evidence downloads."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.conftest import pdf_file
from zhaoshang.projects.models import (
    Evidence,
    EvidenceKind,
    FundsRecord,
    FundsStatus,
    Milestone,
    Stage,
)
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    funds_verify,
    project_advance_stage,
    project_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(make_project, users, today):
    project = make_project(name="高端轴承基地", total_investment_wan=Decimal("50000"))
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file("投资合同.pdf"))],
        contracted_investment_wan=Decimal("45000"),
    )
    project.refresh_from_db()
    return project


def test_detail_shows_derived_facts_stage_log_and_evidence_link(client, users, signed):
    client.force_login(users["linqing"])
    response = client.get(reverse("projects:detail", args=[signed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "过亿元项目" in html
    assert "5.00 亿元" in html
    contract = Evidence.objects.get(kind=EvidenceKind.CONTRACT)
    assert reverse("projects:evidence", args=[contract.pk]) in html
    assert "投资合同.pdf" in html
    assert [s["reached"] for s in response.context["stage_path"]] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_detail_chart_data_and_its_table_hold_verified_funds_by_month(client, users, signed, today):
    record = funds_submit(
        actor=users["linqing"],
        project=signed,
        period=today,
        amount_wan=Decimal("1234.5"),
        source="own",
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
    )
    funds_verify(actor=users["city"], record=record)
    client.force_login(users["linqing"])
    response = client.get(reverse("projects:detail", args=[signed.pk]))
    html = response.content.decode()
    month = f"{today:%Y-%m}"
    assert response.context["chart_data"] == {"months": [month], "amounts": ["1234.50"]}
    assert '<script id="funds-chart-data" type="application/json">' in html
    assert json.dumps({"months": [month], "amounts": ["1234.50"]}) in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="funds-by-month"' in html and "1,234.50" in html
    assert "//cdn" not in html and "http://" not in html.replace("http://testserver", "")


def test_detail_shows_field_changes_before_and_after(client, users, signed):
    project_update(actor=users["linqing"], project=signed, name="高端轴承产业园", team="张三、李四")
    client.force_login(users["linqing"])
    response = client.get(reverse("projects:detail", args=[signed.pk]))
    history = response.context["history"]
    update = next(h for h in history if h["action_code"] == "update")
    assert {"label": "项目名称", "before": "高端轴承基地", "after": "高端轴承产业园"} in update[
        "changes"
    ]
    assert {"label": "工作团队", "before": "（空）", "after": "张三、李四"} in update["changes"]
    stage = next(h for h in history if h["action_code"] == "stage")
    assert {"label": "当前阶段", "before": "线索", "after": "签约"} in stage["changes"]


def test_overdue_milestone_is_highlighted(client, users, signed, today):
    import datetime as dt

    Milestone.objects.create(project=signed, title="完成土地摘牌", due_on=today - dt.timedelta(1))
    client.force_login(users["linqing"])
    html = client.get(reverse("projects:detail", args=[signed.pk])).content.decode()
    assert '<tr class="table-danger">' in html
    assert "1 个逾期" in html


def test_another_units_project_is_404_everywhere(client, users, signed):
    client.force_login(users["dongchangfu"])
    for name in ("detail", "edit", "stage", "funds-create", "plan", "progress-create"):
        assert client.get(reverse(f"projects:{name}", args=[signed.pk])).status_code == 404, name


def test_inspector_reads_detail_but_every_write_is_403(client, users, signed, today):
    client.force_login(users["inspector"])
    assert client.get(reverse("projects:detail", args=[signed.pk])).status_code == 200
    html = client.get(reverse("projects:detail", args=[signed.pk])).content.decode()
    assert "变更阶段" not in html and "填报到位资金" not in html and "修改信息" not in html
    assert client.get(reverse("projects:edit", args=[signed.pk])).status_code == 403
    assert client.post(reverse("projects:edit", args=[signed.pk]), {}).status_code == 403
    response = client.post(
        reverse("projects:stage", args=[signed.pk]),
        {"to": "started", "on": today.isoformat()},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("projects:funds-create", args=[signed.pk]),
        {"period": f"{today:%Y-%m}", "amount_wan": "100", "source": "own"},
    )
    assert response.status_code == 403
    assert not FundsRecord.objects.exists()
    signed.refresh_from_db()
    assert signed.stage == Stage.SIGNED


def test_county_staff_see_the_write_buttons(client, users, signed):
    client.force_login(users["linqing"])
    html = client.get(reverse("projects:detail", args=[signed.pk])).content.decode()
    assert "变更阶段" in html and "填报到位资金" in html and "修改信息" in html


def test_evidence_downloads_as_attachment_with_its_original_name(client, users, signed):
    contract = Evidence.objects.get(kind=EvidenceKind.CONTRACT)
    client.force_login(users["linqing"])
    response = client.get(reverse("projects:evidence", args=[contract.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E6%8A%95%E8%B5%84%E5%90%88%E5%90%8C.pdf" in response["Content-Disposition"]


def test_evidence_of_another_unit_is_404_sysadmin_403_and_city_may_download(client, users, signed):
    contract = Evidence.objects.get(kind=EvidenceKind.CONTRACT)
    url = reverse("projects:evidence", args=[contract.pk])
    client.force_login(users["dongchangfu"])
    assert client.get(url).status_code == 404
    client.force_login(users["sysadmin"])
    assert client.get(url).status_code == 403
    client.force_login(users["city"])
    assert client.get(url).status_code == 200


def test_media_files_are_not_served_publicly(client, users, signed):
    contract = Evidence.objects.get(kind=EvidenceKind.CONTRACT)
    assert client.get("/media/" + contract.file.name).status_code == 404


def test_funds_status_shows_as_badge_in_funds_list(client, users, signed, today):
    funds_submit(
        actor=users["linqing"],
        project=signed,
        period=today,
        amount_wan=Decimal("800"),
        source="bank_loan",
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
    )
    client.force_login(users["linqing"])
    response = client.get(reverse("projects:funds-list"), {"status": FundsStatus.SUBMITTED})
    html = response.content.decode()
    assert '<span class="badge text-bg-warning">待核实</span>' in html
    assert "800.00 万元" in html
    client.force_login(users["dongchangfu"])
    assert not client.get(reverse("projects:funds-list")).context["page"].object_list
