"""Reads of joint meetings: the visible meetings, the agenda the platform proposes, the progress
of each decision's tasks, and "the decisions about this record" for the other topics.

The agenda builder (`agenda_proposals`) gathers the candidates every topic registered in
`service.agenda_sources` as of the meeting's date, adds the earlier decisions whose tasks are
still open (kind "carried"), leaves out what is already on the agenda and what an earlier
meeting decided, and orders the rest by `AGENDA_ORDER`:

1. days waiting (the meeting's date minus the candidate's `since`), longest first;
2. then the project's total investment, largest first;
3. then kind and id, so equal candidates always come in the same order.

An item decided at an earlier meeting is left out unless its topic reports it as new again
since that meeting (its `since` is later than that meeting's date: reopened, escalated again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from zhaoshang.core.pdf import font_css, render_pdf
from zhaoshang.core.permissions import Scope, restrict

from .. import agenda_sources
from ..agenda_sources import AgendaCandidate
from ..models import AgendaItem, Decision, JointMeeting, MeetingStatus, Task, TaskStatus
from ..models.meetings import CARRIED, OWN_KINDS

# The ordering rule, as data: (what, direction) read by `_score` and shown on the page.
AGENDA_ORDER: tuple[tuple[str, str], ...] = (
    ("days_waiting", "desc"),
    ("investment_wan", "desc"),
    ("kind", "asc"),
    ("object_id", "asc"),
)
AGENDA_ORDER_TEXT = "按等待天数（自提出之日至会议日期）由长到短，其次按项目总投资由大到小排序"


@dataclass(frozen=True)
class Proposal:
    """A candidate for the agenda, with what the ordering read."""

    candidate: AgendaCandidate
    days_waiting: int
    kind_label: str

    @property
    def key(self) -> str:
        return f"{self.candidate.kind}:{self.candidate.object_id}"


def kind_labels() -> dict[str, str]:
    """Every agenda kind's label: the registered topics' and the meetings' own."""
    return {**agenda_sources.labels(), **OWN_KINDS}


def visible(model: type, user: Any) -> QuerySet:
    """The records of `model` the user may view, each once (scope paths are multi-valued)."""
    return model.objects.filter(pk__in=restrict(model.objects.all(), user, "view").values("pk"))


def meetings_for(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[JointMeeting]:
    """The meetings the user may see, newest first, with their agenda and decision counts."""
    filters = filters or {}
    qs = visible(JointMeeting, user).select_related("chair")
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.annotate(
        item_count=Count("agenda_items", distinct=True),
        decision_count=Count("decisions", distinct=True),
    ).order_by("-held_on", "-id")


def _tasks_prefetch() -> Prefetch:
    return Prefetch(
        "tasks",
        queryset=Task.objects.select_related("owner_department", "owner_unit", "owner_user")
        .exclude(status=TaskStatus.CANCELLED)
        .order_by("due_on", "id"),
    )


@dataclass(frozen=True)
class Progress:
    """How far a decision (or a meeting) is carried out: its tasks, open, overdue, done."""

    total: int = 0
    open: int = 0
    overdue: int = 0
    done: int = 0

    @property
    def closed(self) -> bool:
        return self.total > 0 and self.open == 0

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.total + other.total,
            self.open + other.open,
            self.overdue + other.overdue,
            self.done + other.done,
        )


def progress_of(tasks: list[Task], *, today: dt.date | None = None) -> Progress:
    """Counts of a decision's (prefetched, not cancelled) tasks as of `today`."""
    today = today or timezone.localdate()
    open_tasks = [t for t in tasks if t.status == TaskStatus.OPEN]
    return Progress(
        total=len(tasks),
        open=len(open_tasks),
        overdue=sum(1 for t in open_tasks if t.due_on < today),
        done=sum(1 for t in tasks if t.status == TaskStatus.DONE),
    )


@dataclass
class ItemView:
    item: AgendaItem
    decisions: list[Decision]
    kind_label: str
    carried_from: Decision | None = None

    @property
    def progress(self) -> Progress:
        total = Progress()
        for decision in self.decisions:
            total = total + decision.progress
        if self.carried_from is not None:
            total = total + self.carried_from.progress
        return total


@dataclass
class MeetingView:
    meeting: JointMeeting
    items: list[ItemView]
    complete: bool  # the user sees the whole agenda (an attendee, the city, a leader)

    @property
    def decisions(self) -> list[Decision]:
        return [d for view in self.items for d in view.decisions]

    @property
    def progress(self) -> Progress:
        total = Progress()
        for decision in self.decisions:
            total = total + decision.progress
        return total


def _with_progress(decisions: list[Decision], today: dt.date) -> list[Decision]:
    for decision in decisions:
        decision.progress = progress_of(list(decision.tasks.all()), today=today)
    return decisions


def meeting_view(*, meeting: JointMeeting, user: Any, today: dt.date | None = None) -> MeetingView:
    """What the user sees of one meeting: the agenda items and decisions within their scope,
    each decision with its tasks and their progress; a carried item shows the earlier decision
    it continues."""
    today = today or timezone.localdate()
    labels = kind_labels()
    items = list(
        visible(AgendaItem, user)
        .filter(meeting=meeting)
        .select_related("project", "project__unit", "presenter_unit", "presenter_department")
        .order_by("order", "id")
    )
    decisions = _with_progress(
        list(
            visible(Decision, user)
            .filter(meeting=meeting)
            .select_related("supersedes")
            .prefetch_related(_tasks_prefetch())
            .order_by("number", "id")
        ),
        today,
    )
    by_item: dict[int, list[Decision]] = {}
    for decision in decisions:
        by_item.setdefault(decision.item_id, []).append(decision)
    carried_ids = [i.object_id for i in items if i.kind == CARRIED and i.object_id]
    carried = {
        d.pk: d
        for d in _with_progress(
            list(
                Decision.objects.filter(pk__in=carried_ids)
                .select_related("meeting")
                .prefetch_related(_tasks_prefetch())
            ),
            today,
        )
    }
    views = [
        ItemView(
            item=i,
            decisions=by_item.get(i.pk, []),
            kind_label=labels.get(i.kind, i.kind),
            carried_from=carried.get(i.object_id) if i.kind == CARRIED else None,
        )
        for i in items
    ]
    complete = len(items) == meeting.agenda_items.count()
    return MeetingView(meeting=meeting, items=views, complete=complete)


def minutes_readable(user: Any, meeting: JointMeeting) -> bool:
    """Whether the user receives the whole minutes: the city (and city leaders), or an
    attending department or unit (主送). Others see only their items on the page."""
    scope = getattr(user, "scope", Scope.NONE)
    if not restrict(JointMeeting.objects.filter(pk=meeting.pk), user, "view").exists():
        return False
    if scope == Scope.ALL:
        return True
    if scope == Scope.DEPARTMENT and user.department_id:
        return meeting.attending_departments.filter(pk=user.department_id).exists()
    if scope == Scope.UNIT and user.unit_id:
        return meeting.attending_units.filter(pk=user.unit_id).exists()
    return False


# --- the agenda builder -------------------------------------------------------------------------


def open_decisions_before(held_on: dt.date) -> QuerySet[Decision]:
    """Decisions of meetings held before `held_on` with a task still open, except those a
    later decision (held before `held_on`) took over: that one is carried instead."""
    taken_over = Decision.objects.filter(
        meeting__held_on__lt=held_on, supersedes__isnull=False
    ).exclude(meeting__status=MeetingStatus.PREPARING)
    return (
        Decision.objects.filter(meeting__held_on__lt=held_on)
        .exclude(meeting__status=MeetingStatus.PREPARING)
        .filter(tasks__status=TaskStatus.OPEN)
        .exclude(pk__in=taken_over.values("supersedes"))
        .distinct()
        .select_related("meeting", "item", "item__project")
        .order_by("meeting__held_on", "meeting_id", "number", "id")
    )


def topic_of(item: AgendaItem) -> str:
    """What an item is about: a carried item's is that of the item first decided on."""
    seen: set[int] = set()
    while item.kind == CARRIED and item.object_id and item.pk not in seen:
        seen.add(item.pk)
        earlier = Decision.objects.filter(pk=item.object_id).select_related("item").first()
        if earlier is None:
            break
        item = earlier.item
    return item.title


def carried_candidates(*, held_on: dt.date) -> list[AgendaCandidate]:
    """The earlier decisions with open tasks, as agenda candidates of kind "carried"."""
    found = []
    for decision in open_decisions_before(held_on):
        item = decision.item
        number = f"第{decision.number}项" if decision.number else ""
        found.append(
            AgendaCandidate(
                kind=CARRIED,
                object_id=decision.pk,
                project_id=item.project_id,
                title=f"{topic_of(item)}（{decision.meeting.title}议定事项{number}）"[:300],
                since=decision.meeting.held_on,
                investment_wan=item.investment_wan,
            )
        )
    return found


def _decided_on(held_on: dt.date) -> dict[tuple[str, int], dt.date]:
    """(kind, object_id) → the date of the last earlier meeting that decided on it."""
    rows = (
        Decision.objects.filter(meeting__held_on__lt=held_on, item__object_id__isnull=False)
        .exclude(meeting__status=MeetingStatus.PREPARING)
        .values("item__kind", "item__object_id")
        .annotate(last=Max("meeting__held_on"))
        .order_by()
    )
    return {(r["item__kind"], r["item__object_id"]): r["last"] for r in rows}


def _score(proposal: Proposal) -> tuple:
    values = {
        "days_waiting": proposal.days_waiting,
        "investment_wan": proposal.candidate.investment_wan,
        "kind": proposal.candidate.kind,
        "object_id": proposal.candidate.object_id,
    }
    key: list[Any] = []
    for name, direction in AGENDA_ORDER:
        value = values[name]
        if direction == "desc":
            value = -value if not isinstance(value, str) else value
        key.append(value)
    return tuple(key)


def agenda_proposals(*, meeting: JointMeeting, user: Any) -> list[Proposal]:
    """The candidates for this meeting's agenda not on it yet, in the order of `AGENDA_ORDER`
    (carried decisions first, as the next meeting opens with the open decisions of the last)."""
    as_of = meeting.held_on
    labels = kind_labels()
    on_agenda = set(
        meeting.agenda_items.filter(object_id__isnull=False).values_list("kind", "object_id")
    )
    decided = _decided_on(as_of)
    carried, others = [], []
    for candidate in [
        *carried_candidates(held_on=as_of),
        *agenda_sources.candidates(as_of=as_of, user=user),
    ]:
        key = (candidate.kind, candidate.object_id)
        if key in on_agenda:
            continue
        last = decided.get(key)
        if candidate.kind != CARRIED and last is not None and candidate.since <= last:
            continue
        proposal = Proposal(
            candidate=candidate,
            days_waiting=(as_of - candidate.since).days,
            kind_label=labels.get(candidate.kind, candidate.kind),
        )
        (carried if candidate.kind == CARRIED else others).append(proposal)
    return sorted(carried, key=_score) + sorted(others, key=_score)


def proposal_for(*, meeting: JointMeeting, user: Any, kind: str, object_id: int) -> Proposal | None:
    """One proposal by its kind and id (None when not proposed for this meeting)."""
    for proposal in agenda_proposals(meeting=meeting, user=user):
        if proposal.candidate.kind == kind and proposal.candidate.object_id == object_id:
            return proposal
    return None


# --- for the other topics -----------------------------------------------------------------------


def decisions_about(*, kind: str, object_id: int, user: Any = None) -> QuerySet[Decision]:
    """The decisions the meetings took about one record of a topic ("problem" 42 …), oldest
    first, including later decisions on the items that carried them forward. With `user`,
    only those the user may see."""
    ids: set[int] = set(
        Decision.objects.filter(item__kind=kind, item__object_id=object_id).values_list(
            "pk", flat=True
        )
    )
    frontier = set(ids)
    while frontier:  # decisions taken on "carried" items continuing one of these
        frontier = (
            set(
                Decision.objects.filter(
                    item__kind=CARRIED, item__object_id__in=frontier
                ).values_list("pk", flat=True)
            )
            - ids
        )
        ids |= frontier
    qs = Decision.objects.filter(pk__in=ids)
    if user is not None:
        qs = qs.filter(pk__in=restrict(Decision.objects.all(), user, "view").values("pk"))
    return qs.select_related("meeting", "item").order_by("meeting__held_on", "number", "id")


def unconfirmed_meetings(*, today: dt.date, within_days: int = 2) -> QuerySet[JointMeeting]:
    """Meetings in preparation within `within_days` whose agenda is not confirmed yet."""
    return JointMeeting.objects.filter(
        status=MeetingStatus.PREPARING,
        agenda_confirmed_at__isnull=True,
        held_on__gte=today,
        held_on__lte=today + dt.timedelta(days=within_days),
    ).order_by("held_on", "id")


def investment_of(project: Any) -> Decimal:
    return (project.total_investment_wan or Decimal(0)) if project is not None else Decimal(0)


# --- the minutes (会议纪要) -----------------------------------------------------------------------

ISSUER = "聊城市投资促进局"
ISSUER_HEAD = "聊城市重点项目联席会议"
_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _owner(task: Task) -> str:
    return str(task.owner_department or task.owner_unit or task.owner_user or "")


def _status_text(task: Task) -> str:
    if task.status == TaskStatus.DONE:
        return f"已于{cn_date(task.done_on)}办结"
    return "正在办理"


def minutes_context(*, meeting: JointMeeting) -> dict[str, Any]:
    """What the minutes print: the whole meeting (the caller checked `minutes_readable`)."""
    items = list(meeting.agenda_items.select_related("project").order_by("order", "id"))
    decisions = list(
        meeting.decisions.prefetch_related(_tasks_prefetch()).order_by(
            "number", "item__order", "id"
        )
    )
    by_item: dict[int, list[Decision]] = {}
    for decision in decisions:
        by_item.setdefault(decision.item_id, []).append(decision)
    carried_ids = [i.object_id for i in items if i.kind == CARRIED and i.object_id]
    carried = {
        d.pk: d
        for d in Decision.objects.filter(pk__in=carried_ids)
        .select_related("meeting")
        .prefetch_related(_tasks_prefetch())
    }

    def task_rows(decision: Decision, *, with_status: bool) -> list[dict[str, str]]:
        return [
            {
                "owner": _owner(t),
                "due_text": cn_date(t.due_on),
                "title": t.title if t.title != decision.text else "",
                "status_text": _status_text(t) if with_status else "",
            }
            for t in decision.tasks.all()
        ]

    continuing, new = [], []
    for item in items:
        topic = topic_of(item).rstrip("。")
        if item.kind == CARRIED and item.object_id in carried:
            earlier = carried[item.object_id]
            entry_text = f"{earlier.meeting.title}议定：{earlier.text.rstrip('。')}。"
            tasks = task_rows(earlier, with_status=True)
            for decision in by_item.get(item.pk, []):
                entry_text += f"本次会议议定：{decision.text}"
                tasks += task_rows(decision, with_status=False)
            continuing.append({"topic": topic, "text": entry_text, "tasks": tasks})
            continue
        for decision in by_item.get(item.pk, []):
            new.append(
                {
                    "topic": topic,
                    "text": f"会议议定：{decision.text}",
                    "tasks": task_rows(decision, with_status=False),
                }
            )
    sections = []
    for heading, entries in (("上次会议议定事项推进情况", continuing), ("本次会议议定事项", new)):
        if entries:
            for n, entry in enumerate(entries, start=1):
                entry["numeral"] = cn_numeral(n)
            sections.append({"heading": heading, "entries": entries})
    for n, section in enumerate(sections, start=1):
        section["numeral"] = cn_numeral(n)

    departments = list(meeting.attending_departments.order_by("sort_order", "code"))
    units = list(meeting.attending_units.order_by("sort_order", "code"))
    chair = meeting.chair
    chair_text = f"{chair.title}{chair.display_name or chair.username}".strip()
    attendees = [d.name for d in departments] + [u.name for u in units]
    issued = meeting.issued_on
    return {
        "meeting": meeting,
        "title": meeting.title,
        "issuer": ISSUER,
        "issuer_head": ISSUER_HEAD,
        "draft": not meeting.is_issued,
        "number_text": meeting.minutes_number or f"{meeting.year}年第{meeting.sequence}次",
        "issued_text": cn_date(issued) if issued else "",
        "held_text": cn_date(meeting.held_on),
        "chair_text": chair_text,
        "purpose_text": "研究协调重点项目推进中的问题。",
        "sections": sections,
        "departments_text": "、".join(d.name for d in departments),
        "units_text": "、".join(u.name for u in units),
        "main_to_text": "、".join(attendees) or "各参会单位",
        "copy_to_text": meeting.copy_to or "市委办公室，市政府办公室",
        "font_css": font_css(),
    }


def minutes_html(*, meeting: JointMeeting) -> str:
    return render_to_string("service/meetings/minutes.html", minutes_context(meeting=meeting))


def minutes_pdf(*, meeting: JointMeeting) -> bytes:
    """The minutes as an official PDF (WeasyPrint with the CJK font, `core.pdf`)."""
    return render_pdf(minutes_html(meeting=meeting))
