"""The agenda with the topics' real sources: a joint review (联评联审) with a disagreement goes
on the agenda, is decided, is not proposed again, and its decisions are found from the review."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.service.selectors.meetings import agenda_proposals, decisions_about
from zhaoshang.service.services import reviews as review_services
from zhaoshang.service.services.meetings import (
    agenda_add,
    decision_record,
    meeting_hold,
    minutes_issue,
)

from . import reviews_fixtures
from .meetings_support import *  # noqa: F403  (the meeting fixtures)
from .meetings_support import spec
from .reviews_fixtures import SENT_ON
from .reviews_fixtures import departments as review_departments

major = reviews_fixtures.major
reviewers = reviews_fixtures.reviewers

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_disagreed_review_is_proposed_decided_and_not_proposed_again(
    users, major, reviewers, make_meeting, departments, clock
):
    review = review_services.review_send(
        project=major,
        actor=users["linqing"],
        departments=review_departments("zrzy", "fgw"),
        on=SENT_ON,
    )
    review_services.opinion_give(
        opinion=review.opinions.get(department__code="fgw"),
        actor=reviewers["fgw"],
        verdict="disagree",
        reasons="能耗指标不足",
        on=SENT_ON + dt.timedelta(days=2),
    )
    march = make_meeting(D(2024, 3, 12))

    proposed = agenda_proposals(meeting=march, user=users["city"])
    assert [(p.key, p.kind_label, p.days_waiting) for p in proposed] == [
        (f"review:{review.pk}", "联评联审", 8)
    ]
    item = agenda_add(actor=users["city"], meeting=march, kind="review", object_id=review.pk)
    assert (item.project, item.title) == (
        major,
        "联评联审：新能源电池材料项目（1个部门不同意，待决定；1个部门意见逾期）",
    )
    clock.at(D(2024, 3, 12))
    meeting_hold(actor=users["city"], meeting=march)
    decision = decision_record(
        actor=users["city"],
        item=item,
        text="发展改革委会同项目单位研究能耗指标解决方案，月底前报市政府。",
        tasks=[spec(departments["fgw"], due_on=D(2024, 3, 31))],
    )
    clock.at(D(2024, 3, 13))
    minutes_issue(actor=users["city"], meeting=march, issued_on=D(2024, 3, 13))
    april = make_meeting(D(2024, 4, 9))

    assert [p.key for p in agenda_proposals(meeting=april, user=users["city"])] == []
    assert list(april.agenda_items.values_list("kind", "object_id")) == [("carried", decision.pk)]
    assert list(decisions_about(kind="review", object_id=review.pk)) == [decision]
