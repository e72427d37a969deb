"""Writes of targeting: pushing a lead (storing the ranking it came from), the unit's decision,
profiles.

Decline: the unit's "no" drops the lead project (stage `dropped`, the reason as its note) —
a lead nobody pursues must not count in the unit's pipeline, and the enterprise leaves the
pipeline so the chain map and the ranking show it again (with the recent-contact deduction
for N months). The LeadPush row stays with status `declined` and the reason, and the
unique (enterprise, unit) constraint keeps the same enterprise from being pushed to that unit
again. Accept keeps the project at `lead`, now owned by the unit's own follow-up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import require
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import ChainNode
from zhaoshang.projects.models import AttractionMode, Project, Stage
from zhaoshang.projects.services import project_advance_stage, project_create
from zhaoshang.projects.services.duplicates import duplicate_candidates

from . import selectors
from .models import LeadPush, PushStatus, RecommendationRun, ScoringProfile
from .scoring.explain import explanation_text
from .scoring.factors import validate_weights


def _stored(run: RecommendationRun) -> RecommendationRun:
    """The run as stored: the user's earlier run with the same inputs (target, unit, weights,
    limit, feature-store build), else this one, saved now. Pushing several leads from one
    ranking thus keeps one run, the one of the first push."""
    earlier = RecommendationRun.objects.filter(
        created_by=run.created_by, unit=run.unit, inputs_hash=run.inputs_hash
    ).first()
    if earlier is not None:
        return earlier
    run.save()
    return run


def push_lead(
    *,
    actor: Any,
    enterprise: Enterprise,
    unit: Unit,
    node: ChainNode | None = None,
    run: RecommendationRun | None = None,
) -> LeadPush:
    """Push a recommended enterprise to a unit: a project at stage `lead` (数字招商) whose
    description is the explanation, and the LeadPush recording it. Once per enterprise and unit.

    `run` is the ranking the lead was pushed from: an unsaved one (`selectors.recommendation`)
    is stored here, in the push's transaction (once per user and inputs, see `_stored`), so
    that only rankings somebody acted on are kept.
    """
    require(actor, "add", LeadPush(unit=unit, enterprise=enterprise))
    if enterprise.is_local:
        raise ValidationError({"enterprise": ["本地企业不作为招商推送对象"]})
    existing = LeadPush.objects.filter(enterprise=enterprise, unit=unit).first()
    if existing is not None:
        raise ValidationError(
            {
                "enterprise": [
                    f"该企业已于{timezone.localtime(existing.created_at):%Y-%m-%d}推送至"
                    f"{unit.name}（{existing.get_status_display()}），不能重复推送"
                ]
            },
            code="duplicate",
        )
    live = selectors.pipeline_for([enterprise.pk], user=actor).get(enterprise.pk)
    if live is not None:
        # Another unit's project the actor may not see is not named (nor its stage).
        message = (
            f"该企业已在招商项目中：{live['unit']}「{live['name']}」（{live['stage_label']}）"
            if live["visible"]
            else "该企业已在其他单位的招商项目中，不能推送；如需协调，请联系市投资促进局"
        )
        raise ValidationError({"enterprise": [message]}, code="pipeline")
    item = None
    if run is not None:
        item = next((i for i in run.results if i["enterprise"]["id"] == enterprise.pk), None)
        if node is None:
            node = run.node
        if node is None and item and item.get("node"):  # a gap-list run: the node it fits
            node = ChainNode.objects.filter(pk=item["node"]["id"]).first()
    if node is None:
        raise ValidationError({"node": ["请指明推荐所针对的产业链环节"]})
    if item is None:
        item = selectors.explain_one(
            enterprise=enterprise, unit=unit, node=node, profile=run.profile if run else None
        )
    label = run.target_label if run is not None else f"{node.direction.name} · {node.name}"
    description = explanation_text(item, target_label=label, unit_name=unit.name)
    name = f"{enterprise.name}·{node.name}招商线索"[:200]
    duplicate_reason = ""
    if duplicate_candidates(name=name, investors=[enterprise], unit_id=unit.pk):
        duplicate_reason = "精准招商推送：其他单位与该企业的同类项目已终止"
    try:
        with transaction.atomic():
            if run is not None and run.pk is None:
                run = _stored(run)
            project = project_create(
                actor=actor,
                name=name,
                unit=unit,
                industry=node.direction.industry,
                direction=node.direction,
                investors=[enterprise],
                attraction_mode=AttractionMode.DIGITAL,
                campaign=run.profile.campaign if run and run.profile else None,
                total_investment_wan=Decimal("0"),
                description=description,
                duplicate_reason=duplicate_reason,
            )
            push = LeadPush.objects.create(
                run=run,
                node=node,
                enterprise=enterprise,
                unit=unit,
                project=project,
                score=Decimal(f"{item['score']:.2f}"),
                explanation=description,
                pushed_by=actor,
            )
            audit.record_create(actor=actor, obj=push, note=f"推送线索至{unit.name}")
    except IntegrityError as exc:  # a concurrent push of the same enterprise to the unit
        raise ValidationError(
            {"enterprise": [f"该企业已推送至{unit.name}，不能重复推送"]}, code="duplicate"
        ) from exc
    return push


def push_accept(*, actor: Any, push: LeadPush, note: str = "") -> LeadPush:
    """The unit takes the pushed lead on; the project stays at `lead`."""
    require(actor, "change", push)
    if push.status != PushStatus.PUSHED:
        raise ValidationError({"status": [f"该线索已{push.get_status_display()}"]})
    before = audit.snapshot(push)
    with transaction.atomic():
        push.status = PushStatus.ACCEPTED
        push.reason = note.strip()[:300]
        push.decided_by = actor
        push.decided_at = timezone.now()
        push.save()
        audit.record_update(actor=actor, obj=push, before=before, note=f"接收推送线索：{note}")
    return push


def push_decline(*, actor: Any, push: LeadPush, reason: str) -> LeadPush:
    """The unit declines with a reason: the lead project is dropped with that reason."""
    require(actor, "change", push)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写退回原因"]})
    if push.status != PushStatus.PUSHED:
        raise ValidationError({"status": [f"该线索已{push.get_status_display()}"]})
    project = Project.objects.get(pk=push.project_id)
    if project.stage not in (Stage.LEAD, Stage.DROPPED):
        raise ValidationError(
            {"status": [f"项目已推进到“{project.get_stage_display()}”阶段，不能退回"]}
        )
    before = audit.snapshot(push)
    with transaction.atomic():
        if project.stage != Stage.DROPPED:
            project_advance_stage(
                project=project,
                to=Stage.DROPPED,
                on=timezone.localdate(),
                actor=actor,
                note=f"推送线索退回：{reason}",
            )
        push.status = PushStatus.DECLINED
        push.reason = reason[:300]
        push.decided_by = actor
        push.decided_at = timezone.now()
        push.save()
        audit.record_update(actor=actor, obj=push, before=before, note=f"退回推送线索：{reason}")
    return push


def profile_save(
    *,
    actor: Any,
    profile: ScoringProfile | None = None,
    name: str,
    weights: dict[str, Any],
    recent_contact_months: int,
    campaign: Any = None,
    is_default: bool = False,
    note: str = "",
    version: str | None = None,
) -> ScoringProfile:
    """Create or change a scoring profile (weights validated); only one default.

    `version` is the profile's version the editor read (`core.concurrency`).
    """
    target = profile or ScoringProfile()
    require(actor, "change" if profile else "add", target)
    before = audit.snapshot(profile) if profile else None
    target.name = (name or "").strip()
    target.weights = validate_weights(weights)
    target.recent_contact_months = recent_contact_months
    target.campaign = campaign
    target.is_default = is_default
    target.note = note
    target.full_clean()
    with transaction.atomic():
        if profile:
            stored = ScoringProfile.objects.select_for_update().get(pk=profile.pk)
            submitted = {
                "name": target.name,
                "weights": target.weights,
                "recent_contact_months": recent_contact_months,
                "campaign": campaign,
                "is_default": is_default,
                "note": note,
            }
            check_version(stored, version, submitted=submitted)
        if is_default:
            ScoringProfile.objects.filter(is_default=True).exclude(pk=target.pk).update(
                is_default=False
            )
        target.save()
        if profile:
            audit.record_update(actor=actor, obj=target, before=before)
        else:
            audit.record_create(actor=actor, obj=target)
    return target
