"""Moving a project through its life cycle; every move is a StageChange with its evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.core import audit
from zhaoshang.core.closing import closed_message
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require, require_perm

from .. import stage_guards
from ..models import Project, Stage, StageChange
from ..stage_rules import STAGE_RULES, evidence_label, is_backward, later_stages, skipped_stages
from .evidence import EvidenceFile, check_files, store
from .files import discard_on_failure
from .project_totals import share_of, totals_shift


def _check(
    *,
    project: Project,
    to: str,
    on: dt.date,
    evidence: list[EvidenceFile],
    actor: Any,
    note: str,
    contracted_investment_wan: Decimal | None,
) -> bool:
    """Validate a stage move; returns whether it is a reversal. Errors are keyed by field."""
    if to not in Stage.values:
        raise ValidationError({"to": [f"未知阶段：{to}"]})
    if to == project.stage:
        raise ValidationError({"to": ["项目已处于该阶段"]})
    backward = is_backward(project.stage, to)
    if backward:
        require_perm(actor, "projects.revert_stage")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if on > today:
        errors.setdefault("on", []).append("日期不能晚于今天")
    if closed := closed_message(on):  # a closed period's stage log is frozen
        errors.setdefault("on", []).append(closed)
    last = project.stage_changes.order_by("-on", "-id").first()
    if not backward and last is not None and on < last.on:
        errors.setdefault("on", []).append(f"日期不能早于上一阶段日期（{last.on:%Y-%m-%d}）")
    rule = STAGE_RULES[to]
    if (backward or rule.needs_note) and not note.strip():
        reason = "退回阶段必须说明原因" if backward else "请填写终止原因"
        errors.setdefault("note", []).append(reason)
    if not backward:
        for skipped in skipped_stages(project.stage, to):
            if not STAGE_RULES[skipped].skippable:
                label = Stage(skipped).label
                errors.setdefault("to", []).append(f"不能跳过“{label}”阶段，请先登记{label}")
        if rule.evidence_any_of and not any(e.kind in rule.evidence_any_of for e in evidence):
            errors.setdefault("evidence", []).append(
                f"{Stage(to).label}需上传证明材料：{evidence_label(rule.evidence_any_of)}"
            )
        for name in rule.required_fields:
            value = contracted_investment_wan if name == "contracted_investment_wan" else None
            value = value if value is not None else getattr(project, name)
            if value in (None, ""):
                label = Project._meta.get_field(name).verbose_name
                errors.setdefault(name, []).append(f"{Stage(to).label}须填写{label}")
        # Rules of the apps above (a joint review before signing …), through the hook.
        for name, messages in stage_guards.errors_for(project=project, to=to, on=on).items():
            errors.setdefault(name, []).extend(messages)
    if contracted_investment_wan is not None and contracted_investment_wan < 0:
        errors.setdefault("contracted_investment_wan", []).append("金额不能为负数")
    if errors:
        raise ValidationError(errors)
    check_files(evidence)
    return backward


def project_advance_stage(
    *,
    project: Project,
    to: str,
    on: dt.date,
    actor: Any,
    evidence: list[EvidenceFile] | None = None,
    note: str = "",
    contracted_investment_wan: Decimal | None = None,
) -> StageChange:
    """Move a project to another stage with the evidence that stage requires.

    Forward moves need the target stage's evidence and fields, a date not before the last
    change and not in the future. Going back (or reviving a dropped project) needs the
    `revert_stage` permission and a reason, and clears the dates of the stages undone.
    """
    evidence = evidence or []
    require(actor, "change", project)
    require(actor, "add", StageChange(project=project))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        backward = _check(
            project=project,
            to=to,
            on=on,
            evidence=evidence,
            actor=actor,
            note=note,
            contracted_investment_wan=contracted_investment_wan,
        )
        before = audit.snapshot(project)
        before_share = share_of(project)
        change = StageChange.objects.create(
            project=project,
            from_stage=project.stage,
            to_stage=to,
            on=on,
            actor=actor,
            note=note.strip(),
            is_reversal=backward,
        )
        with discard_on_failure() as saved:
            saved += store(project=project, files=evidence, actor=actor, stage_change=change)
            if contracted_investment_wan is not None:
                project.contracted_investment_wan = contracted_investment_wan
            if backward:
                for stage in later_stages(to):
                    setattr(project, STAGE_RULES[stage].date_field, None)
                project.dropped_on = None
                project.drop_reason = ""
            rule = STAGE_RULES[to]
            # Going back to a stage keeps the date it was first reached (a project sent back
            # from 开工 to 签约 was still signed on its signing date).
            if rule.date_field and not (backward and getattr(project, rule.date_field)):
                setattr(project, rule.date_field, on)
            if to == Stage.DROPPED:
                project.drop_reason = note.strip()[:300]
            project.stage = to
            project.save()
            totals_shift(before=before_share, after=share_of(project))
            audit.record(
                actor=actor,
                action=AuditAction.STAGE,
                obj=project,
                before=before,
                after=audit.snapshot(project),
                note=f"{Stage(change.from_stage).label} → {Stage(to).label}：{note}".strip("："),
            )
    return change
