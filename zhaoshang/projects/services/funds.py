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
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require, require_perm

from ..models import FUNDS_DEAD, FundsRecord, FundsSource, FundsStatus, Project, Stage
from ..stage_rules import FUNDS_EVIDENCE, FUNDS_STAGES, evidence_label
from .evidence import EvidenceFile, check_files, store
from .files import discard_on_failure
from .funds_totals import totals_add, totals_move_status

CENT = Decimal("0.01")


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def live_total(project: Project, *, exclude_pk: int | None = None) -> Decimal:
    """Submitted plus verified funds of a project (rejected and withdrawn ones do not count)."""
    qs = project.funds_records.exclude(status__in=FUNDS_DEAD)
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
    record: FundsRecord | None = None,
) -> Decimal:
    """The amount, cleaned; a ValidationError keyed by field for anything wrong. `record` is the
    record being corrected or resubmitted: its own month, amount and evidence do not count
    against it."""
    errors: dict[str, list[str]] = {}
    others = project.funds_records.exclude(status__in=FUNDS_DEAD)
    if record is not None:
        others = others.exclude(pk=record.pk)
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
    kept = set(record.evidence.values_list("kind", flat=True)) if record is not None else set()
    if not any(e.kind in FUNDS_EVIDENCE for e in evidence) and not kept & FUNDS_EVIDENCE:
        errors["evidence"] = [f"请上传证明材料：{evidence_label(FUNDS_EVIDENCE)}"]
    elif others.filter(period=period).exists():
        errors["period"] = [
            f"{period:%Y年%m月}已有到位资金记录；待核实的可修改或撤回，已核实的须先由市级退回"
        ]
    if amount is not None and amount > 0 and not errors.get("project"):
        cumulative = live_total(project, exclude_pk=record.pk if record else None) + amount
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


# --- the submitting unit's own record: withdraw, correct, resubmit -----------------------------


def is_submitting_side(user: Any, record: FundsRecord, unit_id: int | None = None) -> bool:
    """Whether `user` stands on the record's submitting side: staff of the project's unit
    (`unit_id`, read from the record when not given), or the person who submitted it."""
    if unit_id is None:
        unit_id = record.project.unit_id
    return unit_id == getattr(user, "unit_id", None) or record.submitted_by_id == user.pk


def _own_record(*, actor: Any, record: FundsRecord, status: str, verb: str) -> FundsRecord:
    """The record locked for the submitting side's write: by the project's unit (or the person
    who submitted it), while it is `status`; its month must still be open."""
    require(actor, "change", record)
    # The project first, as `funds_submit` locks it: the two never wait on each other crosswise.
    Project.objects.select_for_update().filter(pk=record.project_id).first()
    record = FundsRecord.objects.select_for_update().select_related("project").get(pk=record.pk)
    if not is_submitting_side(actor, record):
        raise ValidationError({"status": [f"只有填报单位可以{verb}该记录"]})
    if record.status != status:
        raise ValidationError(
            {"status": [f"该记录{record.get_status_display()}，不能{verb}"]}, code="status"
        )
    ensure_open(record.period, field="period")
    return record


def funds_withdraw(
    *, actor: Any, record: FundsRecord, version: str | None = None, reason: str = ""
) -> FundsRecord:
    """The submitting unit takes back a 待核实 record: it leaves the verification queue and every
    total, and stays on file as 已撤回 (its evidence and history kept); the month is free again."""
    with transaction.atomic():
        record = _own_record(actor=actor, record=record, status=FundsStatus.SUBMITTED, verb="撤回")
        check_version(record, version)
        before = audit.snapshot(record)
        record.status = FundsStatus.WITHDRAWN
        record.save(update_fields=["status"])
        totals_move_status(
            record=record,
            unit_id=record.project.unit_id,
            old=FundsStatus.SUBMITTED,
            new=FundsStatus.WITHDRAWN,
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=record,
            before=before,
            after=audit.snapshot(record),
            note=("撤回：" + reason.strip())[:300] if reason.strip() else "撤回",
        )
    return record


def _rewrite(
    *,
    actor: Any,
    record: FundsRecord,
    status: str,
    verb: str,
    period: dt.date,
    amount_wan: Any,
    source: str,
    evidence: list[EvidenceFile],
    note: str,
    version: str | None,
    override_reason: str,
) -> FundsRecord:
    period = month_start(period)
    with transaction.atomic():
        record = _own_record(actor=actor, record=record, status=status, verb=verb)
        check_version(
            record,
            version,
            submitted={"period": period, "amount_wan": amount_wan, "source": source, "note": note},
        )
        project = record.project
        amount = _validate(
            project=project,
            period=period,
            amount_wan=amount_wan,
            source=source,
            evidence=evidence,
            actor=actor,
            override_reason=override_reason,
            record=record,
        )
        before = audit.snapshot(record)
        old_period, old_amount = record.period, record.amount_wan
        record.period = period
        record.amount_wan = amount
        record.source = source
        record.note = note[:300]
        record.override_reason = override_reason.strip()[:300]
        record.status = FundsStatus.SUBMITTED
        record.submitted_by = actor  # the latest maker: never its checker
        fields = ["period", "amount_wan", "source", "note", "override_reason", "status"]
        fields.append("submitted_by")
        if status == FundsStatus.REJECTED:  # a new submission: the queue's clock starts again
            record.submitted_at = timezone.now()
            record.verified_by = None
            record.verified_at = None
            fields += ["submitted_at", "verified_by", "verified_at"]
        try:
            with transaction.atomic():
                record.save(update_fields=fields)
        except IntegrityError as exc:  # a concurrent entry for the same month
            raise ValidationError({"period": ["该月份已有到位资金记录"]}) from exc
        unit_id = project.unit_id
        totals_add(unit_id=unit_id, period=old_period, status=status, amount=-old_amount, count=-1)
        totals_add(
            unit_id=unit_id, period=period, status=FundsStatus.SUBMITTED, amount=amount, count=1
        )
        with discard_on_failure() as saved:
            saved += store(project=project, files=evidence, actor=actor, funds_record=record)
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=record,
                before=before,
                after=audit.snapshot(record),
                note=verb + (f"；新增证明材料 {len(saved)} 份" if saved else ""),
            )
    return record


def funds_correct(
    *,
    actor: Any,
    record: FundsRecord,
    period: dt.date,
    amount_wan: Any,
    source: str,
    evidence: list[EvidenceFile],
    note: str = "",
    version: str | None = None,
    override_reason: str = "",
) -> FundsRecord:
    """The submitting unit corrects a 待核实 record (month, amount, source, more evidence) before
    the city decides; the totals follow; a stale page (`version`) writes nothing."""
    return _rewrite(
        actor=actor,
        record=record,
        status=FundsStatus.SUBMITTED,
        verb="修改",
        period=period,
        amount_wan=amount_wan,
        source=source,
        evidence=evidence,
        note=note,
        version=version,
        override_reason=override_reason,
    )


def funds_resubmit(
    *,
    actor: Any,
    record: FundsRecord,
    period: dt.date,
    amount_wan: Any,
    source: str,
    evidence: list[EvidenceFile],
    note: str = "",
    version: str | None = None,
    override_reason: str = "",
) -> FundsRecord:
    """The submitting unit corrects a 退回 record and submits it again: it is 待核实 and back in
    the city's queue (the reason it was sent back stays on it, and in the audit log)."""
    return _rewrite(
        actor=actor,
        record=record,
        status=FundsStatus.REJECTED,
        verb="重新提交",
        period=period,
        amount_wan=amount_wan,
        source=source,
        evidence=evidence,
        note=note,
        version=version,
        override_reason=override_reason,
    )
