"""Funds in place: units submit with evidence, the city verifies (never its own entry) or rejects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from zhaoshang.core import audit
from zhaoshang.core.closing import closed_message, ensure_open
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require, require_perm

from ..models import FundsRecord, FundsSource, FundsStatus, Project, Stage
from ..stage_rules import FUNDS_EVIDENCE, FUNDS_STAGES, evidence_label
from .evidence import EvidenceFile, check_files, store
from .files import discard_on_failure
from .funds_totals import totals_add, totals_move_status

CENT = Decimal("0.01")


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def live_total(project: Project, *, exclude_pk: int | None = None) -> Decimal:
    """Submitted plus verified funds of a project (rejected ones do not count)."""
    qs = project.funds_records.exclude(status=FundsStatus.REJECTED)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("amount_wan"))["total"] or Decimal("0")


def _validate(
    *,
    project: Project,
    period: dt.date,
    amount_wan: Any,
    source: str,
    evidence: list[EvidenceFile],
    actor: Any,
    override_reason: str,
) -> Decimal:
    errors: dict[str, list[str]] = {}
    try:
        amount = Decimal(str(amount_wan)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        amount = None
        errors["amount_wan"] = ["请输入有效金额（万元）"]
    if amount is not None and amount <= 0:
        errors["amount_wan"] = ["到位金额必须大于0"]
    if source not in FundsSource.values:
        errors["source"] = ["请选择资金来源"]
    if period > month_start(timezone.localdate()):
        errors["period"] = ["不能填报未来月份的到位资金"]
    if closed := closed_message(period):  # a closed period's funds are frozen
        errors.setdefault("period", []).append(closed)
    if project.stage not in FUNDS_STAGES:
        errors.setdefault("project", []).append(
            f"项目当前为“{Stage(project.stage).label}”阶段，签约后才能填报到位资金"
        )
    if not any(e.kind in FUNDS_EVIDENCE for e in evidence):
        errors["evidence"] = [f"请上传证明材料：{evidence_label(FUNDS_EVIDENCE)}"]
    elif project.funds_records.filter(period=period).exclude(status=FundsStatus.REJECTED).exists():
        errors["period"] = [f"{period:%Y年%m月}已有到位资金记录，如需更正请先由市级退回"]
    if amount is not None and amount > 0 and not errors.get("project"):
        cumulative = live_total(project) + amount
        if cumulative > project.total_investment_wan:
            may_override = actor.has_perm("projects.override_funds_cap")
            if not (may_override and override_reason.strip()):
                hint = "；市级管理员可填写理由后确认" if may_override else ""
                errors.setdefault("amount_wan", []).append(
                    f"累计到位资金 {cumulative} 万元将超过项目总投资 "
                    f"{project.total_investment_wan} 万元{hint}"
                )
    if errors:
        raise ValidationError(errors)
    check_files(evidence)
    return amount  # type: ignore[return-value]


def funds_submit(
    *,
    actor: Any,
    project: Project,
    period: dt.date,
    amount_wan: Decimal,
    source: str,
    evidence: list[EvidenceFile],
    note: str = "",
    override_reason: str = "",
) -> FundsRecord:
    """Submit one month's funds in place for a project; it counts only once verified."""
    period = month_start(period)
    record = FundsRecord(project=project, period=period, source=source, submitted_by=actor)
    require(actor, "add", record)
    require(actor, "view", project)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        amount = _validate(
            project=project,
            period=period,
            amount_wan=amount_wan,
            source=source,
            evidence=evidence,
            actor=actor,
            override_reason=override_reason,
        )
        record.project = project
        record.amount_wan = amount
        record.note = note[:300]
        record.override_reason = override_reason.strip()[:300]
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError as exc:  # a concurrent entry for the same month
            raise ValidationError({"period": ["该月份已有到位资金记录"]}) from exc
        totals_add(
            unit_id=project.unit_id,
            period=record.period,
            status=record.status,
            amount=record.amount_wan,
            count=1,
        )
        with discard_on_failure() as saved:
            saved += store(project=project, files=evidence, actor=actor, funds_record=record)
            audit.record_create(actor=actor, obj=record, note=record.override_reason)
    return record


def _decide(*, actor: Any, record: FundsRecord) -> FundsRecord:
    require_perm(actor, "projects.verify_fundsrecord")
    require(actor, "view", record)
    record = FundsRecord.objects.select_for_update().select_related("project").get(pk=record.pk)
    ensure_open(record.period, field="period")
    if record.status != FundsStatus.SUBMITTED:
        raise ValidationError({"status": [f"该记录{record.get_status_display()}，不能重复处理"]})
    if record.submitted_by_id == actor.pk:
        raise ValidationError({"status": ["不能核实自己填报的记录"]})
    return record


def funds_verify(*, actor: Any, record: FundsRecord, note: str = "") -> FundsRecord:
    """The city confirms a funds record; from now on it counts in every figure."""
    with transaction.atomic():
        record = _decide(actor=actor, record=record)
        before = audit.snapshot(record)
        record.status = FundsStatus.VERIFIED
        record.verified_by = actor
        record.verified_at = timezone.now()
        record.save(update_fields=["status", "verified_by", "verified_at"])
        totals_move_status(
            record=record,
            unit_id=record.project.unit_id,
            old=FundsStatus.SUBMITTED,
            new=FundsStatus.VERIFIED,
        )
        audit.record(
            actor=actor,
            action=AuditAction.VERIFY,
            obj=record,
            before=before,
            after=audit.snapshot(record),
            note=note,
        )
    return record


def funds_reject(*, actor: Any, record: FundsRecord, reason: str) -> FundsRecord:
    """The city sends a funds record back with a reason; the unit may then submit it again."""
    if not (reason or "").strip():
        raise ValidationError({"reason": ["退回必须说明原因"]})
    with transaction.atomic():
        record = _decide(actor=actor, record=record)
        before = audit.snapshot(record)
        record.status = FundsStatus.REJECTED
        record.verified_by = actor
        record.verified_at = timezone.now()
        record.reject_reason = reason.strip()[:300]
        record.save(update_fields=["status", "verified_by", "verified_at", "reject_reason"])
        totals_move_status(
            record=record,
            unit_id=record.project.unit_id,
            old=FundsStatus.SUBMITTED,
            new=FundsStatus.REJECTED,
        )
        audit.record(
            actor=actor,
            action=AuditAction.REJECT,
            obj=record,
            before=before,
            after=audit.snapshot(record),
            note=record.reject_reason,
        )
    return record
