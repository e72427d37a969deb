"""A project in the audit log (issue 11 §5): every evidence file logged with its name and
SHA-256 under its stage change or funds record, in the same transaction; the 项目名称 filter
returns exactly the entries of the projects and of their records, by index."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from zhaoshang.core import audit, filters
from zhaoshang.core.auditchain import verify
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.projects.models import (
    Evidence,
    EvidenceKind,
    FundsRecord,
    FundsSource,
    Project,
    Stage,
    StageChange,
)
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    funds_verify,
    project_advance_stage,
)
from zhaoshang.projects.services import stages as stage_services

pytestmark = pytest.mark.django_db

URL = "/audit/"
CONTRACT = b"%PDF-1.4 contract of the bearing base"
RECEIPT = b"%PDF-1.4 bank receipt 2024-03"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sign(project: Project, actor, on: dt.date) -> None:
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=on,
        actor=actor,
        evidence=[
            EvidenceFile(
                EvidenceKind.CONTRACT,
                SimpleUploadedFile("投资合同.pdf", CONTRACT, content_type="application/pdf"),
            )
        ],
        contracted_investment_wan=Decimal("1000"),
    )


def submit(project: Project, actor, period: dt.date) -> FundsRecord:
    return funds_submit(
        actor=actor,
        project=project,
        period=period,
        amount_wan=Decimal("300"),
        source=FundsSource.OWN,
        evidence=[
            EvidenceFile(
                EvidenceKind.BANK_RECEIPT,
                SimpleUploadedFile("进账单.pdf", RECEIPT, content_type="application/pdf"),
            )
        ],
    )


@pytest.fixture
def bearing(users, make_project, today):
    """聊城轴承产业园 (临清): signed with a contract, one month of funds with a receipt,
    verified by the city (李娜)."""
    get_user_model().objects.filter(username="city").update(display_name="李娜")
    users["city"].refresh_from_db()
    project = make_project(name="聊城轴承产业园", total_investment_wan=Decimal("1000"))
    sign(project, users["linqing"], today - dt.timedelta(days=40))
    record = submit(project, users["linqing"], today.replace(day=1))
    funds_verify(actor=users["city"], record=record)
    return project


@pytest.fixture
def glass(users, make_project, today):
    """东昌府光伏玻璃项目 (东昌府区), signed with its contract."""
    project = make_project("dongchangfu", name="东昌府光伏玻璃项目")
    sign(project, users["dongchangfu"], today - dt.timedelta(days=10))
    return project


def test_an_evidence_upload_is_an_audit_entry_with_its_sha256_under_its_stage_change(
    users, bearing
):
    change = StageChange.objects.get(project=bearing, to_stage=Stage.SIGNED)
    evidence = Evidence.objects.get(stage_change=change)
    entry = AuditEntry.objects.get(
        action=AuditAction.UPLOAD, content_type=ContentType.objects.get_for_model(StageChange)
    )
    assert entry.object_id == str(change.pk)
    assert entry.username == "linqing"
    assert entry.after == {
        "evidence_id": evidence.pk,
        "file_name": "投资合同.pdf",
        "file_kind": "投资合同",
        "file_size": len(CONTRACT),
        "file_sha256": sha256(CONTRACT),
    }
    assert entry.note == (
        f"上传证明材料：投资合同.pdf（投资合同，{len(CONTRACT):,} 字节，SHA-256 {sha256(CONTRACT)}）"
    )
    assert (entry.parent_type.model, entry.parent_object_id) == ("project", str(bearing.pk))
    # The stage change and its file are one request, one transaction: the same request id.
    stage = AuditEntry.objects.get(action=AuditAction.STAGE, object_id=str(bearing.pk))
    assert entry.request_id == stage.request_id
    assert verify().ok


def test_a_funds_receipt_is_logged_under_its_funds_record(users, bearing):
    record = FundsRecord.objects.get(project=bearing)
    entry = AuditEntry.objects.get(
        action=AuditAction.UPLOAD, content_type=ContentType.objects.get_for_model(FundsRecord)
    )
    assert entry.object_id == str(record.pk)
    assert entry.after["file_sha256"] == sha256(RECEIPT)
    assert entry.after["file_sha256"] == Evidence.objects.get(funds_record=record).sha256


def test_a_failed_stage_change_leaves_no_upload_entry(users, make_project, today, monkeypatch):
    project = make_project()

    def fail(**kwargs):
        raise RuntimeError("totals unavailable")

    monkeypatch.setattr(stage_services, "totals_shift", fail)
    with pytest.raises(RuntimeError):
        sign(project, users["linqing"], today)
    assert not AuditEntry.objects.filter(action=AuditAction.UPLOAD).exists()
    assert not Evidence.objects.exists()


def test_the_auditor_reads_an_upload_in_chinese(client, users, bearing):
    client.force_login(users["auditor"])
    response = client.get(URL, {"action": "upload"})
    rows = response.context["rows"]
    assert [(r["model_label"], r["entry"].get_action_display()) for r in rows] == [
        ("到位资金", "上传证明材料"),
        ("阶段记录", "上传证明材料"),
    ]
    changes = {c["field"]: c for c in rows[1]["changes"]}
    assert changes["file_sha256"]["label"] == "SHA-256"
    assert changes["file_sha256"]["after"] == sha256(CONTRACT)
    assert changes["file_name"]["label"] == "文件名"


def test_a_verification_names_the_verifier_in_chinese(client, users, bearing):
    client.force_login(users["auditor"])
    [row] = client.get(URL, {"action": "verify"}).context["rows"]
    assert row["model_label"] == "到位资金"
    assert row["person"] == "李娜（city）"
    changes = {c["field"]: c for c in row["changes"]}
    assert (changes["verified_by_id"]["label"], changes["verified_by_id"]["after"]) == (
        "核实人",
        "李娜（city）",
    )
    assert changes["status"]["after"] == "已核实（verified）"


def test_project_filter_returns_exactly_the_entries_of_the_project_and_its_records(
    client, users, bearing, glass
):
    client.force_login(users["auditor"])
    response = client.get(URL, {"project": "轴承产业"})
    assert response.status_code == 200
    assert [(r["entry"].action, r["model_key"]) for r in response.context["rows"]] == [
        ("verify", "projects.fundsrecord"),
        ("create", "projects.fundsrecord"),
        ("upload", "projects.fundsrecord"),
        ("stage", "projects.project"),
        ("upload", "projects.stagechange"),
        ("create", "projects.project"),
    ]
    glass_rows = client.get(URL, {"project": "光伏玻璃"}).context["rows"]
    assert [(r["entry"].action, r["model_key"]) for r in glass_rows] == [
        ("stage", "projects.project"),
        ("upload", "projects.stagechange"),
        ("create", "projects.project"),
    ]
    assert {r["entry"].parent_object_id or r["entry"].object_id for r in glass_rows} == {
        str(glass.pk)
    }
    assert client.get(URL, {"project": "不存在的项目"}).context["page"].paginator.count == 0


def test_project_filter_asks_for_more_of_a_name_matching_too_many(
    client, users, make_project, glass, monkeypatch
):
    make_project(name="临清新材料项目")
    monkeypatch.setattr(filters, "PROJECT_MATCH_LIMIT", 1)
    client.force_login(users["auditor"])
    assert client.get(URL, {"project": "光伏"}).context["filter"].is_valid()
    response = client.get(URL, {"project": "项目"})
    assert not response.context["filter"].is_valid()
    html = response.content.decode()
    assert "名称含“项目”的项目超过 1 个，请输入更完整的项目名称" in html
    assert 'id="id_project_error"' in html


def test_project_filter_reads_the_log_by_its_indexes(users, bearing):
    entries = audit.entries_of(AuditEntry.objects.all(), Project, [bearing.pk])
    sql, params = entries.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is tiny: a scan would win; the plan must be able to do without.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "audit_parent_idx" in plan
    if connection.vendor == "postgresql":
        # One bitmap over both sides; on a tiny table the object side may take the
        # content-type index rather than audit_object_idx, an index all the same.
        assert "BitmapOr" in plan and "Seq Scan" not in plan
    else:
        assert "audit_object_idx" in plan
