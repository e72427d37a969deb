"""Reads of 联评联审: the reviews a user may see, a department's queue, the investor's facts and
the flags a reviewer wants, the agenda source and the project timeline's events.

The reviewer flags are rules as data (`FLAG_RULES`): each has a code, a label, the documented
test and its parameters from the city's `ReviewPolicy`:

- ``uscc``: the investor's 统一社会信用代码 is missing or fails its check digit (GB 32100-2015,
  `stdnum.cn.uscc`). Not asked of a foreign investor, which has none.
- ``new_company``: founded less than `new_company_months` (default 6) months before the review
  was sent, or its founding date is unknown.
- ``thin_capital``: registered capital below `min_capital_ratio_pct` (default 5 %) of the
  project's total investment, or unknown. Why 5 %: fixed-asset projects must carry 20–40 %
  project capital (国发〔2015〕51号); an investor whose whole registered capital is under 5 % of
  the investment cannot fund even a quarter of that minimum from its own equity, so the reviewer
  should ask where the capital comes from. Not a refusal: a prompt.
- ``abnormal``: an 经营异常 record (enterprise signal `abnormal_operation`) dated within
  `abnormal_months` (default 24) of the review. The enterprise library keeps no registration
  status, so a revoked licence (吊销) reaches the platform only as such a signal.
- ``local``: the investor is registered in Liaocheng (`Enterprise.is_local`): its money is not
  outside investment (招商引资 counts capital from outside the city), so the reviewer checks the
  project is not a local company's expansion counted as attracted investment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from stdnum.cn import uscc as uscc_check

from zhaoshang.core.periods import add_months
from zhaoshang.enterprises.models import Enterprise, Signal, SignalKind
from zhaoshang.projects import timeline
from zhaoshang.projects.models import Project

from .. import agenda_sources
from ..models import JointReview, ReviewOpinion, ReviewOutcome, ReviewPolicy, Task, Verdict
from ..services.reviews import review_policy

# --- flags -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    detail: str
    level: str = "warning"  # "danger" for what a reviewer must not miss


@dataclass(frozen=True)
class FlagRule:
    code: str
    label: str
    check: Callable[..., tuple[str, str] | None]  # (level, detail) or None


def _months_before(day: dt.date, months: int) -> dt.date:
    return add_months(day, -months)


def _check_uscc(e: Enterprise, *, project: Any, policy: ReviewPolicy, on: dt.date, signals: list):
    if e.country != "CN":
        return None
    if not e.uscc:
        return ("warning", "企业库中未登记统一社会信用代码，无法核验主体")
    if not uscc_check.is_valid(e.uscc):
        return ("danger", f"统一社会信用代码“{e.uscc}”校验不通过（GB 32100-2015）")
    return None


def _check_new(e: Enterprise, *, project: Any, policy: ReviewPolicy, on: dt.date, signals: list):
    months = policy.new_company_months
    if e.founded_on is None:
        return ("warning", "成立日期不详")
    if months and e.founded_on > _months_before(on, months):
        return ("warning", f"成立于{e.founded_on:%Y-%m-%d}，距提请审查不足{months}个月")
    return None


def _check_capital(
    e: Enterprise, *, project: Any, policy: ReviewPolicy, on: dt.date, signals: list
):
    total = Decimal(project.total_investment_wan or 0)
    if not total:
        return None
    if e.registered_capital_wan is None:
        return ("warning", "注册资本不详")
    ratio = Decimal(e.registered_capital_wan) / total * 100
    if ratio < policy.min_capital_ratio_pct:
        return (
            "warning",
            f"注册资本{Decimal(e.registered_capital_wan).normalize():f}万元，为项目总投资的"
            f"{ratio:.2f}%，低于{policy.min_capital_ratio_pct.normalize():f}%",
        )
    return None


def _check_abnormal(
    e: Enterprise, *, project: Any, policy: ReviewPolicy, on: dt.date, signals: list
):
    since = _months_before(on, policy.abnormal_months)
    found = [s for s in signals if s.kind == SignalKind.ABNORMAL_OPERATION and since <= s.on <= on]
    if not found:
        return None
    latest = max(found, key=lambda s: s.on)
    return (
        "danger",
        f"{latest.on:%Y-%m-%d} {latest.title}（近{policy.abnormal_months}个月共{len(found)}条）",
    )


def _check_local(e: Enterprise, *, project: Any, policy: ReviewPolicy, on: dt.date, signals: list):
    if e.is_local:
        return ("warning", "投资方注册地在聊城市内，其投资不属外来投资，请核实项目资金来源")
    return None


FLAG_RULES: tuple[FlagRule, ...] = (
    FlagRule("uscc", "统一社会信用代码", _check_uscc),
    FlagRule("new_company", "新设企业", _check_new),
    FlagRule("thin_capital", "注册资本与投资额不匹配", _check_capital),
    FlagRule("abnormal", "经营异常", _check_abnormal),
    FlagRule("local", "本地企业", _check_local),
)


def investor_flags(
    enterprise: Enterprise,
    *,
    project: Any,
    on: dt.date,
    policy: ReviewPolicy | None = None,
    signals: list[Signal] | None = None,
) -> list[Flag]:
    """The flags `FLAG_RULES` raise on one investor of `project`, as of `on`."""
    policy = policy or review_policy()
    if signals is None:
        signals = list(enterprise.signals.all())
    flags = []
    for rule in FLAG_RULES:
        found = rule.check(enterprise, project=project, policy=policy, on=on, signals=signals)
        if found:
            level, detail = found
            flags.append(Flag(rule.code, rule.label, detail, level))
    return flags


@dataclass
class InvestorFacts:
    enterprise: Enterprise
    flags: list[Flag]
    signals: list[Signal]


def investor_facts(review: JointReview, *, user: Any) -> list[InvestorFacts]:
    """Each investor of the review's project with its registry facts, recent signals and flags.

    The registry is shared reference data (`Enterprise.scope_shared`): a reviewing department
    reads it like everyone with the enterprise permission; contacts (personal data) are not
    shown here at all.
    """
    policy = review_policy()
    enterprises = Enterprise.objects.restrict(user, "view").filter(projects=review.project)
    enterprises = enterprises.prefetch_related(
        Prefetch("signals", queryset=Signal.objects.order_by("-on", "-id")), "tags"
    ).order_by("name")
    facts = []
    for e in enterprises:
        signals = list(e.signals.all())
        flags = investor_flags(
            e, project=review.project, on=review.sent_on, policy=policy, signals=signals
        )
        facts.append(InvestorFacts(e, flags, signals[:5]))
    return facts


# --- lists -----------------------------------------------------------------------------------


def reviews_for(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[JointReview]:
    """The reviews the user may see, newest first, with counts of their opinions."""
    filters = filters or {}
    qs = JointReview.objects.restrict(user, "view")
    state = filters.get("state") or ""
    if state == "open":
        qs = qs.filter(is_closed=False)
    elif state in ReviewOutcome.values:
        qs = qs.filter(Q(decision=state) | Q(decision="", outcome=state))
    return (
        qs.select_related("project", "project__unit")
        .annotate(
            n_opinions=Count("opinions", distinct=True),
            n_answered=Count("opinions", filter=~Q(opinions__verdict=""), distinct=True),
        )
        .order_by("-sent_on", "-id")
    )


def review_get(*, user: Any, pk: int, action: str = "view") -> JointReview:
    """One review within the user's scope, else 404."""
    review = (
        JointReview.objects.restrict(user, action)
        .select_related("project", "project__unit", "project__industry")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404("联评联审不存在")
    return review


def opinions_of(review: JointReview) -> list[ReviewOpinion]:
    """All opinions of a review the user may see (a department sees the whole review it is part
    of: the other departments' opinions are what a joint review is for)."""
    tasks = Task.objects.order_by("due_on", "id")
    return list(
        review.opinions.select_related("department", "answered_by").prefetch_related(
            Prefetch("tasks", queryset=tasks)
        )
    )


def opinion_queue(*, user: Any, today: dt.date) -> QuerySet[ReviewOpinion]:
    """The opinions waiting on the user's department (those it may give), soonest due first."""
    return (
        ReviewOpinion.objects.restrict(user, "change")
        .filter(verdict=Verdict.PENDING, review__is_closed=False)
        .select_related("review__project", "review__project__unit", "department")
        .order_by("due_on", "id")
    )


def answerable(user: Any, opinion: ReviewOpinion) -> bool:
    """Whether the user may give this opinion now (their department's, the review open)."""
    from zhaoshang.core.permissions import has_model_permission, in_scope

    return (
        not opinion.is_answered
        and not opinion.review.is_closed
        and has_model_permission(user, "change", ReviewOpinion)
        and in_scope(user, opinion)
    )


def reviews_of_project(*, user: Any, project: Project) -> list[JointReview]:
    return list(
        JointReview.objects.restrict(user, "view")
        .filter(project=project)
        .order_by("-sent_on", "-id")
    )


# --- the agenda of a joint meeting -------------------------------------------------------------


@agenda_sources.register("review", "联评联审")
def agenda_candidates(*, as_of: dt.date, user: Any) -> list[agenda_sources.AgendaCandidate]:
    """Open reviews with an opinion overdue, or with a 不同意 awaiting the city's decision."""
    overdue = Q(opinions__verdict=Verdict.PENDING, opinions__due_on__lt=as_of)
    disagree = Q(opinions__verdict=Verdict.DISAGREE)
    reviews = (
        JointReview.objects.restrict(user, "view")
        .filter(is_closed=False, sent_on__lte=as_of)
        .filter(pk__in=JointReview.objects.filter(overdue | disagree).values("pk"))
        .select_related("project")
        .annotate(
            n_disagree=Count("opinions", filter=disagree, distinct=True),
            n_overdue=Count("opinions", filter=overdue, distinct=True),
        )
        .order_by("sent_on", "id")
    )
    found = []
    for r in reviews:
        parts = []
        if r.n_disagree:
            parts.append(f"{r.n_disagree}个部门不同意，待决定")
        if r.n_overdue:
            parts.append(f"{r.n_overdue}个部门意见逾期")
        found.append(
            agenda_sources.AgendaCandidate(
                kind="review",
                object_id=r.pk,
                project_id=r.project_id,
                title=f"联评联审：{r.project.name}（{'；'.join(parts)}）",
                since=r.sent_on,
                investment_wan=r.project.total_investment_wan,
            )
        )
    return found


# --- the project's timeline --------------------------------------------------------------------

_TONES = {
    ReviewOutcome.PASSED: "success",
    ReviewOutcome.CONDITIONAL: "warning",
    ReviewOutcome.REJECTED: "danger",
    ReviewOutcome.REVIEWING: "secondary",
    Verdict.AGREE: "success",
    Verdict.CONDITIONAL: "warning",
    Verdict.DISAGREE: "danger",
}


@timeline.register("service.reviews")
def timeline_events(*, project: Project, user: Any) -> list[timeline.TimelineEvent]:
    """Sending, each opinion and the outcome of the project's reviews the user may see."""
    events = []
    reviews = JointReview.objects.restrict(user, "view").filter(project=project)
    for review in reviews.prefetch_related(
        Prefetch("opinions", queryset=ReviewOpinion.objects.select_related("department"))
    ):
        url = reverse("service:review-detail", args=[review.pk])
        opinions = list(review.opinions.all())
        events.append(
            timeline.TimelineEvent(
                on=review.sent_on,
                title="提请联评联审",
                detail="审查部门：" + "、".join(o.department.name for o in opinions),
                url=url,
                badge="联评联审",
                tone="info",
            )
        )
        for o in opinions:
            if not o.is_answered:
                continue
            events.append(
                timeline.TimelineEvent(
                    on=o.answered_on,
                    title=f"联审意见：{o.department.name}",
                    detail=o.reasons,
                    url=url,
                    badge=o.get_verdict_display(),
                    tone=_TONES[o.verdict],
                )
            )
        if review.final_outcome != ReviewOutcome.REVIEWING and review.decided_on:
            detail = ""
            if review.decision:
                detail = f"市级决定（各部门意见结论为“{review.get_outcome_display()}”）：{review.decision_reason}"
            events.append(
                timeline.TimelineEvent(
                    on=review.decided_on,
                    title="联评联审结论",
                    detail=detail,
                    url=url,
                    badge=review.get_final_outcome_display(),
                    tone=_TONES[review.final_outcome],
                )
            )
    return events
