"""The project API: shapes, scope, writes through the services, stage moves, filters, audit."""

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.conftest import pdf_file
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.api_support import audit_actions, client_for, last_audit_id, make_uscc
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Direction, Industry
from zhaoshang.projects.models import Evidence, EvidenceKind, Project, Stage, StageChange
from zhaoshang.projects.services import EvidenceFile, project_advance_stage

pytestmark = pytest.mark.django_db

LIST = "/api/projects/"


def detail(project) -> str:
    return f"/api/projects/{project.pk}/"


def sign(project, actor, on):
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=on,
        actor=actor,
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("1000"),
    )
    project.refresh_from_db()
    return project


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- shape ---------------------------------------------------------------------------------


def test_project_detail_carries_code_decimals_flags_and_stage_dates(users, make_project, today):
    investor = Enterprise.objects.create(name="哈轴集团", uscc=make_uscc(1))
    project = make_project(name="哈轴高端轴承基地", total_investment_wan=Decimal("500000"))
    project.investors.add(investor)
    sign(project, users["linqing"], today)

    body = client_for(users["linqing"]).get(detail(project)).json()

    assert body["id"] == project.pk
    assert body["name"] == "哈轴高端轴承基地"
    assert body["unit"] == "371581"
    assert body["stage"] == "signed"
    assert body["total_investment_wan"] == "500000.00"
    assert body["contracted_investment_wan"] == "1000.00"
    assert body["is_over_100m"] is True
    assert body["signed_on"] == today.isoformat()
    assert body["started_on"] is None and body["operating_on"] is None
    assert body["investors"] == [{"id": investor.pk, "uscc": investor.uscc, "name": "哈轴集团"}]
    for key in ("industry", "direction", "attraction_mode", "is_key", "is_out_of_province",
                "is_foreign", "is_top500", "created_at"):  # fmt: skip
        assert key in body


def test_project_list_is_paginated_with_count(users, make_project):
    make_project(name="项目甲")
    make_project(name="项目乙")
    body = client_for(users["city"]).get(LIST).json()
    assert body["count"] == 2
    assert {row["name"] for row in body["results"]} == {"项目甲", "项目乙"}


# --- scope and permissions -----------------------------------------------------------------


def test_linqing_lists_only_linqing_projects(users, make_project):
    own = make_project("linqing", name="临清项目")
    make_project("dongchangfu", name="东昌府项目")
    response = client_for(users["linqing"]).get(LIST)
    assert ids(response) == {own.pk}
    assert {row["unit"] for row in response.json()["results"]} == {"371581"}


def test_linqing_gets_404_on_a_dongchangfu_project(users, make_project):
    other = make_project("dongchangfu", name="东昌府项目")
    client = client_for(users["linqing"])
    assert client.get(detail(other)).status_code == 404
    assert client.patch(detail(other), {"name": "改名"}, format="json").status_code == 404
    assert client.get(f"{detail(other)}stages/").status_code == 404
    assert (
        client.post(
            f"{detail(other)}stage/", {"to": "negotiating", "on": "2024-01-01"}, format="json"
        ).status_code
        == 404
    )


def test_linqing_posting_a_project_for_another_unit_is_403_and_writes_nothing(users):
    response = client_for(users["linqing"]).post(
        LIST, {"name": "越权项目", "unit": "371502", "total_investment_wan": "100"}, format="json"
    )
    assert response.status_code == 403
    assert not Project.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_inspector_reads_but_cannot_post_or_patch(users, make_project):
    project = make_project()
    client = client_for(users["inspector"])
    assert ids(client.get(LIST)) == {project.pk}
    assert client.get(detail(project)).status_code == 200
    payload = {"name": "审计新建", "unit": "371581", "total_investment_wan": "100"}
    assert client.post(LIST, payload, format="json").status_code == 403
    assert client.patch(detail(project), {"name": "改名"}, format="json").status_code == 403
    stage = {"to": "negotiating", "on": "2024-01-01"}
    assert client.post(f"{detail(project)}stage/", stage, format="json").status_code == 403
    project.refresh_from_db()
    assert project.name == "高端轴承项目" and Project.objects.count() == 1


def test_county_leader_reads_but_cannot_advance_a_stage(users, make_project, today):
    project = make_project()
    client = client_for(users["linqing_leader"])
    assert client.get(detail(project)).status_code == 200
    stage = {"to": "negotiating", "on": today.isoformat()}
    assert client.post(f"{detail(project)}stage/", stage, format="json").status_code == 403


def test_delete_and_put_are_not_offered(users, make_project):
    project = make_project()
    client = client_for(users["city"])
    assert client.delete(detail(project)).status_code == 405
    assert client.put(detail(project), {"name": "x"}, format="json").status_code == 405
    assert Project.objects.filter(pk=project.pk).exists()


# --- create and edit -----------------------------------------------------------------------


def test_linqing_creates_a_project_through_the_service_and_it_is_audited(users):
    industry = Industry.objects.create(code="bearing", name="轴承")
    direction = Direction.objects.create(industry=industry, code="bearing-hi", name="高端轴承")
    investor = Enterprise.objects.create(name="某轴承公司", uscc=make_uscc(2, "110105"))
    since = last_audit_id()

    response = client_for(users["linqing"]).post(
        LIST,
        {
            "name": "精密轴承项目",
            "unit": "371581",
            "industry": industry.pk,
            "direction": direction.pk,
            "investors": [investor.pk],
            "attraction_mode": "door_to_door",
            "total_investment_wan": "12000.5",
            "is_key": True,
            "lead_leader": "linqing_leader",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert body["unit"] == "371581" and body["stage"] == "lead"
    assert body["total_investment_wan"] == "12000.50" and body["is_over_100m"] is True
    assert project.created_by == users["linqing"]
    assert project.lead_leader == users["linqing_leader"]
    assert list(project.investors.all()) == [investor]
    assert project.stage_changes.get().to_stage == Stage.LEAD
    assert audit_actions(since) == [AuditAction.CREATE]


def test_create_with_a_bad_amount_is_a_field_error_and_writes_nothing(users):
    response = client_for(users["linqing"]).post(
        LIST, {"name": "负数项目", "unit": "371581", "total_investment_wan": "-5"}, format="json"
    )
    assert response.status_code == 400
    assert "total_investment_wan" in response.json()
    assert not Project.objects.exists()


def test_create_with_unknown_unit_code_is_a_field_error(users):
    response = client_for(users["city"]).post(
        LIST, {"name": "某项目", "unit": "999999", "total_investment_wan": "5"}, format="json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()


def test_duplicate_guard_blocks_until_a_reason_is_given(users, make_project):
    investor = Enterprise.objects.create(name="猛犸半导体", uscc=make_uscc(3, "510100"))
    make_project("dongchangfu", name="透明光伏发电玻璃项目", investors=[investor])
    payload = {
        "name": "透明光伏发电玻璃",
        "unit": "371581",
        "total_investment_wan": "500000",
        "investors": [investor.pk],
    }
    client = client_for(users["linqing"])

    first = client.post(LIST, payload, format="json")
    assert first.status_code == 400
    assert "duplicate_reason" in first.json()
    assert "东昌府区" in first.json()["duplicate_reason"][0]
    assert Project.objects.filter(unit__code="371581").count() == 0

    second = client.post(
        LIST, {**payload, "duplicate_reason": "同一投资方的二期项目"}, format="json"
    )
    assert second.status_code == 201, second.content
    assert second.json()["duplicate_reason"] == "同一投资方的二期项目"


def test_patch_edits_through_the_service_and_is_audited(users, make_project):
    project = make_project()
    since = last_audit_id()
    response = client_for(users["linqing"]).patch(
        detail(project),
        {"name": "高端轴承项目（一期）", "total_investment_wan": "8000"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "高端轴承项目（一期）"
    assert response.json()["is_over_100m"] is False
    assert audit_actions(since) == [AuditAction.UPDATE]
    entry = AuditEntry.objects.get(id__gt=since)
    assert entry.before["name"] == "高端轴承项目" and entry.after["name"] == "高端轴承项目（一期）"


def test_patch_moving_a_project_to_another_unit_is_403(users, make_project):
    project = make_project()
    response = client_for(users["linqing"]).patch(
        detail(project), {"unit": "371502"}, format="json"
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.unit.code == "371581"


# --- stage moves ---------------------------------------------------------------------------


def test_stage_post_with_a_contract_file_signs_the_project(users, make_project, today):
    project = make_project()
    since = last_audit_id()
    response = client_for(users["linqing"]).post(
        f"{detail(project)}stage/",
        {
            "to": "signed",
            "on": today.isoformat(),
            "note": "签约仪式",
            "contracted_investment_wan": "18000",
            "evidence": pdf_file(),
            "evidence_kind": "contract",
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "signed"
    assert body["signed_on"] == today.isoformat()
    assert body["contracted_investment_wan"] == "18000.00"
    change = StageChange.objects.get(project=project, to_stage=Stage.SIGNED)
    assert [e.kind for e in change.evidence.all()] == [EvidenceKind.CONTRACT]
    # The contract's entry (上传证明材料, with its SHA-256), then the stage change.
    assert audit_actions(since) == [AuditAction.UPLOAD, AuditAction.STAGE]


def test_stage_post_pairs_several_files_with_their_kinds(users, make_project, today):
    project = sign(make_project(), users["linqing"], today - dt.timedelta(days=5))
    response = client_for(users["linqing"]).post(
        f"{detail(project)}stage/",
        {
            "to": "started",
            "on": today.isoformat(),
            "evidence": [pdf_file("施工许可证.pdf"), pdf_file("现场.pdf")],
            "evidence_kind": ["construction_permit", "site_photo"],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["started_on"] == today.isoformat()
    kinds = sorted(
        Evidence.objects.filter(stage_change__to_stage="started").values_list("kind", flat=True)
    )
    assert kinds == ["construction_permit", "site_photo"]


def test_stage_post_without_evidence_is_400_on_evidence_and_writes_nothing(
    users, make_project, today
):
    project = make_project()
    since = last_audit_id()
    response = client_for(users["linqing"]).post(
        f"{detail(project)}stage/",
        {"to": "signed", "on": today.isoformat(), "contracted_investment_wan": "100"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "evidence" in response.json()
    project.refresh_from_db()
    assert project.stage == Stage.LEAD and project.signed_on is None
    assert StageChange.objects.filter(project=project).count() == 1
    assert not Evidence.objects.exists()
    assert audit_actions(since) == []


def test_stage_post_with_mismatched_kinds_is_400_on_evidence_kind(users, make_project, today):
    project = make_project()
    response = client_for(users["linqing"]).post(
        f"{detail(project)}stage/",
        {
            "to": "signed",
            "on": today.isoformat(),
            "contracted_investment_wan": "100",
            "evidence": [pdf_file(), pdf_file(), pdf_file()],
            "evidence_kind": ["contract", "other"],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "evidence_kind" in response.json()
    assert not Evidence.objects.exists()


def test_stage_post_as_json_without_files_and_future_date_error(users, make_project, today):
    project = make_project()
    client = client_for(users["linqing"])
    future = client.post(
        f"{detail(project)}stage/",
        {"to": "negotiating", "on": (today + dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert future.status_code == 400
    assert future.json()["on"] == ["日期不能晚于今天"]

    ok = client.post(
        f"{detail(project)}stage/", {"to": "negotiating", "on": today.isoformat()}, format="json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["stage"] == "negotiating"


def test_stage_log_lists_changes_with_evidence(users, make_project, today):
    project = sign(make_project(), users["linqing"], today)
    response = client_for(users["linqing"]).get(f"{detail(project)}stages/")
    assert response.status_code == 200
    log = response.json()
    assert [(c["from_stage"], c["to_stage"]) for c in log] == [("", "lead"), ("lead", "signed")]
    assert log[1]["on"] == today.isoformat()
    assert log[1]["actor"] == "linqing"
    assert [e["kind"] for e in log[1]["evidence"]] == ["contract"]
    assert len(log[1]["evidence"][0]["sha256"]) == 64


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def three_projects(users, make_project, today):
    big = make_project("linqing", name="临清过亿", total_investment_wan=Decimal("20000"))
    small_signed = sign(
        make_project("linqing", name="临清签约", total_investment_wan=Decimal("5000")),
        users["linqing"],
        today,
    )
    other = make_project("dongchangfu", name="东昌府过亿", total_investment_wan=Decimal("10000"))
    return big, small_signed, other


def test_filter_by_stage_returns_exact_ids(users, three_projects):
    _, signed, _ = three_projects
    assert ids(client_for(users["city"]).get(LIST, {"stage": "signed"})) == {signed.pk}


def test_filter_by_unit_code_returns_exact_ids(users, three_projects):
    big, signed, _ = three_projects
    assert ids(client_for(users["city"]).get(LIST, {"unit": "371581"})) == {big.pk, signed.pk}


def test_filter_over_100m_returns_exact_ids(users, three_projects):
    big, signed, other = three_projects
    client = client_for(users["city"])
    assert ids(client.get(LIST, {"is_over_100m": "true"})) == {big.pk, other.pk}
    assert ids(client.get(LIST, {"is_over_100m": "false"})) == {signed.pk}


def test_filters_combine_with_scope(users, three_projects):
    big, _, _ = three_projects
    client = client_for(users["linqing"])
    assert ids(client.get(LIST, {"is_over_100m": "true"})) == {big.pk}
    assert ids(client.get(LIST, {"unit": "371502"})) == set()


def test_text_search_and_ordering(users, three_projects):
    big, signed, other = three_projects
    client = client_for(users["city"])
    assert ids(client.get(LIST, {"q": "签约"})) == {signed.pk}
    rows = client.get(LIST, {"ordering": "-total_investment_wan"}).json()["results"]
    assert [r["id"] for r in rows] == [big.pk, other.pk, signed.pk]


def test_an_invalid_filter_value_is_400(users, three_projects):
    response = client_for(users["city"]).get(LIST, {"stage": "flying"})
    assert response.status_code == 400
    assert "stage" in response.json()
