"""Sending a project for joint review, the departments' opinions, conditions as tasks, the
city's closing decision, the signing gate, reminders and notices."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.conftest import pdf_file
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.core.models import AuditEntry
from zhaoshang.notices import reminders
from zhaoshang.notices.models import Notification
from zhaoshang.projects.models import EvidenceKind, Stage
from zhaoshang.projects.services import EvidenceFile, project_advance_stage
from zhaoshang.service import agenda_sources
from zhaoshang.service.models import JointReview, ReviewOpinion, Task, TaskSource
from zhaoshang.service.services import reviews as svc

from . import reviews_fixtures as fx
from .reviews_fixtures import SENT_ON, departments

# The shared fixtures, by name (pytest finds a fixture through the module's globals).
gate_on, major, reviewers = fx.gate_on, fx.major, fx.reviewers

pytestmark = pytest.mark.django_db


def send(project, actor, codes=("zrzy", "sthj", "fgw"), on=SENT_ON, capture=None):
    if capture is None:
        return svc.review_send(project=project, actor=actor, departments=departments(*codes), on=on)
    with capture(execute=True):
        return svc.review_send(project=project, actor=actor, departments=departments(*codes), on=on)


def opinion(review, code) -> ReviewOpinion:
    return review.opinions.get(department__code=code)


def answer(review, code, user, verdict="agree", **kw):
    kw.setdefault("on", SENT_ON + dt.timedelta(days=2))
    return svc.opinion_give(opinion=opinion(review, code), actor=user, verdict=verdict, **kw)


def sign(project, user, on):
    return project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=on,
        actor=user,
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("100000"),
    )


def test_sending_asks_each_department_with_its_focus_and_a_working_day_deadline(
    users, major, reviewers
):
    review = send(major, users["linqing"])
    rows = list(
        review.opinions.order_by("department__sort_order").values_list(
            "department__code", "focus", "due_on", "verdict"
        )
    )
    # 2024-03-04 (Monday) + 5 working days = Monday 2024-03-11.
    assert rows == [
        ("zrzy", "用地规划、选址与土地供应", dt.date(2024, 3, 11), ""),
        ("sthj", "环境影响、排放总量与环境容量", dt.date(2024, 3, 11), ""),
        ("fgw", "能耗双控（能耗指标）与产业政策符合性", dt.date(2024, 3, 11), ""),
    ]
    assert review.outcome == "reviewing" and review.sent_by == users["linqing"]
    assert (
        AuditEntry.objects.filter(object_id=str(review.pk), note__startswith="提请联评联审").count()
        == 1
    )


def test_a_deadline_over_national_day_counts_working_days_and_tiaoxiu(users, major, reviewers):
    review = send(major, users["linqing"], codes=("zrzy",), on=dt.date(2024, 9, 27))
    assert opinion(review, "zrzy").due_on == dt.date(2024, 10, 10)


def test_by_default_every_active_reviewing_department_is_asked(users, major, reviewers):
    review = svc.review_send(project=major, actor=users["linqing"], on=SENT_ON)
    assert sorted(review.opinions.values_list("department__code", flat=True)) == [
        "fgw",
        "gxj",
        "sthj",
        "yjj",
        "zrzy",
    ]


def test_each_department_is_notified_once_when_a_review_is_sent(
    users, major, reviewers, django_capture_on_commit_callbacks
):
    review = send(major, users["linqing"], capture=django_capture_on_commit_callbacks)
    notices = Notification.objects.filter(kind=svc.KIND_REQUESTED)
    assert sorted(n.recipient.username for n in notices) == ["dept_dev", "dept_env", "dept_land"]
    assert notices.get(recipient=users["dept_land"]).url == f"/service/reviews/{review.pk}/"
    svc._notify_requested(review.pk)  # a retried job sends nothing twice
    assert notices.count() == 3


@pytest.mark.parametrize(
    ("stage_to", "message"),
    [(Stage.SIGNED, "只有线索或洽谈阶段的项目可提请联评联审（当前阶段：签约）")],
)
def test_only_a_proposed_project_may_be_sent(users, major, reviewers, stage_to, message):
    sign(major, users["linqing"], SENT_ON - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        send(major, users["linqing"])
    assert exc.value.message_dict == {"project": [message]}


def test_a_project_has_one_open_review_at_a_time(users, major, reviewers):
    send(major, users["linqing"])
    with pytest.raises(ValidationError) as exc:
        send(major, users["linqing"])
    assert exc.value.message_dict == {"project": ["该项目已有正在进行的联评联审"]}


def test_a_department_that_does_not_review_is_refused(users, major, reviewers):
    with pytest.raises(ValidationError) as exc:
        send(major, users["linqing"], codes=("zrzy", "sww"))
    assert exc.value.message_dict == {"departments": ["以下部门未设为联审部门：商务局"]}


def test_another_unit_a_department_or_an_inspector_cannot_send(users, major, reviewers):
    for name in ("dongchangfu", "dept_land", "inspector", "leader", "sysadmin"):
        with pytest.raises(PermissionDenied):
            send(major, users[name])
    assert not JointReview.objects.exists()


def test_the_city_may_send_any_units_project(users, major, reviewers):
    assert send(major, users["city"]).sent_by == users["city"]


def test_all_agree_passes_and_the_unit_is_told_once(
    users, major, reviewers, django_capture_on_commit_callbacks
):
    review = send(major, users["linqing"], codes=("zrzy", "sthj"))
    answer(review, "zrzy", reviewers["zrzy"])
    review.refresh_from_db()
    assert review.outcome == "reviewing" and review.decided_on is None
    with django_capture_on_commit_callbacks(execute=True):
        answer(review, "sthj", reviewers["sthj"], on=SENT_ON + dt.timedelta(days=3))
    review.refresh_from_db()
    assert (review.outcome, review.decided_on) == ("passed", SENT_ON + dt.timedelta(days=3))
    told = Notification.objects.filter(kind=svc.KIND_DECIDED)
    assert [n.recipient.username for n in told] == ["linqing"]
    assert told.get().title == "“新能源电池材料项目”联评联审结论：通过"
    svc._notify_decided(review.pk)
    assert told.count() == 1


def test_conditions_become_tasks_of_the_projects_unit(users, major, reviewers, today):
    review = send(major, users["linqing"], codes=("zrzy", "sthj"))
    answer(review, "zrzy", reviewers["zrzy"])
    due = today + dt.timedelta(days=30)
    given = answer(
        review,
        "sthj",
        reviewers["sthj"],
        verdict="conditional",
        reasons="原则同意",
        conditions=["取得环评批复后方可开工", "  ", "落实VOCs排放总量替代来源"],
        conditions_due_on=due,
    )
    tasks = list(Task.objects.order_by("id"))
    assert [
        (t.title, t.source, t.owner_unit, t.project, t.due_on, t.review_opinion, t.status)
        for t in tasks
    ] == [
        ("取得环评批复后方可开工", TaskSource.CONDITION, major.unit, major, due, given, "open"),
        ("落实VOCs排放总量替代来源", TaskSource.CONDITION, major.unit, major, due, given, "open"),
    ]
    review.refresh_from_db()
    assert review.outcome == "conditional"


def test_a_conditional_opinion_needs_conditions_and_a_deadline(users, major, reviewers):
    review = send(major, users["linqing"], codes=("zrzy",))
    with pytest.raises(ValidationError) as exc:
        answer(review, "zrzy", reviewers["zrzy"], verdict="conditional")
    assert exc.value.message_dict == {
        "conditions": ["有条件同意须列明条件（每行一条）"],
        "conditions_due_on": ["请填写条件落实时限"],
    }
    with pytest.raises(ValidationError) as exc:
        answer(review, "zrzy", reviewers["zrzy"], verdict="agree", conditions=["x"])
    assert exc.value.message_dict == {"conditions": ["只有“有条件同意”可以附条件"]}
    assert not Task.objects.exists()


def test_disagreeing_requires_reasons_and_rejects_once_all_are_in(users, major, reviewers):
    review = send(major, users["linqing"], codes=("zrzy", "fgw"))
    with pytest.raises(ValidationError) as exc:
        answer(review, "fgw", reviewers["fgw"], verdict="disagree", reasons="  ")
    assert exc.value.message_dict == {"reasons": ["不同意须说明理由"]}
    answer(review, "fgw", reviewers["fgw"], verdict="disagree", reasons="能耗指标不足")
    review.refresh_from_db()
    assert review.outcome == "reviewing"  # 自然资源 has not answered yet
    answer(review, "zrzy", reviewers["zrzy"])
    review.refresh_from_db()
    assert review.outcome == "rejected"


def test_a_department_answers_only_its_own_opinion_and_only_once(users, major, reviewers):
    review = send(major, users["linqing"], codes=("zrzy", "sthj"))
    for name in ("dept_env", "dept_commerce"):
        with pytest.raises(PermissionDenied):
            svc.opinion_give(
                opinion=opinion(review, "zrzy"),
                actor=reviewers[{"dept_env": "sthj", "dept_commerce": "sww"}[name]],
                verdict="agree",
                on=SENT_ON,
            )
    for name in ("linqing", "inspector", "leader", "auditor"):
        with pytest.raises(PermissionDenied):
            svc.opinion_give(
                opinion=opinion(review, "zrzy"), actor=users[name], verdict="agree", on=SENT_ON
            )
    answer(review, "zrzy", reviewers["zrzy"])
    with pytest.raises(ValidationError) as exc:
        answer(review, "zrzy", reviewers["zrzy"], verdict="disagree", reasons="改主意")
    assert exc.value.message_dict == {"verdict": ["自然资源和规划局已于2024-03-06提出意见"]}


def test_a_stale_opinion_form_is_refused_and_writes_nothing(users, major, reviewers):
    review = send(major, users["linqing"], codes=("zrzy",))
    o = opinion(review, "zrzy")
    ReviewOpinion.objects.filter(pk=o.pk).update(reasons="他人草稿")
    with pytest.raises(VersionConflict):
        svc.opinion_give(
            opinion=o, actor=reviewers["zrzy"], verdict="agree", on=SENT_ON, version=version_of(o)
        )
    o.refresh_from_db()
    assert o.verdict == ""


def test_the_city_closes_with_an_override_only_with_a_reason_and_it_is_audited(
    users, major, reviewers
):
    review = send(major, users["linqing"], codes=("zrzy", "fgw"))
    answer(review, "zrzy", reviewers["zrzy"])
    answer(review, "fgw", reviewers["fgw"], verdict="disagree", reasons="能耗指标不足")
    review.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        svc.review_close(
            review=review,
            actor=users["city"],
            decision="conditional",
            on=SENT_ON + dt.timedelta(days=5),
        )
    assert exc.value.message_dict == {
        "reason": ["决定与各部门意见得出的结论（不通过）不同，须说明理由"]
    }
    with pytest.raises(PermissionDenied):
        svc.review_close(review=review, actor=users["linqing"], decision="passed", reason="x")
    svc.review_close(
        review=review,
        actor=users["city"],
        decision="conditional",
        reason="联席会议研究：由市级统筹能耗指标",
        on=SENT_ON + dt.timedelta(days=5),
    )
    review.refresh_from_db()
    assert (review.is_closed, review.outcome, review.decision, review.final_outcome) == (
        True,
        "rejected",
        "conditional",
        "conditional",
    )
    entry = AuditEntry.objects.filter(object_id=str(review.pk)).order_by("-seq").first()
    assert (
        entry.note
        == "办结联评联审：有条件通过（市级决定，改变各部门意见结论“不通过”；理由：联席会议研究：由市级统筹能耗指标）"
    )


def test_closing_an_unfinished_review_needs_a_decision(users, major, reviewers):
    review = send(major, users["linqing"], codes=("zrzy", "fgw"))
    with pytest.raises(ValidationError) as exc:
        svc.review_close(review=review, actor=users["city"], on=SENT_ON)
    assert exc.value.message_dict == {
        "decision": ["尚有部门未提出意见：提前办结须作出决定并说明理由"]
    }
    svc.review_close(
        review=review, actor=users["city"], decision="rejected", reason="投资方撤回", on=SENT_ON
    )
    with pytest.raises(ValidationError) as exc:
        answer(review, "zrzy", reviewers["zrzy"])
    assert exc.value.message_dict == {"verdict": ["该联评联审已办结，不再接受意见"]}


# --- the signing gate --------------------------------------------------------------------------


def test_without_the_citys_gate_a_major_project_signs_without_review(users, major):
    sign(major, users["linqing"], SENT_ON)
    major.refresh_from_db()
    assert major.stage == Stage.SIGNED


def test_with_the_gate_a_major_project_without_review_cannot_sign(users, major, gate_on):
    with pytest.raises(ValidationError) as exc:
        sign(major, users["linqing"], SENT_ON)
    assert exc.value.message_dict == {"to": ["该项目须经联评联审方可签约，尚未提请联评联审"]}


def test_with_the_gate_signing_waits_for_the_review_and_names_its_state(
    users, major, reviewers, gate_on
):
    review = send(major, users["linqing"], codes=("zrzy", "fgw"))
    with pytest.raises(ValidationError) as exc:
        sign(major, users["linqing"], SENT_ON + dt.timedelta(days=1))
    assert exc.value.message_dict == {
        "to": ["该项目须经联评联审通过或有条件通过方可签约，当前联评联审结论：审查中"]
    }
    answer(review, "zrzy", reviewers["zrzy"])
    answer(review, "fgw", reviewers["fgw"], verdict="disagree", reasons="不符合产业政策")
    with pytest.raises(ValidationError) as exc:
        sign(major, users["linqing"], SENT_ON + dt.timedelta(days=3))
    assert exc.value.message_dict == {
        "to": ["该项目须经联评联审通过或有条件通过方可签约，当前联评联审结论：不通过"]
    }
    review.refresh_from_db()
    svc.review_close(
        review=review,
        actor=users["city"],
        decision="conditional",
        reason="市政府专题会议同意",
        on=SENT_ON + dt.timedelta(days=4),
    )
    sign(major, users["linqing"], SENT_ON + dt.timedelta(days=5))
    major.refresh_from_db()
    assert major.stage == Stage.SIGNED


def test_with_the_gate_a_conditional_outcome_allows_signing(
    users, major, reviewers, gate_on, today
):
    review = send(major, users["linqing"], codes=("zrzy",))
    answer(
        review,
        "zrzy",
        reviewers["zrzy"],
        verdict="conditional",
        conditions=["先行完成土地征收"],
        conditions_due_on=today,
    )
    sign(major, users["linqing"], SENT_ON + dt.timedelta(days=3))


def test_the_gate_leaves_a_small_project_alone(users, make_project, gate_on):
    small = make_project(total_investment_wan=Decimal("20000"), lead_on=SENT_ON)
    sign(small, users["linqing"], SENT_ON)


# --- reminders and the agenda ------------------------------------------------------------------


def test_overdue_opinions_are_reminded_once_per_deadline(users, major, reviewers):
    review = send(major, users["linqing"], codes=("zrzy", "sthj"))
    answer(review, "sthj", reviewers["sthj"])
    assert svc.reviews_remind_overdue(today=dt.date(2024, 3, 11)) == 0  # due that day
    assert svc.reviews_remind_overdue(today=dt.date(2024, 3, 12)) == 1
    assert svc.reviews_remind_overdue(today=dt.date(2024, 3, 13)) == 0
    assert reminders.get("service.review_overdue").produce is svc.reviews_remind_overdue
    notice = Notification.objects.get(kind=svc.KIND_OVERDUE)
    assert notice.recipient == users["dept_land"]
    assert notice.title == "“新能源电池材料项目”的联评联审意见已逾期（应于2024-03-11前提出）"


def test_the_agenda_lists_reviews_with_overdue_opinions_or_a_disagreement(
    users, major, reviewers, make_project
):
    review = send(major, users["linqing"], codes=("zrzy", "fgw"))
    other = make_project(
        name="智能装备项目", total_investment_wan=Decimal("150000"), lead_on=SENT_ON
    )
    calm = send(other, users["linqing"], codes=("zrzy",))
    assert agenda_sources.candidates(as_of=dt.date(2024, 3, 8), user=users["city"]) == []
    answer(review, "fgw", reviewers["fgw"], verdict="disagree", reasons="能耗指标不足")
    found = agenda_sources.candidates(as_of=dt.date(2024, 3, 8), user=users["city"])
    assert [(c.kind, c.object_id, c.title, c.since, c.investment_wan) for c in found] == [
        (
            "review",
            review.pk,
            "联评联审：新能源电池材料项目（1个部门不同意，待决定）",
            SENT_ON,
            Decimal("120000.00"),
        )
    ]
    later = agenda_sources.candidates(as_of=dt.date(2024, 3, 12), user=users["city"])
    assert [c.title for c in later] == [
        "联评联审：新能源电池材料项目（1个部门不同意，待决定；1个部门意见逾期）",
        "联评联审：智能装备项目（1个部门意见逾期）",
    ]
    assert agenda_sources.candidates(as_of=dt.date(2024, 3, 12), user=users["dongchangfu"]) == []
    svc.review_close(
        review=calm,
        actor=users["city"],
        decision="passed",
        reason="补充材料后同意",
        on=dt.date(2024, 3, 12),
    )
    assert len(agenda_sources.candidates(as_of=dt.date(2024, 3, 12), user=users["city"])) == 1
