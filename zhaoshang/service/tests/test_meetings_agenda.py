"""The agenda the platform proposes for a joint meeting: candidates, order, exclusions, carried
decisions, and the city's picking and ordering."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.core.models import AuditEntry
from zhaoshang.service.models import AgendaItem, MeetingStatus, Task, TaskStatus
from zhaoshang.service.selectors.meetings import agenda_proposals, kind_labels
from zhaoshang.service.services.meetings import (
    agenda_add,
    agenda_add_free,
    agenda_confirm,
    agenda_move,
    agenda_remove,
    decision_record,
    meeting_create,
    meeting_hold,
    minutes_issue,
)

from .meetings_support import *  # noqa: F403  (the fixtures)
from .meetings_support import FAKE, spec

pytestmark = pytest.mark.django_db

D = dt.date


def keys(proposals) -> list[str]:
    return [p.key for p in proposals]


def test_a_meeting_is_numbered_within_its_year_and_titled_from_the_number(make_meeting):
    first = make_meeting(D(2024, 3, 5))
    second = make_meeting(D(2024, 4, 2))
    next_year = make_meeting(D(2025, 1, 8))
    assert [m.title for m in (first, second, next_year)] == [
        "2024年第1次重点项目联席会议",
        "2024年第2次重点项目联席会议",
        "2025年第1次重点项目联席会议",
    ]
    assert first.status == MeetingStatus.PREPARING


def test_the_chair_must_be_a_leader_and_the_place_given(users):
    with pytest.raises(ValidationError) as caught:
        meeting_create(actor=users["city"], held_on=D(2024, 3, 5), place=" ", chair=users["city2"])
    assert caught.value.message_dict == {
        "place": ["请填写会议地点"],
        "chair": ["主持人须为领导账号"],
    }


def test_proposals_are_ordered_by_days_waiting_then_investment(make_meeting, fake_source):
    fake_source.add(1, since=D(2024, 2, 1), investment="5000")
    fake_source.add(2, since=D(2024, 1, 10), investment="1000")
    fake_source.add(3, since=D(2024, 2, 1), investment="80000")
    fake_source.add(4, since=D(2024, 1, 10), investment="1000")
    fake_source.add(5, since=D(2024, 3, 20), investment="900000")  # after the meeting's date
    meeting = make_meeting(D(2024, 3, 5))

    proposals = agenda_proposals(meeting=meeting, user=meeting.created_by)

    assert keys(proposals) == ["fake:2", "fake:4", "fake:3", "fake:1"]
    assert [p.days_waiting for p in proposals] == [55, 55, 33, 33]
    assert fake_source.calls == [D(2024, 3, 5)]  # asked as of the meeting's date
    assert proposals[0].kind_label == "测试事项"


def test_a_picked_candidate_leaves_the_proposals_and_snapshots_what_was_proposed(
    make_meeting, fake_source, make_project, users
):
    project = make_project(total_investment_wan=30000)
    fake_source.add(7, since=D(2024, 1, 2), investment="30000", project=project, title="用地指标")
    meeting = make_meeting(D(2024, 3, 5))

    item = agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=7)

    assert (item.order, item.kind, item.object_id, item.title) == (1, FAKE, 7, "用地指标")
    assert (item.project, item.presenter_unit, item.since) == (project, project.unit, D(2024, 1, 2))
    assert agenda_proposals(meeting=meeting, user=users["city"]) == []
    with pytest.raises(ValidationError) as caught:
        agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=7)
    assert "object_id" in caught.value.message_dict


def test_an_item_decided_at_an_earlier_meeting_is_left_out_unless_it_came_back(
    make_meeting, fake_source, users, departments, settings
):
    fake_source.add(1, since=D(2024, 1, 2))
    fake_source.add(2, since=D(2024, 1, 3))
    march = make_meeting(D(2024, 3, 5))
    for object_id in (1, 2):
        agenda_add(actor=users["city"], meeting=march, kind=FAKE, object_id=object_id)
    meeting_hold(actor=users["city"], meeting=march)
    items = list(march.agenda_items.order_by("order"))
    for item in items:
        decision = decision_record(
            actor=users["city"],
            item=item,
            text="限期解决",
            tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 20))],
        )
        decision.tasks.update(status=TaskStatus.DONE, done_on=D(2024, 3, 18))
    # Item 2 came back after the March meeting (reopened: its topic reports a later date).
    fake_source.rows[1] = fake_source.rows[1].__class__(
        **{**fake_source.rows[1].__dict__, "since": D(2024, 3, 25)}
    )
    april = make_meeting(D(2024, 4, 9))

    assert keys(agenda_proposals(meeting=april, user=users["city"])) == ["fake:2"]


def test_a_new_meeting_opens_with_the_earlier_decisions_whose_tasks_are_open(
    make_meeting, fake_source, users, departments
):
    fake_source.add(1, since=D(2024, 1, 2), title="土地报批")
    fake_source.add(2, since=D(2024, 1, 3), title="电力增容")
    fake_source.add(3, since=D(2024, 2, 1), title="环评审批")
    march = make_meeting(D(2024, 3, 5))
    for object_id in (1, 2):
        agenda_add(actor=users["city"], meeting=march, kind=FAKE, object_id=object_id)
    meeting_hold(actor=users["city"], meeting=march)
    first, second = march.agenda_items.order_by("order")
    open_one = decision_record(
        actor=users["city"],
        item=first,
        text="自然资源局月底前完成报批",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 31))],
    )
    done_one = decision_record(
        actor=users["city"],
        item=second,
        text="供电公司完成增容",
        tasks=[spec(departments["gdgs"], due_on=D(2024, 3, 31))],
    )
    done_one.tasks.update(status=TaskStatus.DONE, done_on=D(2024, 3, 20))
    minutes_issue(actor=users["city"], meeting=march, issued_on=D(2024, 3, 6))

    april = make_meeting(D(2024, 4, 9))

    carried = list(april.agenda_items.order_by("order"))
    assert [(i.order, i.kind, i.object_id) for i in carried] == [(1, "carried", open_one.pk)]
    assert carried[0].title == "土地报批（2024年第1次重点项目联席会议议定事项第1项）"
    # The carried decision is not proposed twice; the topic's new candidate is.
    assert keys(agenda_proposals(meeting=april, user=users["city"])) == ["fake:3"]


def test_carried_decisions_come_before_the_topics_candidates_in_the_proposals(
    make_meeting, fake_source, users, departments
):
    fake_source.add(1, since=D(2023, 6, 1))
    fake_source.add(2, since=D(2024, 1, 3))
    march = make_meeting(D(2024, 3, 5))
    agenda_add(actor=users["city"], meeting=march, kind=FAKE, object_id=2)
    # A meeting called before the March one was held: nothing to carry yet.
    april = make_meeting(D(2024, 4, 9))
    meeting_hold(actor=users["city"], meeting=march)
    decision = decision_record(
        actor=users["city"],
        item=march.agenda_items.get(),
        text="继续推进",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 5, 1))],
    )

    assert keys(agenda_proposals(meeting=april, user=users["city"])) == [
        f"carried:{decision.pk}",
        "fake:1",
    ]


def test_the_city_orders_adds_free_items_and_removes_items(make_meeting, fake_source, users):
    for n in (1, 2, 3):
        fake_source.add(n, since=D(2024, 1, n))
    meeting = make_meeting(D(2024, 3, 5))
    a, b, c = (
        agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=n) for n in (1, 2, 3)
    )
    free = agenda_add_free(actor=users["city"], meeting=meeting, title="研究年度要素保障计划")

    agenda_move(actor=users["city"], item=c, to=1)
    agenda_remove(actor=users["city"], item=a)

    titles = list(meeting.agenda_items.order_by("order").values_list("order", "kind", "title"))
    assert titles == [
        (1, FAKE, "待协调事项3"),
        (2, FAKE, "待协调事项2"),
        (3, "free", "研究年度要素保障计划"),
    ]
    assert free.kind in kind_labels()
    with pytest.raises(ValidationError) as caught:
        agenda_move(actor=users["city"], item=b, to=9)
    assert caught.value.message_dict == {"to": ["顺序须在 1 到 3 之间"]}


def test_the_agenda_is_frozen_once_the_meeting_is_held(make_meeting, fake_source, users):
    fake_source.add(1, since=D(2024, 1, 1))
    fake_source.add(2, since=D(2024, 1, 2))
    meeting = make_meeting(D(2024, 3, 5))
    item = agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=1)
    agenda_confirm(actor=users["city"], meeting=meeting)
    meeting_hold(actor=users["city"], meeting=meeting)

    for attempt in (
        lambda: agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=2),
        lambda: agenda_remove(actor=users["city"], item=item),
        lambda: agenda_add_free(actor=users["city"], meeting=meeting, title="临时"),
    ):
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.messages == ["会议已召开，议题不能再修改"]
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_only_the_city_builds_the_agenda(make_meeting, fake_source, users):
    from django.core.exceptions import PermissionDenied

    fake_source.add(1, since=D(2024, 1, 1))
    meeting = make_meeting(D(2024, 3, 5))
    entries = AuditEntry.objects.count()
    for who in ("leader", "dept_land", "linqing", "inspector", "auditor"):
        with pytest.raises(PermissionDenied):
            agenda_add(actor=users[who], meeting=meeting, kind=FAKE, object_id=1)
    assert AuditEntry.objects.count() == entries
    assert Task.objects.count() == 0


def test_the_city_is_reminded_once_of_a_meeting_in_two_days_with_an_unconfirmed_agenda(
    make_meeting, fake_source, users
):
    from zhaoshang.notices import reminders
    from zhaoshang.notices.models import Notification

    fake_source.add(1, since=D(2024, 1, 1))
    soon = make_meeting(D(2024, 3, 7))
    confirmed = make_meeting(D(2024, 3, 6))
    agenda_add(actor=users["city"], meeting=confirmed, kind=FAKE, object_id=1)
    agenda_confirm(actor=users["city"], meeting=confirmed)
    make_meeting(D(2024, 3, 8))  # three days ahead: not yet

    first = reminders.run(today=D(2024, 3, 5), only=["service.meeting_agenda"])
    again = reminders.run(today=D(2024, 3, 6), only=["service.meeting_agenda"])

    assert (first.created, again.created) == (
        {"service.meeting_agenda": 2},  # city and city2, about the meeting on the 7th
        {"service.meeting_agenda": 2},  # the meeting on the 8th is now two days ahead
    )
    notices = Notification.objects.filter(kind="meeting_agenda", recipient=users["city"])
    assert sorted(notices.values_list("title", flat=True)) == [
        f"{soon.title}将于3月7日召开，议题尚未确认",
        "2024年第3次重点项目联席会议将于3月8日召开，议题尚未确认",
    ]


def test_a_decision_on_a_carried_item_takes_over_and_is_the_one_carried_next(
    make_meeting, fake_source, users, departments, clock
):
    fake_source.add(1, since=D(2024, 1, 2))
    march = make_meeting(D(2024, 3, 5))
    agenda_add(actor=users["city"], meeting=march, kind=FAKE, object_id=1)
    meeting_hold(actor=users["city"], meeting=march)
    first = decision_record(
        actor=users["city"],
        item=march.agenda_items.get(),
        text="限期报批",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 3, 31))],
    )
    april = make_meeting(D(2024, 4, 9))
    clock.at(D(2024, 4, 9))
    meeting_hold(actor=users["city"], meeting=april)
    again = decision_record(
        actor=users["city"],
        item=april.agenda_items.get(kind="carried"),
        text="延期至四月底",
        tasks=[spec(departments["zrzy"], due_on=D(2024, 4, 30))],
    )
    may = make_meeting(D(2024, 5, 14))

    assert again.supersedes == first
    assert list(may.agenda_items.values_list("kind", "object_id", "title")) == [
        ("carried", again.pk, "待协调事项1（2024年第2次重点项目联席会议议定事项）")
    ]
