"""Writes of problems (问题诉求): raise, the department's steps, the raiser's verdict, re-routing,
escalation, and the daily job that reminds and escalates.

Each step is a keyword-only service: it checks who may take it (the rules below are data), locks
the problem, checks the version the user read (`core.concurrency`), moves the status, writes a
`ProblemEvent` (the timeline) and an audit entry, and notifies, all in one transaction. The
step's date is today (`timezone.localdate()`; the demo's simulated clock moves it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit, workdays
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import Scope, has_model_permission, require
from zhaoshang.notices import kinds, reminders
from zhaoshang.notices.services import notify
from zhaoshang.projects.models import Project
from zhaoshang.projects.services.photos import check_photos, store_photos

from ..models.problems import (
    CLOSED_STATUSES,
    EscalationLevel,
    Problem,
    ProblemCategory,
    ProblemChannel,
    ProblemEvent,
    ProblemEventKind,
    ProblemPhoto,
    ProblemStatus,
    SupervisingLeader,
)

ROUTED = kinds.register("problem_routed", "问题诉求交办到本部门", mutable=False).code
DUE_SOON = kinds.register("problem_due_soon", "问题诉求即将到期").code
OVERDUE = kinds.register("problem_overdue", "问题诉求已逾期", mutable=False).code
ESCALATED = kinds.register("problem_escalated", "问题诉求升级督办", mutable=False).code
ANSWERED = kinds.register("problem_answered", "问题诉求已答复").code
RESOLVED = kinds.register("problem_resolved", "问题诉求已办结，待确认").code
REOPENED = kinds.register("problem_reopened", "问题诉求被退回重办", mutable=False).code

# The channel a problem comes through, from the raiser's role (the investor's comes from the
# public portal, which passes it).
CHANNEL_BY_ROLE: dict[str, str] = {
    Role.COMMISSIONER: ProblemChannel.COMMISSIONER,
    Role.UNIT_STAFF: ProblemChannel.UNIT,
    Role.LEADER: ProblemChannel.LEADER,
    Role.CITY_ADMIN: ProblemChannel.UNIT,
}

# The daily job's thresholds, as data (a deployment overrides them in REMINDER_THRESHOLDS,
# e.g. "service.problems.level2=5"): remind this many working days before the deadline; a
# problem `levelN` working days past its deadline belongs at rung N of the escalation ladder,
# and the job raises it one rung per run towards that rung.
REMINDER_CODE = "service.problems"
THRESHOLDS = {"due_soon": 1, "level1": 1, "level2": 3, "level3": 5}

TITLE_MAX = 100
TEXT_MAX = 4000


# --- who may take which step -----------------------------------------------------------------


def is_city(user: Any) -> bool:
    """The city (市投资促进局): every step on every problem."""
    return getattr(user, "scope", None) == Scope.ALL and has_model_permission(
        user, "change", Problem
    )


def is_handler(user: Any, problem: Problem) -> bool:
    """The department the problem is routed to (or the city)."""
    if is_city(user):
        return True
    return (
        getattr(user, "scope", None) == Scope.DEPARTMENT
        and user.department_id is not None
        and user.department_id == problem.department_id
        and has_model_permission(user, "change", Problem)
    )


def is_requester(user: Any, problem: Problem) -> bool:
    """Whoever speaks for the project: the raiser, the project's unit, its commissioner (or the
    city). They confirm the result or send it back."""
    if is_city(user):
        return True
    if not has_model_permission(user, "view", Problem) or not user.is_authenticated:
        return False
    project = problem.project
    return (
        (problem.raised_by_id is not None and problem.raised_by_id == user.pk)
        or (getattr(user, "scope", None) == Scope.UNIT and user.unit_id == project.unit_id)
        or (project.commissioner_id is not None and project.commissioner_id == user.pk)
    )


def sees_internal_note(user: Any, problem: Problem) -> bool:
    """The department's note: the department, the city and the inspector (who reads every
    record); not the raiser, the units or the leaders."""
    return is_handler(user, problem) or (
        getattr(user, "role", "") == Role.INSPECTOR and has_model_permission(user, "view", Problem)
    )


PARTY_CHECKS = {"handler": is_handler, "requester": is_requester, "city": lambda u, p: is_city(u)}
PARTY_REFUSALS = {
    "handler": "只有责任部门或市投资促进局可以办理此问题",
    "requester": "只有提出人、项目所在单位、服务专员或市投资促进局可以确认或退回",
    "city": "只有市投资促进局可以进行此项操作",
}


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (escalate, note, reroute)
    party: str
    event: str


STEPS: dict[str, Step] = {
    s.code: s
    for s in (
        Step("acknowledge", "签收", (ProblemStatus.RAISED, ProblemStatus.REOPENED),
             ProblemStatus.ACKNOWLEDGED, "handler", ProblemEventKind.ACKNOWLEDGE),
        Step("answer", "答复", (ProblemStatus.ACKNOWLEDGED, ProblemStatus.ANSWERED),
             ProblemStatus.ANSWERED, "handler", ProblemEventKind.ANSWER),
        Step("resolve", "办结", (ProblemStatus.ACKNOWLEDGED, ProblemStatus.ANSWERED),
             ProblemStatus.RESOLVED, "handler", ProblemEventKind.RESOLVE),
        # An answer that settles the matter (a question of policy) may be confirmed directly.
        Step("confirm", "确认", (ProblemStatus.ANSWERED, ProblemStatus.RESOLVED),
             ProblemStatus.CONFIRMED, "requester", ProblemEventKind.CONFIRM),
        Step("reopen", "退回重办", (ProblemStatus.ANSWERED, ProblemStatus.RESOLVED),
             ProblemStatus.REOPENED, "requester", ProblemEventKind.REOPEN),
        Step("escalate", "升级督办", tuple(s for s in ProblemStatus.values
                                          if s not in CLOSED_STATUSES),
             None, "city", ProblemEventKind.ESCALATE),
        Step("reroute", "改派", (ProblemStatus.RAISED, ProblemStatus.ACKNOWLEDGED,
                                 ProblemStatus.REOPENED),
             None, "city", ProblemEventKind.REROUTE),
        Step("note", "内部备注", tuple(ProblemStatus.values), None, "handler",
             ProblemEventKind.NOTE),
    )
}  # fmt: skip


def allowed_steps(user: Any, problem: Problem) -> list[str]:
    """The steps this user may take on this problem now (the buttons a page shows)."""
    found = []
    for step in STEPS.values():
        if problem.status not in step.sources or not PARTY_CHECKS[step.party](user, problem):
            continue
        if step.code == "escalate" and problem.escalation_level >= EscalationLevel.MEETING:
            continue
        found.append(step.code)
    return found


def _check_step(user: Any, problem: Problem, code: str) -> Step:
    step = STEPS[code]
    require(user, "view", problem)
    if not PARTY_CHECKS[step.party](user, problem):
        raise PermissionDenied(PARTY_REFUSALS[step.party])
    if problem.status not in step.sources:
        raise ValidationError(
            {"status": [f"问题当前为“{problem.get_status_display()}”，不能{step.label}"]}
        )
    return step


# --- recipients ----------------------------------------------------------------------------------


def department_users(department_id: int | None) -> list[User]:
    if department_id is None:
        return []
    return list(
        User.objects.filter(department_id=department_id, role=Role.DEPT_STAFF, is_active=True)
    )


def _requesters(problem: Problem) -> list[User]:
    ids = {problem.raised_by_id, problem.project.commissioner_id} - {None}
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _city_leaders() -> list[User]:
    return list(
        User.objects.filter(
            role=Role.LEADER, unit__parent__isnull=True, unit__isnull=False, is_active=True
        )
    )


def _city_staff() -> list[User]:
    return list(User.objects.filter(role=Role.CITY_ADMIN, is_active=True))


def supervising_leaders(department_id: int) -> list[User]:
    """The department's 分管领导, or every city leader when the city has named none."""
    found = SupervisingLeader.objects.filter(department_id=department_id).select_related("leader")
    leaders = [s.leader for s in found if s.leader.is_active]
    return leaders or _city_leaders()


def _url(problem: Problem) -> str:
    return reverse("service:problem-detail", args=[problem.pk])


def _notify(problem: Problem, *, recipients: Iterable[User], kind: str, title: str,
            key: str, body: str = "") -> None:  # fmt: skip
    notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body or f"{problem.project.name}：{problem.title}",
        url=_url(problem),
        key=key,
    )


# --- the steps -------------------------------------------------------------------------------


def _event(problem: Problem, *, kind: str, actor: Any, on: dt.date, **fields: Any) -> ProblemEvent:
    name = (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if actor else ""
    return ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        on=on,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=name or "系统",
        **fields,
    )


def _text(value: str, field: str, missing: str, *, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [missing]})
    if len(value) > limit:
        raise ValidationError({field: [f"不能超过{limit}个字"]})
    return value


def due_date(category: ProblemCategory, raised_on: dt.date) -> dt.date:
    return workdays.add_workdays(raised_on, category.limit_workdays)


def problem_raise(
    *,
    actor: Any,
    project: Project,
    category: ProblemCategory,
    title: str,
    description: str,
    photos: Sequence[File] = (),
    channel: str | None = None,
) -> Problem:
    """Raise a problem on a project the actor may see: routed to the category's department,
    due after the category's limit in working days from today."""
    today = timezone.localdate()
    problem = Problem(project=project, raised_by=actor, raised_on=today)
    require(actor, "add", problem)
    if not Project.objects.restrict(actor, "view").filter(pk=project.pk).exists():
        raise PermissionDenied("无权对此项目提出问题")
    errors: dict[str, list[str]] = {}
    try:
        problem.title = _text(title, "title", "请填写问题", limit=TITLE_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        problem.description = _text(description, "description", "请填写具体情况")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if category is None or not category.is_active:
        errors["category"] = ["请选择问题类别"]
    channel = channel or CHANNEL_BY_ROLE.get(getattr(actor, "role", ""), "")
    if channel not in ProblemChannel.values:
        errors["channel"] = ["请选择提出渠道"]
    if errors:
        raise ValidationError(errors)
    checked = check_photos(photos)
    problem.category = category
    problem.department_id = category.department_id
    problem.channel = channel
    problem.raised_by_name = getattr(actor, "display_name", "") or actor.username
    problem.due_on = due_date(category, today)
    saved: list[ProblemPhoto] = []
    try:
        with transaction.atomic():
            problem.save()
            saved = store_photos(ProblemPhoto, checked, actor=actor, problem=problem)
            _event(problem, kind=ProblemEventKind.RAISE, actor=actor, on=today,
                   department_id=problem.department_id, text=problem.description)  # fmt: skip
            audit.record_create(actor=actor, obj=problem)
            _notify(
                problem,
                recipients=department_users(problem.department_id),
                kind=ROUTED,
                title=f"新问题交办：{problem.title}（{problem.due_on:%m月%d日}前办结）",
                key=f"problem-routed:{problem.pk}:{problem.department_id}",
            )
    except BaseException:
        for row in saved:
            row.file.delete(save=False)
        raise
    return problem


def _locked(problem: Problem, version: Any) -> Problem:
    fresh = Problem.objects.select_for_update().select_related("project").get(pk=problem.pk)
    check_version(fresh, version)
    return fresh


def _move(
    *,
    actor: Any,
    problem: Problem,
    code: str,
    version: Any,
    changes: Callable[[Problem], dict[str, Any]] = lambda p: {},
    event: dict[str, Any] | None = None,
    after: Any = None,
) -> Problem:
    """The common body of a status step: lock, check, move, event, audit, then `after`.

    Checked on the row as stored (locked), never on the caller's copy, which may be stale."""
    step = STEPS[code]
    with transaction.atomic():
        problem = _locked(problem, version)
        _check_step(actor, problem, code)
        before = audit.snapshot(problem)
        for name, value in changes(problem).items():
            setattr(problem, name, value)
        if step.target:
            problem.status = step.target
        problem.save()
        _event(problem, kind=step.event, actor=actor, on=timezone.localdate(), **(event or {}))
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=problem,
            before=before,
            after=audit.snapshot(problem),
            note=f"问题诉求{step.label}",
        )
        if after is not None:
            after(problem)
    return problem


def problem_acknowledge(*, actor: Any, problem: Problem, version: Any = None) -> Problem:
    """The department takes the problem on (签收)."""
    today = timezone.localdate()
    return _move(
        actor=actor, problem=problem, code="acknowledge", version=version,
        changes=lambda p: {"acknowledged_on": p.acknowledged_on or today},
    )  # fmt: skip


def problem_answer(*, actor: Any, problem: Problem, answer: str, version: Any = None) -> Problem:
    """The department replies (答复); the raiser and the project's commissioner are told."""
    text = _text(answer, "answer", "请填写答复意见")

    def tell(p: Problem) -> None:
        _notify(p, recipients=_requesters(p), kind=ANSWERED, title=f"问题已答复：{p.title}",
                key=f"problem-answered:{p.pk}:{p.events.count()}", body=text[:500])  # fmt: skip

    return _move(
        actor=actor, problem=problem, code="answer", version=version,
        changes=lambda p: {"answer": text, "answered_on": timezone.localdate()},
        event={"text": text}, after=tell,
    )  # fmt: skip


def problem_resolve(*, actor: Any, problem: Problem, result: str, version: Any = None) -> Problem:
    """The department reports the problem solved (办结); the raiser confirms or sends it back."""
    text = _text(result, "result", "请填写办理结果")
    today = timezone.localdate()

    def tell(p: Problem) -> None:
        _notify(p, recipients=_requesters(p), kind=RESOLVED, title=f"问题已办结，请确认：{p.title}",
                key=f"problem-resolved:{p.pk}:{p.events.count()}", body=text[:500])  # fmt: skip

    return _move(
        actor=actor, problem=problem, code="resolve", version=version,
        changes=lambda p: {"answer": text, "resolved_on": today,
                           "answered_on": p.answered_on or today},
        event={"text": text}, after=tell,
    )  # fmt: skip


def problem_confirm(
    *, actor: Any, problem: Problem, satisfaction: int | None, comment: str = "",
    version: Any = None,
) -> Problem:  # fmt: skip
    """The raiser's side accepts the result with a satisfaction rating (1–5).

    Confirming an answer directly (without a separate 办结) counts the problem resolved on the
    day it was answered: the department's reply settled it, whatever day the raiser confirms.
    """
    if satisfaction is None or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": ["请选择满意度（1～5分）"]})
    comment = (comment or "").strip()
    if len(comment) > TEXT_MAX:
        raise ValidationError({"comment": [f"不能超过{TEXT_MAX}个字"]})
    today = timezone.localdate()
    return _move(
        actor=actor, problem=problem, code="confirm", version=version,
        changes=lambda p: {"satisfaction": satisfaction, "confirmed_on": today,
                           "resolved_on": p.resolved_on or p.answered_on or today},
        event={"rating": satisfaction, "text": comment},
    )  # fmt: skip


def problem_reopen(*, actor: Any, problem: Problem, reason: str, version: Any = None) -> Problem:
    """The raiser's side sends the result back with a reason; the department handles it again
    (its deadline stays: a problem sent back does not get more time)."""
    text = _text(reason, "reason", "请说明退回理由")

    def tell(p: Problem) -> None:
        _notify(p, recipients=department_users(p.department_id), kind=REOPENED,
                title=f"问题被退回重办：{p.title}", key=f"problem-reopened:{p.pk}:{p.reopen_count}",
                body=text[:500])  # fmt: skip

    return _move(
        actor=actor, problem=problem, code="reopen", version=version,
        changes=lambda p: {"resolved_on": None, "reopen_count": p.reopen_count + 1},
        event={"text": text}, after=tell,
    )  # fmt: skip


def problem_note(*, actor: Any, problem: Problem, note: str, version: Any = None) -> Problem:
    """The department's internal note (seen only by the department and the city)."""
    text = _text(note, "internal_note", "请填写备注")
    return _move(
        actor=actor, problem=problem, code="note", version=version,
        changes=lambda p: {"internal_note": text}, event={"text": text, "internal": True},
    )  # fmt: skip


def problem_reroute(
    *, actor: Any, problem: Problem, department: Department | None, reason: str,
    version: Any = None,
) -> Problem:  # fmt: skip
    """The city sends a problem to another department (the deadline stays)."""
    text = _text(reason, "reason", "请说明改派理由")
    if department is None:
        raise ValidationError({"department": ["请选择新的责任部门"]})
    if department.pk == problem.department_id:
        raise ValidationError({"department": ["已由该部门办理，请选择其他部门"]})

    def tell(p: Problem) -> None:
        _notify(p, recipients=department_users(p.department_id), kind=ROUTED,
                title=f"新问题交办：{p.title}（{p.due_on:%m月%d日}前办结）",
                key=f"problem-routed:{p.pk}:{p.department_id}")  # fmt: skip

    return _move(
        actor=actor, problem=problem, code="reroute", version=version,
        changes=lambda p: {"department_id": department.pk, "status": ProblemStatus.RAISED,
                           "acknowledged_on": None},
        event={"text": text, "department_id": department.pk}, after=tell,
    )  # fmt: skip


def _escalation_recipients(problem: Problem, level: int) -> list[User]:
    people = department_users(problem.department_id)
    if level >= EscalationLevel.LEADER:
        people += supervising_leaders(problem.department_id)
    if level >= EscalationLevel.MEETING:
        people += _city_staff()
    return people


def problem_escalate(
    *, actor: Any, problem: Problem, reason: str = "", version: Any = None,
    today: dt.date | None = None,
) -> Problem:  # fmt: skip
    """Raise the problem one rung: 1 the department's head (its staff are told), 2 the 分管
    city leader, 3 the next 联席会议's agenda. `actor=None` is the daily job, which passes the
    day it runs for (`today`); a person's escalation is dated today."""
    with transaction.atomic():
        problem = Problem.objects.select_for_update().select_related("project").get(pk=problem.pk)
        if actor is not None:
            check_version(problem, version)
            _check_step(actor, problem, "escalate")
        if problem.status in CLOSED_STATUSES:
            raise ValidationError({"status": ["问题已办结，不能升级督办"]})
        if problem.escalation_level >= EscalationLevel.MEETING:
            raise ValidationError({"escalation_level": ["已提交联席会议，不能再升级"]})
        today = today if actor is None and today is not None else timezone.localdate()
        before = audit.snapshot(problem)
        problem.escalation_level += 1
        problem.escalated_on = today
        problem.save()
        level = EscalationLevel(problem.escalation_level)
        text = (reason or "").strip()[:TEXT_MAX] or (
            f"逾期{workdays.workdays_between(problem.due_on, today)}个工作日，自动升级"
            if actor is None
            else "手动升级"
        )
        _event(problem, kind=ProblemEventKind.ESCALATE, actor=actor, on=today,
               text=f"{level.label}：{text}", level=int(level))  # fmt: skip
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=problem,
            before=before,
            after=audit.snapshot(problem),
            note=f"问题诉求升级督办：{level.label}",
        )
        _notify(
            problem,
            recipients=_escalation_recipients(problem, level),
            kind=ESCALATED,
            title=f"问题升级督办（{level.label}）：{problem.title}",
            key=f"problem-escalated:{problem.pk}:{int(level)}",
        )
    return problem


# --- the daily job -----------------------------------------------------------------------------


def target_level(days_overdue: int) -> int:
    """The rung a problem this many working days past its deadline belongs on."""
    level = EscalationLevel.NONE
    for rung in (EscalationLevel.DEPARTMENT_HEAD, EscalationLevel.LEADER, EscalationLevel.MEETING):
        if days_overdue >= reminders.threshold(REMINDER_CODE, f"level{int(rung)}"):
            level = rung
    return int(level)


def problems_daily(*, today: dt.date | None = None) -> int:
    """Remind of deadlines near and passed, and raise overdue problems one rung towards the
    level the ladder gives them. Idempotent per day (keyed notices; one rung per run).
    Returns the number of notices and escalations made."""
    today = today or timezone.localdate()
    done = 0
    soon = workdays.add_workdays(today, reminders.threshold(REMINDER_CODE, "due_soon"))
    open_ = Problem.objects.exclude(status__in=CLOSED_STATUSES).select_related("project")
    for problem in open_.filter(due_on__gte=today, due_on__lte=soon):
        with transaction.atomic():
            done += len(
                notify(
                    recipients=department_users(problem.department_id),
                    kind=DUE_SOON,
                    title=f"问题即将到期（{problem.due_on:%m月%d日}）：{problem.title}",
                    body=f"{problem.project.name}：{problem.title}",
                    url=_url(problem),
                    key=f"problem-due-soon:{problem.pk}:{problem.due_on:%Y-%m-%d}",
                )
            )
    for problem in open_.filter(due_on__lt=today).order_by("due_on", "id"):
        with transaction.atomic():
            done += len(
                notify(
                    recipients=[*department_users(problem.department_id), *_requesters(problem)],
                    kind=OVERDUE,
                    title=f"问题已逾期（时限{problem.due_on:%m月%d日}）：{problem.title}",
                    body=f"{problem.project.name}：{problem.title}",
                    url=_url(problem),
                    key=f"problem-overdue:{problem.pk}:{problem.due_on:%Y-%m-%d}",
                )
            )
        late = workdays.workdays_between(problem.due_on, today)
        if target_level(late) > problem.escalation_level:
            problem_escalate(actor=None, problem=problem, today=today)
            done += 1
    return done


reminders.register(
    REMINDER_CODE, "问题诉求到期提醒与逾期升级督办", problems_daily, thresholds=THRESHOLDS
)


# --- reference data ----------------------------------------------------------------------------

# (code, name, department code, limit in working days): the city edits them afterwards.
CATEGORIES: tuple[tuple[str, str, str, int], ...] = (
    ("land", "土地", "zrzy", 10),
    ("planning", "规划", "zrzy", 10),
    ("eia", "环评", "sthj", 10),
    ("energy", "能耗", "fgw", 10),
    ("power", "电力", "gdgs", 5),
    ("finance", "融资", "jrb", 10),
    ("labour", "用工", "rsj", 5),
    ("approval", "审批", "xzsp", 5),
    ("other", "其他", "sww", 5),
)


def problem_categories_load() -> int:
    """Create the categories missing (idempotent; a category the city edited stays as it is).
    Categories whose department does not exist yet are skipped. Returns how many were created."""
    departments = {d.code: d for d in Department.objects.all()}
    created = 0
    for order, (code, name, dept_code, limit) in enumerate(CATEGORIES, start=1):
        department = departments.get(dept_code)
        if department is None:
            continue
        _, made = ProblemCategory.objects.get_or_create(
            code=code,
            defaults=dict(name=name, department=department, limit_workdays=limit, sort_order=order),
        )
        created += made
    return created
