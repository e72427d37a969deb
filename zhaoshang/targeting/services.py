"""Writes of targeting: pushing a lead (storing the ranking it came from) with a note and a
deadline, the receiving unit's decision, the sender's withdrawal, the deadline reminders,
profiles.

A push is a proposal to a unit, not yet a project. The lead project (stage `lead`, 数字招商,
the enterprise as investor, the explanation as description) is created when the unit
*accepts*; a pending, declined or withdrawn push has none, so it never counts in a figure, a
list, an indicator or a duplicate check. Only the receiving unit accepts or declines; the
sender (the city, or whoever pushed) may withdraw a push still pending. The moves are data
(`MOVES`), checked by `may()` for pages and services alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit, User
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import Scope, has_model_permission, require
from zhaoshang.core.workdays import add_workdays
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import ChainNode
from zhaoshang.notices import kinds, reminders
from zhaoshang.notices.services import notify
from zhaoshang.projects.models import AttractionMode
from zhaoshang.projects.services import project_create
from zhaoshang.projects.services.duplicates import duplicate_candidates

from . import selectors
from .models import LeadPush, PushStatus, RecommendationRun, ScoringProfile
from .scoring.explain import explanation_text
from .scoring.factors import validate_weights

# --- rules as data ----------------------------------------------------------------------------

DEFAULT_DEADLINE_WORKDAYS = 10
MAX_DEADLINE_WORKDAYS = 60
MAX_DEADLINE_DAYS = 366
NOTE_MAX = 500
RECEIVER_ROLES = selectors.RECEIVER_ROLES

KIND_PUSHED = kinds.register("targeting.push", "推送线索待接收", mutable=False).code
KIND_DUE = kinds.register("targeting.push_due", "推送线索即将到期").code
KIND_OVERDUE = kinds.register("targeting.push_overdue", "推送线索逾期未接收", mutable=False).code
KIND_DECIDED = kinds.register("targeting.push_decided", "推送线索已接收或退回").code


@dataclass(frozen=True)
class Move:
    """A decision on a pending push: its outcome, who may take it, whether a reason is due."""

    to: PushStatus
    by: str  # "receiver": the push's unit; "sender": the city or the person who pushed
    verb: str
    reason_required: bool


MOVES: dict[str, Move] = {
    "accept": Move(PushStatus.ACCEPTED, "receiver", "接收", False),
    "decline": Move(PushStatus.DECLINED, "receiver", "退回", True),
    "withdraw": Move(PushStatus.WITHDRAWN, "sender", "撤回", True),
}


def is_receiver(user: Any, push: LeadPush) -> bool:
    return bool(user.unit_id) and user.unit_id == push.unit_id and user.role in RECEIVER_ROLES


def is_sender(user: Any, push: LeadPush) -> bool:
    return user.scope == Scope.ALL or user.pk == push.pushed_by_id


def may(user: Any, push: LeadPush, move: str) -> bool:
    """Whether `user` may take `move` on `push` now (pages show only the buttons this allows)."""
    rule = MOVES[move]
    if push.status != PushStatus.PUSHED or not has_model_permission(user, "change", LeadPush):
        return False
    return is_receiver(user, push) if rule.by == "receiver" else is_sender(user, push)


def receivers(unit: Unit | int) -> list[User]:
    """The accounts that receive a unit's pushes."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return list(
        User.objects.filter(is_active=True, unit_id=unit_id, role__in=RECEIVER_ROLES).order_by("pk")
    )


def resolve_deadline(
    *,
    deadline: dt.date | None = None,
    deadline_workdays: int | None = None,
    today: dt.date | None = None,
) -> dt.date:
    """The deadline of a push: a date, or a number of working days from today (default 10)."""
    today = today or timezone.localdate()
    if deadline is not None and deadline_workdays is not None:
        raise ValidationError({"deadline": ["请填写截止日期或工作日数之一"]})
    if deadline is None:
        n = DEFAULT_DEADLINE_WORKDAYS if deadline_workdays is None else deadline_workdays
        if not 1 <= n <= MAX_DEADLINE_WORKDAYS:
            raise ValidationError(
                {"deadline_workdays": [f"工作日数须在1到{MAX_DEADLINE_WORKDAYS}之间"]}
            )
        return add_workdays(today, n)
    if deadline < today:
        raise ValidationError({"deadline": ["接收期限不能早于今天"]})
    if (deadline - today).days > MAX_DEADLINE_DAYS:
        raise ValidationError({"deadline": ["接收期限不能超过一年"]})
    return deadline


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


def _pipeline_error(enterprise: Enterprise, actor: Any) -> ValidationError | None:
    live = selectors.pipeline_for([enterprise.pk], user=actor).get(enterprise.pk)
    if live is None:
        return None
    # Another unit's project the actor may not see is not named (nor its stage).
    message = (
        f"该企业已在招商项目中：{live['unit']}「{live['name']}」（{live['stage_label']}）"
        if live["visible"]
        else "该企业已在其他单位的招商项目中，不能推送；如需协调，请联系市投资促进局"
    )
    return ValidationError({"enterprise": [message]}, code="pipeline")


def _check_pushable(*, actor: Any, enterprise: Enterprise, unit: Unit) -> None:
    if enterprise.is_local:
        raise ValidationError({"enterprise": ["本地企业不作为招商推送对象"]})
    live = LeadPush.objects.exclude(status=PushStatus.WITHDRAWN).filter(enterprise=enterprise)
    existing = live.filter(unit=unit).first()
    if existing is not None:
        raise ValidationError(
            {
                "enterprise": [
                    f"该企业已于{timezone.localtime(existing.created_at):%Y-%m-%d}推送至"
                    f"{unit.name}（{existing.state_label}），不能重复推送"
                ]
            },
            code="duplicate",
        )
    elsewhere = live.filter(status=PushStatus.PUSHED).exclude(unit=unit).first()
    if elsewhere is not None:
        named = LeadPush.objects.restrict(actor, "view").filter(pk=elsewhere.pk).exists()
        where = elsewhere.unit.name if named else "其他单位"
        raise ValidationError(
            {"enterprise": [f"该企业已推送至{where}，等待接收；不能同时推送给多个单位"]},
            code="pending",
        )
    if (error := _pipeline_error(enterprise, actor)) is not None:
        raise error


def push_lead(
    *,
    actor: Any,
    enterprise: Enterprise,
    unit: Unit,
    node: ChainNode | None = None,
    run: RecommendationRun | None = None,
    note: str = "",
    deadline: dt.date | None = None,
    deadline_workdays: int | None = None,
) -> LeadPush:
    """Push a recommended enterprise to a unit, with a note and a deadline (a date, or working
    days from today; default `DEFAULT_DEADLINE_WORKDAYS`). No project yet: the unit creates
    it by accepting. The unit's staff are notified once. Once per enterprise and unit; an
    enterprise pending at one unit is not pushed to another meanwhile.

    `run` is the ranking the lead was pushed from: an unsaved one (`selectors.recommendation`)
    is stored here, in the push's transaction (once per user and inputs, see `_stored`), so
    that only rankings somebody acted on are kept.
    """
    require(actor, "add", LeadPush(unit=unit, enterprise=enterprise))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"推送说明不能超过{NOTE_MAX}字"]})
    due = resolve_deadline(deadline=deadline, deadline_workdays=deadline_workdays)
    _check_pushable(actor=actor, enterprise=enterprise, unit=unit)
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
    try:
        with transaction.atomic():
            if run is not None and run.pk is None:
                run = _stored(run)
            push = LeadPush.objects.create(
                run=run,
                node=node,
                enterprise=enterprise,
                unit=unit,
                note=note,
                deadline=due,
                score=Decimal(f"{item['score']:.2f}"),
                explanation=description,
                pushed_by=actor,
            )
            audit.record_create(
                actor=actor, obj=push, note=f"推送线索至{unit.name}，接收期限{due:%Y-%m-%d}"
            )
            notify(
                recipients=receivers(unit),
                kind=KIND_PUSHED,
                title=f"新推送线索待接收：{enterprise.name}",
                body=f"{label}；请于{due:%Y-%m-%d}前接收或退回。{note}".strip(),
                url=inbox_url(push),
                key=f"lead-push:{push.pk}",
            )
    except IntegrityError as exc:  # a concurrent push of the same enterprise to the unit
        raise ValidationError(
            {"enterprise": [f"该企业已推送至{unit.name}，不能重复推送"]}, code="duplicate"
        ) from exc
    return push


def inbox_url(push: LeadPush) -> str:
    return f"{reverse('targeting:inbox')}#push-{push.pk}"


def _take(actor: Any, push: LeadPush, move: str) -> LeadPush:
    """The push locked and re-read, after the permission and state checks of `move`."""
    rule = MOVES[move]
    require(actor, "change", push)
    who = is_receiver(actor, push) if rule.by == "receiver" else is_sender(actor, push)
    if not who:
        raise PermissionDenied(
            f"只有接收单位可以{rule.verb}推送线索"
            if rule.by == "receiver"
            else "只有推送方可以撤回推送线索"
        )
    # Only the push's row is locked (its node is nullable: PostgreSQL refuses FOR UPDATE on
    # the nullable side of an outer join).
    locked = LeadPush.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "unit", "node"
    )
    push = locked.get(pk=push.pk)
    if push.status != PushStatus.PUSHED:
        raise ValidationError({"status": [f"该线索已{push.get_status_display()}"]})
    return push


def _decided(actor: Any, push: LeadPush, move: str, reason: str) -> None:
    before = audit.snapshot(push)
    push.status = MOVES[move].to
    push.reason = reason[:300]
    push.decided_by = actor
    push.decided_at = timezone.now()
    push.save()
    audit.record_update(
        actor=actor, obj=push, before=before, note=f"{MOVES[move].verb}推送线索：{reason}"
    )


def _reason(reason: str, move: str) -> str:
    reason = (reason or "").strip()
    if MOVES[move].reason_required and not reason:
        raise ValidationError({"reason": [f"请填写{MOVES[move].verb}原因"]})
    if len(reason) > 300:
        raise ValidationError({"reason": ["说明不能超过300字"]})
    return reason


def _tell_sender(push: LeadPush, actor: Any) -> None:
    if push.pushed_by_id == actor.pk:
        return
    notify(
        recipients=[push.pushed_by],
        kind=KIND_DECIDED,
        title=f"{push.unit.name}{push.get_status_display()}推送线索：{push.enterprise.name}",
        body=push.reason,
        url=inbox_url(push),
        key=f"lead-push-decided:{push.pk}",
    )


def push_accept(*, actor: Any, push: LeadPush, note: str = "") -> LeadPush:
    """The receiving unit takes the lead on: its project is created now, at stage `lead`, with
    the enterprise as investor (数字招商) and the explanation as description."""
    note = _reason(note, "accept")
    with transaction.atomic():
        push = _take(actor, push, "accept")
        if (error := _pipeline_error(push.enterprise, actor)) is not None:
            raise error
        node = push.node
        if node is None:
            raise ValidationError({"node": ["推送所针对的产业链环节已删除，不能据此建立线索项目"]})
        run = push.run
        name = f"{push.enterprise.name}·{node.name}招商线索"[:200]
        duplicate_reason = ""
        if duplicate_candidates(name=name, investors=[push.enterprise], unit_id=push.unit_id):
            duplicate_reason = "精准招商推送：其他单位与该企业的同类项目已终止"
        project = project_create(
            actor=actor,
            name=name,
            unit=push.unit,
            industry=node.direction.industry,
            direction=node.direction,
            investors=[push.enterprise],
            attraction_mode=AttractionMode.DIGITAL,
            campaign=run.profile.campaign if run and run.profile else None,
            total_investment_wan=Decimal("0"),
            description=push.explanation,
            duplicate_reason=duplicate_reason,
        )
        push.project = project
        _decided(actor, push, "accept", note)
        _tell_sender(push, actor)
    return push


def push_decline(*, actor: Any, push: LeadPush, reason: str) -> LeadPush:
    """The receiving unit declines with a reason; no project ever existed for the push."""
    reason = _reason(reason, "decline")
    with transaction.atomic():
        push = _take(actor, push, "decline")
        _decided(actor, push, "decline", reason)
        _tell_sender(push, actor)
    return push


def push_withdraw(*, actor: Any, push: LeadPush, reason: str) -> LeadPush:
    """The sender takes back a push still pending (a wrong unit, a changed plan), with a
    reason; the unit is told. The enterprise may then be pushed again."""
    reason = _reason(reason, "withdraw")
    with transaction.atomic():
        push = _take(actor, push, "withdraw")
        _decided(actor, push, "withdraw", reason)
        notify(
            recipients=receivers(push.unit),
            kind=KIND_DECIDED,
            title=f"推送线索已撤回：{push.enterprise.name}",
            body=reason,
            url=inbox_url(push),
            key=f"lead-push-withdrawn:{push.pk}",
        )
    return push


# --- reminders --------------------------------------------------------------------------------

REMINDER_CODE = "targeting.push_deadline"


def remind_push_deadlines(*, today: dt.date) -> int:
    """Pending pushes due within `days` (to the unit's staff) and past their deadline (to the
    unit's staff and the sender), each once per push and deadline."""
    days = reminders.threshold(REMINDER_CODE, "days")
    pending = LeadPush.objects.filter(
        status=PushStatus.PUSHED, deadline__isnull=False, deadline__lte=today + dt.timedelta(days)
    ).select_related("enterprise", "unit", "pushed_by")
    created = 0
    for push in pending:
        overdue = push.deadline < today
        people = receivers(push.unit_id) + ([push.pushed_by] if overdue else [])
        created += len(
            notify(
                recipients=people,
                kind=KIND_OVERDUE if overdue else KIND_DUE,
                title=(
                    f"推送线索逾期未接收：{push.enterprise.name}（{push.unit.name}）"
                    if overdue
                    else f"推送线索将于{push.deadline:%Y-%m-%d}到期：{push.enterprise.name}"
                ),
                body=f"接收期限 {push.deadline:%Y-%m-%d}",
                url=inbox_url(push),
                key=f"lead-push-{'overdue' if overdue else 'due'}:{push.pk}:{push.deadline}",
            )
        )
    return created


reminders.register(REMINDER_CODE, "推送线索接收期限", remind_push_deadlines, thresholds={"days": 2})


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
