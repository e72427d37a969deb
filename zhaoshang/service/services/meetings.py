"""Writes of joint meetings (联席会议): calling a meeting, building its agenda, recording its
decisions (议定事项) as tasks, and issuing the minutes (会议纪要).

The city (市投资促进局) does all of it; every write checks the role's permission, runs in one
transaction with its audit entry, and sends notices after commit. Life of a meeting:
筹备中 (agenda built, confirmed) → 已召开 (decisions recorded) → 纪要已印发 (decisions frozen:
a later change is a new decision at a later meeting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require
from zhaoshang.notices import kinds, reminders
from zhaoshang.notices.services import notify
from zhaoshang.projects.models import Project

from ..models import AgendaItem, Decision, JointMeeting, MeetingStatus, Task, TaskSource
from ..models.meetings import CARRIED, FREE
from ..selectors.meetings import carried_candidates, proposal_for, unconfirmed_meetings
from .tasks import Owner, owner_recipients, task_create

MINUTES_ISSUED = kinds.register(
    "meeting_minutes", "联席会议纪要印发（议定事项交办）", mutable=False
)
AGENDA_UNCONFIRMED = kinds.register("meeting_agenda", "联席会议议题待确认")

MINUTES_PREFIX = "聊投促纪"  # 文号: 聊投促纪〔2024〕3号
NOT_PREPARING = "会议已召开，议题不能再修改"
ISSUED = "会议纪要已印发，议定事项不能再修改；如需调整，请在以后的会议上作出新的议定事项"


def default_title(year: int, sequence: int) -> str:
    return f"{year}年第{sequence}次重点项目联席会议"


def minutes_number(year: int, sequence: int) -> str:
    return f"{MINUTES_PREFIX}〔{year}〕{sequence}号"


@dataclass(frozen=True)
class TaskSpec:
    """One task a decision gives: an owner department or unit and a deadline."""

    due_on: dt.date
    owner_department: Department | None = None
    owner_unit: Unit | None = None
    title: str = ""  # defaults to the decision's text
    detail: str = ""


# --- the meeting --------------------------------------------------------------------------------


def _check_meeting_fields(*, held_on: Any, place: str, chair: Any, title: str) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(held_on, dt.date):
        errors["held_on"] = ["请填写会议日期"]
    if not place.strip():
        errors["place"] = ["请填写会议地点"]
    if len(place) > 100:
        errors["place"] = ["会议地点不能超过100个字"]
    if len(title) > 100:
        errors["title"] = ["会议名称不能超过100个字"]
    if chair is None or not isinstance(chair, User):
        errors["chair"] = ["请选择主持会议的领导"]
    elif chair.role != Role.LEADER or not chair.is_active:
        errors["chair"] = ["主持人须为领导账号"]
    if errors:
        raise ValidationError(errors)


def _next_order(meeting: JointMeeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 1


def meeting_create(
    *,
    actor: Any,
    held_on: dt.date,
    place: str,
    chair: User,
    departments: Iterable[Department] = (),
    units: Iterable[Unit] = (),
    title: str = "",
    summary: str = "",
    copy_to: str = "",
) -> JointMeeting:
    """Call a meeting: numbered within its year (第N次), its agenda opened with the earlier
    decisions whose tasks are still open ("the next meeting opens with the open decisions of
    the last")."""
    require(actor, "add", JointMeeting)
    title, place = title.strip(), place.strip()
    _check_meeting_fields(held_on=held_on, place=place, chair=chair, title=title)
    with transaction.atomic():
        # Serialise numbering within the year (the unique constraint is the last guard).
        last = (
            JointMeeting.objects.select_for_update()
            .filter(year=held_on.year)
            .order_by("-sequence")
            .first()
        )
        sequence = (last.sequence if last else 0) + 1
        meeting = JointMeeting.objects.create(
            year=held_on.year,
            sequence=sequence,
            title=title or default_title(held_on.year, sequence),
            held_on=held_on,
            place=place,
            chair=chair,
            summary=summary.strip(),
            copy_to=copy_to.strip(),
            created_by=actor,
        )
        meeting.attending_departments.set(list(departments))
        meeting.attending_units.set(list(units))
        audit.record_create(actor=actor, obj=meeting)
        for order, candidate in enumerate(carried_candidates(held_on=held_on), start=1):
            project = Project.objects.filter(pk=candidate.project_id).first()
            carried = AgendaItem.objects.create(
                meeting=meeting,
                order=order,
                kind=candidate.kind,
                object_id=candidate.object_id,
                project=project,
                title=candidate.title,
                since=candidate.since,
                investment_wan=candidate.investment_wan,
                presenter_unit=project.unit if project else None,
                added_by=actor,
            )
            audit.record_create(actor=actor, obj=carried, note="上次会议未办结的议定事项")
    return meeting


def meeting_update(
    *,
    actor: Any,
    meeting: JointMeeting,
    version: str | Iterable[str] | None = None,
    departments: Iterable[Department] | None = None,
    units: Iterable[Unit] | None = None,
    **changes: Any,
) -> JointMeeting:
    """Edit a meeting's title, date, place, chair, attendees, summary or 抄送 before its minutes
    are issued (the date stays within its year: the number 第N次 is the year's)."""
    editable = {"title", "held_on", "place", "chair", "summary", "copy_to"}
    unknown = set(changes) - editable
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require(actor, "change", meeting)
    with transaction.atomic():
        stored = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
        submitted = dict(changes)
        if departments is not None:
            submitted["attending_departments"] = list(departments)
        if units is not None:
            submitted["attending_units"] = list(units)
        check_version(stored, version, submitted=submitted)
        if stored.is_issued:
            raise ValidationError(ISSUED)
        before = audit.snapshot(stored)
        for key, value in changes.items():
            setattr(stored, key, value.strip() if isinstance(value, str) else value)
        _check_meeting_fields(
            held_on=stored.held_on, place=stored.place, chair=stored.chair, title=stored.title
        )
        if stored.held_on.year != stored.year:
            raise ValidationError({"held_on": [f"会议日期须在{stored.year}年内（会议按年度编号）"]})
        if not stored.title:
            stored.title = default_title(stored.year, stored.sequence)
        stored.save()
        if departments is not None:
            stored.attending_departments.set(list(departments))
        if units is not None:
            stored.attending_units.set(list(units))
        audit.record_update(actor=actor, obj=stored, before=before)
    return stored


def _lock_meeting(meeting: JointMeeting, *, preparing: bool = False) -> JointMeeting:
    stored = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if stored.is_issued:
        raise ValidationError(ISSUED)
    if preparing and not stored.is_preparing:
        raise ValidationError(NOT_PREPARING)
    return stored


# --- the agenda ---------------------------------------------------------------------------------


def agenda_add(*, actor: Any, meeting: JointMeeting, kind: str, object_id: int) -> AgendaItem:
    """Put a proposed candidate on the agenda (last), with a snapshot of what was proposed."""
    require(actor, "change", meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting, preparing=True)
        proposal = proposal_for(meeting=meeting, user=actor, kind=kind, object_id=object_id)
        if proposal is None:
            raise ValidationError(
                {"object_id": ["该事项不在本次会议的建议议题中（可能已上会或已办结）"]}
            )
        candidate = proposal.candidate
        project = Project.objects.filter(pk=candidate.project_id).first()
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=_next_order(meeting),
            kind=candidate.kind,
            object_id=candidate.object_id,
            project=project,
            title=candidate.title[:300],
            since=candidate.since,
            investment_wan=candidate.investment_wan,
            presenter_unit=project.unit if project else None,
            added_by=actor,
        )
        audit.record_create(actor=actor, obj=item, note=f"{meeting.title}：加入议题")
    return item


def agenda_add_free(
    *,
    actor: Any,
    meeting: JointMeeting,
    title: str,
    project: Project | None = None,
    presenter_unit: Unit | None = None,
    presenter_department: Department | None = None,
) -> AgendaItem:
    """Add an item of the city's own (临时议题), optionally about a project."""
    require(actor, "change", meeting)
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["请填写议题"]})
    if len(title) > 300:
        raise ValidationError({"title": ["议题不能超过300个字"]})
    if project is not None:
        require(actor, "view", project)
    with transaction.atomic():
        meeting = _lock_meeting(meeting, preparing=True)
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=_next_order(meeting),
            kind=FREE,
            project=project,
            title=title,
            since=meeting.held_on,
            investment_wan=(project.total_investment_wan or 0) if project else 0,
            presenter_unit=presenter_unit or (project.unit if project else None),
            presenter_department=presenter_department,
            added_by=actor,
        )
        audit.record_create(actor=actor, obj=item, note=f"{meeting.title}：加入临时议题")
    return item


def agenda_update(
    *,
    actor: Any,
    item: AgendaItem,
    presenter_unit: Unit | None,
    presenter_department: Department | None,
) -> AgendaItem:
    """Set who presents an item (汇报单位/部门)."""
    require(actor, "change", item.meeting)
    with transaction.atomic():
        _lock_meeting(item.meeting)
        before = audit.snapshot(item)
        item.presenter_unit = presenter_unit
        item.presenter_department = presenter_department
        item.save(update_fields=["presenter_unit", "presenter_department", "updated_at"])
        audit.record_update(actor=actor, obj=item, before=before)
    return item


def _renumber(meeting: JointMeeting, ordered: Sequence[AgendaItem]) -> None:
    for position, item in enumerate(ordered, start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order", "updated_at"])


def agenda_remove(*, actor: Any, item: AgendaItem) -> None:
    """Take an item off the agenda (while the meeting is in preparation)."""
    require(actor, "change", item.meeting)
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting, preparing=True)
        if item.decisions.exists():
            raise ValidationError("该议题已有议定事项，不能移除")
        audit.record_delete(actor=actor, obj=item, note=f"{meeting.title}：移除议题")
        item.delete()
        _renumber(meeting, list(meeting.agenda_items.order_by("order", "id")))


def agenda_move(*, actor: Any, item: AgendaItem, to: int) -> AgendaItem:
    """Move an item to position `to` (1 = first); the others keep their relative order."""
    require(actor, "change", item.meeting)
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting, preparing=True)
        items = list(meeting.agenda_items.order_by("order", "id"))
        if not isinstance(to, int) or not 1 <= to <= len(items):
            raise ValidationError({"to": [f"顺序须在 1 到 {len(items)} 之间"]})
        moving = next(i for i in items if i.pk == item.pk)
        before = moving.order
        items.remove(moving)
        items.insert(to - 1, moving)
        _renumber(meeting, items)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=moving,
            before={"order": before},
            after={"order": to},
            note=f"{meeting.title}：调整议题顺序",
        )
    return moving


def agenda_confirm(*, actor: Any, meeting: JointMeeting) -> JointMeeting:
    """The city confirms the agenda (it stays editable until the meeting is held)."""
    require(actor, "change", meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting, preparing=True)
        if not meeting.agenda_items.exists():
            raise ValidationError("议题为空，不能确认")
        before = audit.snapshot(meeting)
        meeting.agenda_confirmed_at = timezone.now()
        meeting.agenda_confirmed_by = actor
        meeting.save(update_fields=["agenda_confirmed_at", "agenda_confirmed_by", "updated_at"])
        audit.record_update(actor=actor, obj=meeting, before=before, note="确认会议议题")
    return meeting


def meeting_hold(*, actor: Any, meeting: JointMeeting) -> JointMeeting:
    """Record that the meeting took place: its decisions can now be recorded."""
    require(actor, "change", meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting, preparing=True)
        if meeting.held_on > timezone.localdate():
            raise ValidationError({"held_on": ["会议日期未到，不能登记为已召开"]})
        if not meeting.agenda_items.exists():
            raise ValidationError("会议没有议题")
        before = audit.snapshot(meeting)
        meeting.status = MeetingStatus.HELD
        if meeting.agenda_confirmed_at is None:
            meeting.agenda_confirmed_at = timezone.now()
            meeting.agenda_confirmed_by = actor
        meeting.save()
        audit.record_update(actor=actor, obj=meeting, before=before, note="会议已召开")
    return meeting


# --- decisions ----------------------------------------------------------------------------------


def _check_tasks(meeting: JointMeeting, tasks: Sequence[TaskSpec], *, required: bool) -> None:
    if required and not tasks:
        raise ValidationError(
            {"tasks": ["每项议定事项至少交办一项任务（责任部门或单位及办结时限）"]}
        )
    problems: list[str] = []
    for n, spec in enumerate(tasks, start=1):
        if spec.owner_department is None and spec.owner_unit is None:
            problems.append(f"第{n}项任务须指定责任部门或责任单位")
        if not isinstance(spec.due_on, dt.date):
            problems.append(f"第{n}项任务须填写办结时限")
        elif spec.due_on < meeting.held_on:
            problems.append(f"第{n}项任务的办结时限不能早于会议日期（{meeting.held_on:%Y-%m-%d}）")
        if len(spec.title) > 300:
            problems.append(f"第{n}项任务的事项不能超过300个字")
    if problems:
        raise ValidationError({"tasks": problems})


def _task_create(*, actor: Any, decision: Decision, spec: TaskSpec) -> Task:
    item = decision.item
    return task_create(
        actor=actor,
        source=TaskSource.DECISION,
        title=(spec.title.strip() or decision.text)[:300],
        detail=spec.detail,
        due_on=spec.due_on,
        owner=Owner(department=spec.owner_department, unit=spec.owner_unit),
        project=item.project,
        checked_by_source=True,  # decision_record checked the actor may write the meeting
        notify_owner=False,  # the issued minutes tell the owners (minutes_issue)
        decision=decision,
    )


def decision_record(
    *,
    actor: Any,
    item: AgendaItem,
    text: str,
    tasks: Sequence[TaskSpec],
    supersedes: Decision | None = None,
) -> Decision:
    """Record what the meeting decided on an item; each task gets an owner and a deadline.

    A decision on a carried item takes over the earlier decision it continues (`supersedes`),
    so the next meeting carries the new one, not both."""
    require(actor, "add", Decision)
    require(actor, "change", item.meeting)
    text = text.strip()
    if not text:
        raise ValidationError({"text": ["请填写议定内容"]})
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting)
        if meeting.is_preparing:
            raise ValidationError("会议召开后才能记录议定事项")
        _check_tasks(meeting, tasks, required=True)
        if supersedes is None and item.kind == CARRIED and item.object_id:
            supersedes = Decision.objects.filter(pk=item.object_id).first()
        if supersedes is not None and supersedes.meeting.held_on >= meeting.held_on:
            raise ValidationError({"supersedes": ["只能替代以前会议的议定事项"]})
        decision = Decision.objects.create(
            meeting=meeting, item=item, text=text, supersedes=supersedes, created_by=actor
        )
        audit.record_create(actor=actor, obj=decision, note=f"{meeting.title}：{item.title}")
        for spec in tasks:
            _task_create(actor=actor, decision=decision, spec=spec)
    return decision


def decision_update(
    *, actor: Any, decision: Decision, text: str, version: str | Iterable[str] | None = None
) -> Decision:
    """Correct a decision's text before the minutes are issued."""
    require(actor, "change", decision)
    text = text.strip()
    if not text:
        raise ValidationError({"text": ["请填写议定内容"]})
    with transaction.atomic():
        _lock_meeting(decision.meeting)
        stored = Decision.objects.select_for_update().get(pk=decision.pk)
        check_version(stored, version, submitted={"text": text})
        before = audit.snapshot(stored)
        stored.text = text
        stored.save(update_fields=["text", "updated_at"])
        audit.record_update(actor=actor, obj=stored, before=before)
    return stored


def decision_task_add(*, actor: Any, decision: Decision, spec: TaskSpec) -> Task:
    """One more task for a decision, before the minutes are issued."""
    require(actor, "change", decision)
    with transaction.atomic():
        meeting = _lock_meeting(decision.meeting)
        _check_tasks(meeting, [spec], required=True)
        return _task_create(actor=actor, decision=decision, spec=spec)


def decision_delete(*, actor: Any, decision: Decision) -> None:
    """Withdraw a decision recorded by mistake (with its tasks), before the minutes are issued."""
    require(actor, "delete", decision)
    with transaction.atomic():
        meeting = _lock_meeting(decision.meeting)
        for task in decision.tasks.all():
            audit.record_delete(actor=actor, obj=task, note="撤回议定事项")
            task.delete()
        audit.record_delete(actor=actor, obj=decision, note=f"{meeting.title}：撤回议定事项")
        decision.delete()


# --- the minutes --------------------------------------------------------------------------------


def _owners(meeting: JointMeeting) -> list[User]:
    """The accounts the decisions' task owners stand for (as the tasks' own notices reach)."""
    people: dict[int, User] = {}
    tasks = Task.objects.filter(decision__meeting=meeting).select_related("owner_user")
    for task in tasks.order_by("id"):
        for person in owner_recipients(task):
            people.setdefault(person.pk, person)
    return sorted(people.values(), key=lambda u: u.pk)


def _notify_owners(meeting_id: int) -> None:
    meeting = JointMeeting.objects.get(pk=meeting_id)
    url = reverse("service:meeting-detail", args=[meeting.pk])
    notify(
        recipients=_owners(meeting),
        kind=MINUTES_ISSUED.code,
        title=f"{meeting.title}纪要已印发（{meeting.minutes_number}）",
        body="会议议定事项已交办贵单位，请按时限办理并反馈办理结果。",
        url=url,
        key=f"meeting-minutes:{meeting.pk}",
    )


def minutes_issue(
    *, actor: Any, meeting: JointMeeting, issued_on: dt.date | None = None
) -> JointMeeting:
    """Issue the minutes (印发纪要): number the decisions in agenda order, give the minutes
    their 文号, freeze the decisions, and tell each task owner once."""
    require(actor, "change", meeting)
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.is_preparing:
            raise ValidationError("会议召开后才能印发纪要")
        if issued_on < meeting.held_on:
            raise ValidationError({"issued_on": ["印发日期不能早于会议日期"]})
        if issued_on > timezone.localdate():
            raise ValidationError({"issued_on": ["印发日期不能晚于今天"]})
        decisions = list(
            meeting.decisions.select_related("item").order_by("item__order", "item_id", "id")
        )
        if not decisions:
            raise ValidationError("会议尚无议定事项，不能印发纪要")
        before = audit.snapshot(meeting)
        for number, decision in enumerate(decisions, start=1):
            if decision.number != number:
                numbered = audit.snapshot(decision)
                decision.number = number
                decision.save(update_fields=["number", "updated_at"])
                audit.record_update(actor=actor, obj=decision, before=numbered, note="纪要编号")
        issued_count = JointMeeting.objects.filter(
            year=meeting.year, status=MeetingStatus.ISSUED
        ).count()
        meeting.minutes_number = minutes_number(meeting.year, issued_count + 1)
        meeting.status = MeetingStatus.ISSUED
        meeting.issued_on = issued_on
        meeting.issued_by = actor
        meeting.save()
        audit.record_update(
            actor=actor, obj=meeting, before=before, note=f"印发会议纪要 {meeting.minutes_number}"
        )
        meeting_id = meeting.pk
        transaction.on_commit(lambda: _notify_owners(meeting_id))
    return meeting


# --- reminders ----------------------------------------------------------------------------------

AGENDA_REMINDER = "service.meeting_agenda"


def remind_unconfirmed_agendas(*, today: dt.date) -> int:
    """Tell the city's staff about each meeting within `days` (default 2) whose agenda is not
    confirmed yet, once per meeting. Returns the notices sent."""
    days = reminders.threshold(AGENDA_REMINDER, "days")
    city_staff = list(User.objects.filter(is_active=True, role=Role.CITY_ADMIN).order_by("id"))
    sent = 0
    for meeting in unconfirmed_meetings(today=today, within_days=days):
        sent += len(
            notify(
                recipients=city_staff,
                kind=AGENDA_UNCONFIRMED.code,
                title=f"{meeting.title}将于{meeting.held_on.month}月{meeting.held_on.day}日召开，议题尚未确认",
                body=f"会议地点：{meeting.place}。请确认议题。",
                url=reverse("service:meeting-detail", args=[meeting.pk]),
                key=f"meeting-agenda:{meeting.pk}",
            )
        )
    return sent


reminders.register(
    AGENDA_REMINDER, "联席会议议题待确认", remind_unconfirmed_agendas, thresholds={"days": 2}
)
