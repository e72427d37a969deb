"""联评联审: sending a proposed project for joint review, the departments' opinions, the city's
closing decision, the signing gate and the overdue reminders.

The rules are data: which projects need a review and whether it gates signing
(`ReviewPolicy`), which departments review with their focus and deadline (`ReviewerRule`,
seeded from `DEFAULT_REVIEWERS`), and how the opinions make the outcome (`OUTCOME_RULES`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require
from zhaoshang.core.workdays import add_workdays
from zhaoshang.notices import kinds, reminders
from zhaoshang.notices.services import notify
from zhaoshang.projects import stage_guards
from zhaoshang.projects.models import STAGE_ORDER, Project, Stage

from ..models import (
    JointReview,
    ReviewerRule,
    ReviewOpinion,
    ReviewOutcome,
    ReviewPolicy,
    Task,
    TaskSource,
    Verdict,
)
from ..models.reviews import SIGNABLE_OUTCOMES
from .tasks import Owner, task_create

# --- notices ---------------------------------------------------------------------------------

KIND_REQUESTED = "review_requested"
KIND_OVERDUE = "review_overdue"
KIND_DECIDED = "review_decided"
kinds.register(KIND_REQUESTED, "联评联审：请提出审查意见")
kinds.register(KIND_OVERDUE, "联评联审：审查意见逾期")
kinds.register(KIND_DECIDED, "联评联审：审查结论")

# --- rules as data ---------------------------------------------------------------------------

# The departments the city starts with (department code, focus, working days); the city edits
# them on the rules page. A department missing from the organisation is skipped.
DEFAULT_REVIEWERS: tuple[tuple[str, str, int], ...] = (
    ("zrzy", "用地规划、选址与土地供应", 5),
    ("sthj", "环境影响、排放总量与环境容量", 5),
    ("fgw", "能耗双控（能耗指标）与产业政策符合性", 5),
    ("gxj", "产业方向、技术装备水平与亩均效益", 5),
    ("yjj", "安全生产条件与危险化学品", 5),
)

# Stages from which a project may be sent (a proposed project) and the stages a review gates.
SENDABLE_STAGES = frozenset({Stage.LEAD, Stage.NEGOTIATING})
_SIGNED_INDEX = STAGE_ORDER.index(Stage.SIGNED)

# The outcome of a review from how many opinions carry each verdict: the first rule that
# matches wins. An opinion still missing keeps the review 审查中 even when another department
# has already said 不同意: every department concerned is heard before the outcome is drawn.
OUTCOME_RULES: tuple[tuple[str, Callable[[Counter], bool], str], ...] = (
    ("尚有部门未提出意见", lambda n: n[Verdict.PENDING] > 0 or not n, ReviewOutcome.REVIEWING),
    ("任一部门不同意", lambda n: n[Verdict.DISAGREE] > 0, ReviewOutcome.REJECTED),
    (
        "有部门有条件同意、无部门不同意",
        lambda n: n[Verdict.CONDITIONAL] > 0,
        ReviewOutcome.CONDITIONAL,
    ),
    ("全部同意", lambda n: True, ReviewOutcome.PASSED),
)


def outcome_of(verdicts: Iterable[str]) -> str:
    """The review's outcome from its opinions' verdicts ("" for an opinion not given yet)."""
    counts = Counter(verdicts)
    for _label, matches, outcome in OUTCOME_RULES:
        if matches(counts):
            return outcome
    raise AssertionError("the last outcome rule matches everything")  # pragma: no cover


def review_policy() -> ReviewPolicy:
    """The city's rules: the one row, or the defaults (unsaved: a read never writes) until the
    city first saves them."""
    return ReviewPolicy.objects.filter(pk=1).first() or ReviewPolicy(pk=1)


def review_reasons(project: Project, policy: ReviewPolicy | None = None) -> list[str]:
    """Why the project needs a joint review under the city's rules (empty: it does not)."""
    policy = policy or review_policy()
    reasons = []
    if policy.review_key_projects and project.is_key:
        reasons.append("重点项目")
    threshold = policy.min_investment_wan
    if threshold is not None and Decimal(project.total_investment_wan) >= threshold:
        reasons.append(f"总投资达到{_amount(threshold)}")
    return reasons


def needs_review(project: Project, policy: ReviewPolicy | None = None) -> bool:
    return bool(review_reasons(project, policy))


def _amount(wan: Decimal) -> str:
    wan = Decimal(wan)
    if wan >= 10000:
        return f"{(wan / 10000).normalize():f}亿元"
    return f"{wan.normalize():f}万元"


def latest_review(project: Project) -> JointReview | None:
    return project.joint_reviews.order_by("-sent_on", "-id").first()


def reviewer_rules(*, seed: bool = False) -> list[ReviewerRule]:
    """The active reviewing departments. Until the city has any, the defaults: written when
    `seed` (a write about to use them), else returned unsaved (a read never writes)."""
    if not ReviewerRule.objects.exists():
        if not seed:
            return _default_reviewers()
        _seed_reviewers()
    return list(
        ReviewerRule.objects.filter(is_active=True)
        .select_related("department")
        .order_by("sort_order", "id")
    )


def _default_reviewers() -> list[ReviewerRule]:
    departments = {d.code: d for d in Department.objects.all()}
    return [
        ReviewerRule(
            department=departments[code], focus=focus, deadline_workdays=days, sort_order=order
        )
        for order, (code, focus, days) in enumerate(DEFAULT_REVIEWERS, start=1)
        if code in departments
    ]


def _seed_reviewers() -> None:
    departments = {d.code: d for d in Department.objects.all()}
    for order, (code, focus, days) in enumerate(DEFAULT_REVIEWERS, start=1):
        if code in departments:
            ReviewerRule.objects.get_or_create(
                department=departments[code],
                defaults={"focus": focus, "deadline_workdays": days, "sort_order": order},
            )


# --- the signing gate ------------------------------------------------------------------------


def signing_refusal(project: Project, *, to: str) -> str:
    """Why `project` may not move to `to` under the city's joint-review rules ("" if it may)."""
    if to not in STAGE_ORDER or STAGE_ORDER.index(to) < _SIGNED_INDEX:
        return ""
    if project.stage not in SENDABLE_STAGES:
        return ""  # already signed (or dropped and revived): the gate is passed
    policy = review_policy()
    if not policy.gates_signing or not needs_review(project, policy):
        return ""
    review = latest_review(project)
    if review is None:
        return "该项目须经联评联审方可签约，尚未提请联评联审"
    state = review.final_outcome
    if state in SIGNABLE_OUTCOMES:
        return ""
    return f"该项目须经联评联审通过或有条件通过方可签约，当前联评联审结论：{ReviewOutcome(state).label}"


@stage_guards.register("service.joint_review")
def _signing_guard(*, project: Project, to: str, on: dt.date) -> dict[str, list[str]]:
    message = signing_refusal(project, to=to)
    return {"to": [message]} if message else {}


# --- recipients ------------------------------------------------------------------------------


def department_staff(department_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(
            department_id__in=list(department_ids), role=Role.DEPT_STAFF, is_active=True
        ).order_by("id")
    )


def _project_people(review: JointReview) -> list[User]:
    """Who follows the review for the project: its unit's staff, the sender, its commissioner."""
    project = review.project
    people = list(
        User.objects.filter(unit_id=project.unit_id, role=Role.UNIT_STAFF, is_active=True)
    )
    for user_id in (review.sent_by_id, project.commissioner_id):
        if user_id:
            people.extend(User.objects.filter(pk=user_id, is_active=True))
    return people


def _review_url(review: JointReview) -> str:
    return reverse("service:review-detail", args=[review.pk])


# --- writes ----------------------------------------------------------------------------------


def review_send(
    *,
    project: Project,
    actor: Any,
    departments: Sequence[Department] | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> JointReview:
    """Send a proposed project (线索/洽谈) for joint review to the departments concerned.

    Each department gets one opinion to give, due `deadline_workdays` working days after
    sending, and its staff a notice. `departments` defaults to every active reviewing
    department; a department without an active rule is refused.
    """
    on = on or timezone.localdate()
    require(actor, "add", JointReview(project=project))
    with transaction.atomic():
        rules = {r.department_id: r for r in reviewer_rules(seed=True)}
        project = Project.objects.select_for_update().get(pk=project.pk)
        errors: dict[str, list[str]] = {}
        if project.stage not in SENDABLE_STAGES:
            errors.setdefault("project", []).append(
                f"只有线索或洽谈阶段的项目可提请联评联审（当前阶段：{project.get_stage_display()}）"
            )
        if project.joint_reviews.filter(is_closed=False).exists():
            errors.setdefault("project", []).append("该项目已有正在进行的联评联审")
        chosen = (
            list(departments) if departments is not None else [r.department for r in rules.values()]
        )
        if not chosen:
            errors.setdefault("departments", []).append("请至少选择一个审查部门")
        unknown = [d.name for d in chosen if d.pk not in rules]
        if unknown:
            errors.setdefault("departments", []).append(
                f"以下部门未设为联审部门：{'、'.join(unknown)}"
            )
        if on > timezone.localdate():
            errors.setdefault("on", []).append("日期不能晚于今天")
        if len(note) > 2000:
            errors.setdefault("note", []).append("提请说明不能超过2000字")
        if errors:
            raise ValidationError(errors)
        review = JointReview.objects.create(
            project=project, sent_on=on, sent_by=actor, note=note.strip()
        )
        seen: set[int] = set()
        for department in chosen:
            if department.pk in seen:
                continue
            seen.add(department.pk)
            rule = rules[department.pk]
            ReviewOpinion.objects.create(
                review=review,
                department=department,
                focus=rule.focus,
                due_on=add_workdays(on, rule.deadline_workdays),
            )
        names = "、".join(d.name for d in chosen)
        audit.record_create(actor=actor, obj=review, note=f"提请联评联审，审查部门：{names}")
    transaction.on_commit(lambda: _notify_requested(review.pk))
    return review


def _notify_requested(review_pk: int) -> None:
    review = JointReview.objects.select_related("project").get(pk=review_pk)
    for opinion in review.opinions.select_related("department"):
        notify(
            recipients=department_staff([opinion.department_id]),
            kind=KIND_REQUESTED,
            title=f"请对“{review.project.name}”提出联评联审意见（{opinion.due_on:%Y-%m-%d}前）",
            body=f"审查重点：{opinion.focus}" if opinion.focus else "",
            url=_review_url(review),
            key=f"review-requested:{opinion.pk}",
        )


def opinion_give(
    *,
    opinion: ReviewOpinion,
    actor: Any,
    verdict: str,
    reasons: str = "",
    conditions: Sequence[str] = (),
    conditions_due_on: dt.date | None = None,
    on: dt.date | None = None,
    version: str | None = None,
) -> ReviewOpinion:
    """A department's opinion: 同意, 有条件同意 (each condition becomes a task of the project's
    unit, due `conditions_due_on`) or 不同意 (reasons required). Once given it stands; the
    review's outcome is recomputed from all opinions."""
    on = on or timezone.localdate()
    require(actor, "change", opinion)
    conditions = [c.strip() for c in conditions if c and c.strip()]
    with transaction.atomic():
        opinion = ReviewOpinion.objects.select_for_update().get(pk=opinion.pk)
        review = JointReview.objects.select_for_update().get(pk=opinion.review_id)
        errors: dict[str, list[str]] = {}
        if review.is_closed:
            errors.setdefault("verdict", []).append("该联评联审已办结，不再接受意见")
        elif opinion.is_answered:
            errors.setdefault("verdict", []).append(
                f"{opinion.department.name}已于{opinion.answered_on:%Y-%m-%d}提出意见"
            )
        if errors:
            raise ValidationError(errors)
        check_version(opinion, version, submitted={"verdict": verdict, "reasons": reasons})
        if verdict not in (Verdict.AGREE, Verdict.CONDITIONAL, Verdict.DISAGREE):
            errors.setdefault("verdict", []).append("请选择同意、有条件同意或不同意")
        if verdict == Verdict.DISAGREE and not reasons.strip():
            errors.setdefault("reasons", []).append("不同意须说明理由")
        if verdict == Verdict.CONDITIONAL:
            if not conditions:
                errors.setdefault("conditions", []).append("有条件同意须列明条件（每行一条）")
            if conditions_due_on is None:
                errors.setdefault("conditions_due_on", []).append("请填写条件落实时限")
            elif conditions_due_on < timezone.localdate():
                errors.setdefault("conditions_due_on", []).append("落实时限不能早于今天")
        elif conditions:
            errors.setdefault("conditions", []).append("只有“有条件同意”可以附条件")
        if any(len(c) > 300 for c in conditions):
            errors.setdefault("conditions", []).append("每条条件不能超过300字")
        if len(conditions) > 20:
            errors.setdefault("conditions", []).append("条件不能超过20条")
        if on > timezone.localdate():
            errors.setdefault("on", []).append("日期不能晚于今天")
        elif on < review.sent_on:
            errors.setdefault("on", []).append("意见日期不能早于提请日期")
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(opinion)
        opinion.verdict = verdict
        opinion.reasons = reasons.strip()
        opinion.answered_on = on
        opinion.answered_by = actor
        opinion.save()
        for condition in conditions:
            _condition_task(
                opinion=opinion,
                review=review,
                title=condition,
                due_on=conditions_due_on,
                actor=actor,
            )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=opinion,
            before=before,
            after=audit.snapshot(opinion),
            note=f"联审意见：{opinion.get_verdict_display()}"
            + (f"，条件{len(conditions)}条" if conditions else ""),
        )
        decided = _refresh_outcome(review=review, actor=actor, on=on)
    if decided:
        transaction.on_commit(lambda: _notify_decided(review.pk))
    return opinion


def _condition_task(
    *, opinion: ReviewOpinion, review: JointReview, title: str, due_on: dt.date | None, actor: Any
) -> Task:
    """A condition of an opinion, to be met by the project's unit: a task (督办事项) whose owner
    is told once after the commit. The opinion's permission covers it (the department sets it)."""
    assert due_on is not None
    return task_create(
        actor=actor,
        source=TaskSource.CONDITION,
        title=title,
        due_on=due_on,
        owner=Owner(unit=review.project.unit),
        project=review.project,
        detail=f"{opinion.department.name}联评联审条件",
        checked_by_source=True,
        review_opinion=opinion,
    )


def _refresh_outcome(*, review: JointReview, actor: Any, on: dt.date) -> bool:
    """Recompute the cached outcome (review locked by the caller); whether it was just decided."""
    outcome = outcome_of(review.opinions.values_list("verdict", flat=True))
    if outcome == review.outcome:
        return False
    before = audit.snapshot(review)
    review.outcome = outcome
    review.decided_on = None if outcome == ReviewOutcome.REVIEWING else on
    review.save(update_fields=["outcome", "decided_on", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=review,
        before=before,
        after=audit.snapshot(review),
        note=f"联评联审结论：{review.get_outcome_display()}",
    )
    return outcome != ReviewOutcome.REVIEWING


def _notify_decided(review_pk: int) -> None:
    review = JointReview.objects.select_related("project").get(pk=review_pk)
    notify(
        recipients=_project_people(review),
        kind=KIND_DECIDED,
        title=f"“{review.project.name}”联评联审结论：{review.get_final_outcome_display()}",
        url=_review_url(review),
        key=f"review-decided:{review.pk}:{review.final_outcome}:{int(review.is_closed)}",
    )


def review_close(
    *,
    review: JointReview,
    actor: Any,
    decision: str = "",
    reason: str = "",
    on: dt.date | None = None,
    version: str | None = None,
) -> JointReview:
    """The city closes a review. Without `decision` the opinions' outcome stands (every opinion
    must be in); a decision other than that outcome overrides it and needs a reason."""
    on = on or timezone.localdate()
    require(actor, "change", review)
    with transaction.atomic():
        review = JointReview.objects.select_for_update().get(pk=review.pk)
        if review.is_closed:
            raise ValidationError({"decision": ["该联评联审已办结"]})
        check_version(review, version, submitted={"decision": decision, "decision_reason": reason})
        errors: dict[str, list[str]] = {}
        reason = reason.strip()
        if decision and decision not in (
            ReviewOutcome.PASSED,
            ReviewOutcome.CONDITIONAL,
            ReviewOutcome.REJECTED,
        ):
            errors.setdefault("decision", []).append("请选择通过、有条件通过或不通过")
        elif not decision and review.outcome == ReviewOutcome.REVIEWING:
            errors.setdefault("decision", []).append(
                "尚有部门未提出意见：提前办结须作出决定并说明理由"
            )
        override = bool(decision) and decision != review.outcome
        if override and not reason:
            errors.setdefault("reason", []).append(
                f"决定与各部门意见得出的结论（{review.get_outcome_display()}）不同，须说明理由"
            )
        if len(reason) > 2000:
            errors.setdefault("reason", []).append("理由不能超过2000字")
        if on > timezone.localdate() or on < review.sent_on:
            errors.setdefault("on", []).append("办结日期须在提请日期与今天之间")
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(review)
        review.is_closed = True
        review.closed_by = actor
        if override:
            review.decision = decision
            review.decision_reason = reason
        if review.decided_on is None or override:
            review.decided_on = on
        review.save()
        note = f"办结联评联审：{review.get_final_outcome_display()}"
        if override:
            note += (
                f"（市级决定，改变各部门意见结论“{review.get_outcome_display()}”；理由：{reason}）"
            )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=review,
            before=before,
            after=audit.snapshot(review),
            note=note,
        )
    transaction.on_commit(lambda: _notify_decided(review.pk))
    return review


def policy_update(*, actor: Any, version: str | None = None, **values: Any) -> ReviewPolicy:
    """The city edits its joint-review rules (each field of `ReviewPolicy.version_fields`)."""
    require(actor, "change", review_policy())
    unknown = set(values) - set(ReviewPolicy.version_fields)
    if unknown:
        raise ValidationError({"__all__": [f"未知规则项：{'、'.join(sorted(unknown))}"]})
    with transaction.atomic():
        ReviewPolicy.objects.get_or_create(pk=1)  # the defaults, the first time the city saves
        policy = ReviewPolicy.objects.select_for_update().get(pk=1)
        check_version(policy, version, submitted=values)
        errors: dict[str, list[str]] = {}
        threshold = values.get("min_investment_wan", policy.min_investment_wan)
        if threshold is not None and threshold < 0:
            errors["min_investment_wan"] = ["金额不能为负数"]
        ratio = values.get("min_capital_ratio_pct", policy.min_capital_ratio_pct)
        if ratio is not None and not (0 <= ratio <= 100):
            errors["min_capital_ratio_pct"] = ["请填写0到100之间的百分比"]
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(policy)
        for name, value in values.items():
            setattr(policy, name, value)
        policy.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=policy,
            before=before,
            after=audit.snapshot(policy),
            note="修改联评联审规则",
        )
    return policy


def reviewer_rule_save(
    *,
    actor: Any,
    department: Department,
    focus: str,
    deadline_workdays: int,
    is_active: bool = True,
    sort_order: int | None = None,
    version: str | None = None,
) -> ReviewerRule:
    """The city adds a reviewing department or edits its focus, deadline or participation."""
    existing = ReviewerRule.objects.filter(department=department).first()
    require(actor, "change" if existing else "add", existing or ReviewerRule)
    errors: dict[str, list[str]] = {}
    if not focus.strip():
        errors["focus"] = ["请填写审查重点"]
    if not 1 <= int(deadline_workdays) <= 60:
        errors["deadline_workdays"] = ["办理时限须为1至60个工作日"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        seeded_now = not ReviewerRule.objects.exists()
        reviewer_rules(seed=True)  # editing one default keeps the others
        rule = ReviewerRule.objects.select_for_update().filter(department=department).first()
        if not seeded_now:  # a default just written is what the form showed (unsaved)
            check_version(rule, version, submitted={"focus": focus})
        before = audit.snapshot(rule)
        if rule is None:
            rule = ReviewerRule(department=department)
        rule.focus = focus.strip()
        rule.deadline_workdays = int(deadline_workdays)
        rule.is_active = is_active
        if sort_order is not None:
            rule.sort_order = sort_order
        rule.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=rule,
            before=before,
            after=audit.snapshot(rule),
            note=f"联审部门：{department.name}",
        )
    return rule


# --- reminders -------------------------------------------------------------------------------


def reviews_remind_overdue(*, today: dt.date) -> int:
    """Remind each department of its opinions past their deadline (once per opinion and day
    overdue is too many: once per opinion and deadline), and the project's people once."""
    sent = 0
    overdue = (
        ReviewOpinion.objects.filter(
            verdict=Verdict.PENDING, review__is_closed=False, due_on__lt=today
        )
        .select_related("review__project", "department")
        .order_by("due_on", "id")
    )
    for opinion in overdue:
        review = opinion.review
        sent += len(
            notify(
                recipients=department_staff([opinion.department_id]),
                kind=KIND_OVERDUE,
                title=f"“{review.project.name}”的联评联审意见已逾期（应于{opinion.due_on:%Y-%m-%d}前提出）",
                url=_review_url(review),
                key=f"review-overdue:{opinion.pk}:{opinion.due_on:%Y-%m-%d}",
            )
        )
    return sent


reminders.register("service.review_overdue", "联评联审意见逾期", reviews_remind_overdue)
