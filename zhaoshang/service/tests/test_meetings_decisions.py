"""Decisions (议定事项) become tasks; issuing the minutes (会议纪要) numbers and freezes them and
tells each owner once; the minutes print as an official PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.accounts.models import User
from zhaoshang.accounts.roles import Role
from zhaoshang.core.models import AuditEntry
from zhaoshang.notices.models import Notification
from zhaoshang.service.models import MeetingStatus, Task, TaskSource, TaskStatus
from zhaoshang.service.selectors.meetings import (
    cn_numeral,
    decisions_about,
    meeting_view,
    minutes_html,
    minutes_pdf,
)
from zhaoshang.service.services.meetings import (
    agenda_add,
    decision_delete,
    decision_record,
    decision_task_add,
    decision_update,
    meeting_hold,
    minutes_issue,
)

from .meetings_support import *  # noqa: F403  (the fixtures)
from .meetings_support import FAKE, spec

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def held(make_meeting, fake_source, users, make_project):
    """A March meeting, held, with two items (one about linqing's project)."""
    project = make_project(name="高端轴承产业园", total_investment_wan=500000)
    fake_source.add(1, since=D(2024, 1, 2), project=project, title="高端轴承产业园用地报批问题")
    fake_source.add(2, since=D(2024, 1, 9), title="园区供电增容问题")
    meeting = make_meeting(D(2024, 3, 5))
    for n in (1, 2):
        agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=n)
    meeting_hold(actor=users["city"], meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def test_a_decision_becomes_one_task_per_owner_with_its_deadline(held, users, departments, org):
    item = held.agenda_items.get(order=1)
    decision = decision_record(
        actor=users["city"],
        item=item,
        text="自然资源和规划局3月底前完成用地报批，临清市做好征地准备。",
        tasks=[
            spec(departments["zrzy"], due_on=D(2024, 3, 31), title="完成用地报批"),
            spec(unit=org["linqing"], due_on=D(2024, 4, 15), title="完成征地准备"),
        ],
    )

    tasks = list(decision.tasks.order_by("due_on"))
    assert [
        (t.source, t.title, t.owner_department, t.owner_unit, t.due_on, t.project) for t in tasks
    ] == [
        (
            TaskSource.DECISION,
            "完成用地报批",
            departments["zrzy"],
            None,
            D(2024, 3, 31),
            item.project,
        ),
        (TaskSource.DECISION, "完成征地准备", None, org["linqing"], D(2024, 4, 15), item.project),
    ]
    assert list(
        AuditEntry.objects.filter(object_repr__in=["完成用地报批", "完成征地准备"]).values_list(
            "action", flat=True
        )
    ) == ["create", "create"]


def test_a_decision_needs_text_and_tasks_with_owner_and_a_deadline_after_the_meeting(
    held, users, departments
):
    item = held.agenda_items.get(order=1)
    with pytest.raises(ValidationError) as caught:
        decision_record(actor=users["city"], item=item, text="推进", tasks=[])
    assert caught.value.message_dict == {
        "tasks": ["每项议定事项至少交办一项任务（责任部门或单位及办结时限）"]
    }
    with pytest.raises(ValidationError) as caught:
        decision_record(
            actor=users["city"],
            item=item,
            text="推进",
            tasks=[spec(None, due_on=D(2024, 3, 1))],
        )
    assert caught.value.message_dict == {
        "tasks": [
            "第1项任务须指定责任部门或责任单位",
            "第1项任务的办结时限不能早于会议日期（2024-03-05）",
        ]
    }
    with pytest.raises(ValidationError) as caught:
        decision_record(actor=users["city"], item=item, text="  ", tasks=[])
    assert caught.value.message_dict == {"text": ["请填写议定内容"]}
    assert Task.objects.count() == 0


def test_no_decision_before_the_meeting_is_held(make_meeting, fake_source, users, departments):
    fake_source.add(1, since=D(2024, 1, 2))
    meeting = make_meeting(D(2024, 3, 5))
    item = agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=1)
    with pytest.raises(ValidationError) as caught:
        decision_record(
            actor=users["city"],
            item=item,
            text="推进",
            tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 31))],
        )
    assert caught.value.messages == ["会议召开后才能记录议定事项"]


def test_the_meeting_page_counts_each_decisions_tasks_open_overdue_and_done(
    held, users, departments, org
):
    first, second = held.agenda_items.order_by("order")
    land = decision_record(
        actor=users["city"],
        item=first,
        text="限期报批",
        tasks=[
            spec(departments["zrzy"], due_on=D(2024, 3, 31)),
            spec(unit=org["linqing"], due_on=D(2024, 5, 31)),
        ],
    )
    power = decision_record(
        actor=users["city"],
        item=second,
        text="供电增容",
        tasks=[spec(departments["gdgs"], due_on=D(2024, 4, 30))],
    )
    land.tasks.filter(owner_unit=org["linqing"]).update(
        status=TaskStatus.DONE, done_on=D(2024, 5, 2)
    )

    view = meeting_view(meeting=held, user=users["city"], today=D(2024, 4, 10))

    progress = {d.text: (d.progress.total, d.progress.open, d.progress.overdue, d.progress.done)
                for d in view.decisions}  # fmt: skip
    assert progress == {"限期报批": (2, 1, 1, 1), "供电增容": (1, 1, 0, 0)}
    assert (view.progress.total, view.progress.open, view.progress.overdue) == (3, 2, 1)
    assert view.complete is True
    assert power.tasks.get().status == TaskStatus.OPEN


def test_issuing_the_minutes_numbers_decisions_in_agenda_order_and_notifies_owners_once(
    held, users, departments, org, monkeypatch
):
    first, second = held.agenda_items.order_by("order")
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, **kw: fn())
    # Recorded out of agenda order.
    power = decision_record(
        actor=users["city"],
        item=second,
        text="供电增容",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 4, 30))],
    )
    land = decision_record(
        actor=users["city"],
        item=first,
        text="限期报批",
        tasks=[
            spec(departments["zrzy"], due_on=D(2024, 3, 31)),
            spec(unit=org["linqing"], due_on=D(2024, 5, 31)),
        ],
    )
    second_land_user = User.objects.create(
        username="dept_land2", role=Role.DEPT_STAFF, department=departments["zrzy"]
    )

    # Recording the decisions told nobody yet: the issued minutes assign them.
    assert Notification.objects.count() == 0
    minutes_issue(actor=users["city"], meeting=held, issued_on=D(2024, 3, 7))
    held.refresh_from_db()
    # A second attempt is refused and sends nothing again.
    with pytest.raises(ValidationError):
        minutes_issue(actor=users["city"], meeting=held, issued_on=D(2024, 3, 7))

    land.refresh_from_db()
    power.refresh_from_db()
    assert (land.number, power.number) == (1, 2)
    assert (held.status, held.minutes_number, held.issued_on) == (
        MeetingStatus.ISSUED,
        "聊投促纪〔2024〕1号",
        D(2024, 3, 7),
    )
    notices = Notification.objects.filter(kind="meeting_minutes").order_by("recipient__username")
    assert [(n.recipient.username, n.title) for n in notices] == [
        ("dept_land", "2024年第1次重点项目联席会议纪要已印发（聊投促纪〔2024〕1号）"),
        ("dept_land2", "2024年第1次重点项目联席会议纪要已印发（聊投促纪〔2024〕1号）"),
        ("linqing", "2024年第1次重点项目联席会议纪要已印发（聊投促纪〔2024〕1号）"),
    ]
    assert second_land_user.notifications.count() == 1
    assert Notification.objects.exclude(kind="meeting_minutes").count() == 0


def test_issued_minutes_freeze_the_decisions(held, users, departments):
    item = held.agenda_items.get(order=1)
    decision = decision_record(
        actor=users["city"],
        item=item,
        text="限期报批",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 31))],
    )
    minutes_issue(actor=users["city"], meeting=held, issued_on=D(2024, 3, 7))
    frozen = "会议纪要已印发，议定事项不能再修改；如需调整，请在以后的会议上作出新的议定事项"

    for attempt in (
        lambda: decision_update(actor=users["city"], decision=decision, text="改"),
        lambda: decision_task_add(
            actor=users["city"],
            decision=decision,
            spec=spec(departments["fgw"], due_on=D(2024, 4, 1)),
        ),
        lambda: decision_delete(actor=users["city"], decision=decision),
        lambda: decision_record(
            actor=users["city"],
            item=item,
            text="新增",
            tasks=[spec(departments["fgw"], due_on=D(2024, 4, 1))],
        ),
    ):
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.messages == [frozen]
    decision.refresh_from_db()
    assert (decision.text, decision.tasks.count()) == ("限期报批", 1)


def test_before_the_minutes_a_decision_can_be_corrected_or_withdrawn(held, users, departments):
    item = held.agenda_items.get(order=1)
    decision = decision_record(
        actor=users["city"],
        item=item,
        text="限期报批",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 31))],
    )
    decision_update(actor=users["city"], decision=decision, text="3月底前完成报批")
    decision_task_add(
        actor=users["city"], decision=decision, spec=spec(departments["fgw"], due_on=D(2024, 4, 1))
    )
    decision.refresh_from_db()
    assert (decision.text, decision.tasks.count()) == ("3月底前完成报批", 2)
    decision_delete(actor=users["city"], decision=decision)
    assert Task.objects.count() == 0


def test_decisions_about_a_record_follow_it_through_carried_items(
    held, users, departments, make_meeting, clock
):
    item = held.agenda_items.get(order=1)
    first = decision_record(
        actor=users["city"],
        item=item,
        text="限期报批",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 31))],
    )
    minutes_issue(actor=users["city"], meeting=held, issued_on=D(2024, 3, 7))
    april = make_meeting(D(2024, 4, 9))
    clock.at(D(2024, 4, 9))
    meeting_hold(actor=users["city"], meeting=april)
    again = decision_record(
        actor=users["city"],
        item=april.agenda_items.get(kind="carried"),
        text="再延期半月",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 4, 25))],
    )

    assert list(decisions_about(kind=FAKE, object_id=1)) == [first, again]
    assert list(decisions_about(kind=FAKE, object_id=2)) == []
    assert list(decisions_about(kind=FAKE, object_id=1, user=users["dongchangfu"])) == []
    assert list(decisions_about(kind=FAKE, object_id=1, user=users["dept_land"])) == [first, again]


def test_chinese_numerals_for_the_minutes_sections():
    assert [cn_numeral(n) for n in (1, 9, 10, 11, 20, 35)] == [
        "一", "九", "十", "十一", "二十", "三十五"
    ]  # fmt: skip


def test_the_minutes_pdf_is_a_pdf_with_the_title_numbered_decisions_owners_and_deadlines(
    held, users, departments, org
):
    first, second = held.agenda_items.order_by("order")
    decision_record(
        actor=users["city"],
        item=first,
        text="自然资源和规划局加快用地报批。",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 31))],
    )
    decision_record(
        actor=users["city"],
        item=second,
        text="供电公司4月底前完成增容。",
        tasks=[spec(departments["gdgs"], due_on=D(2024, 4, 30))],
    )
    minutes_issue(actor=users["city"], meeting=held, issued_on=D(2024, 3, 7))
    held.refresh_from_db()

    html = minutes_html(meeting=held)
    assert "（一）关于高端轴承产业园用地报批问题。" in html
    assert "（二）关于园区供电增容问题。" in html
    assert "责任单位：自然资源和规划局；完成时限：2024年3月31日" in html
    assert "主送：自然资源和规划局" in html
    assert "送审稿" not in html

    content = minutes_pdf(meeting=held)
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        flat = "".join(text.split())
        assert "2024年第1次重点项目联席会议纪要" in flat
        assert "聊投促纪〔2024〕1号" in flat
        assert "责任单位：国网聊城供电公司；完成时限：2024年4月30日" in flat
