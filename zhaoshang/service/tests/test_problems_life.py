"""Problems: routing by category, working-day deadlines, every step of their life and its
refusals, the timeline and the audit, the notices sent once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.audit import history_for
from zhaoshang.core.models import WorkdayOverride
from zhaoshang.notices.models import Notification
from zhaoshang.service.models import Problem, ProblemEvent, ProblemStatus
from zhaoshang.service.services.problems import (
    allowed_steps,
    problem_acknowledge,
    problem_answer,
    problem_confirm,
    problem_note,
    problem_reopen,
    problem_reroute,
    problem_resolve,
)

from .problems_support import *  # noqa: F403  (the fixtures)
from .problems_support import jpeg, on_day

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_land_problem_raised_friday_before_national_day_goes_to_zrzy_due_october_10(
    raise_problem, categories
):
    categories["land"].limit_workdays = 5
    categories["land"].save()
    problem = raise_problem(category="land", on=D(2024, 9, 27))
    assert problem.department.code == "zrzy"
    assert problem.raised_on == D(2024, 9, 27)
    assert problem.due_on == D(2024, 10, 10)
    assert problem.status == ProblemStatus.RAISED
    assert problem.channel == "commissioner"
    assert problem.raised_by_name == "commissioner"


def test_each_category_routes_to_its_department(raise_problem):
    routes = {
        code: raise_problem(category=code).department.code
        for code in ("land", "planning", "eia", "energy", "power", "finance", "labour",
                     "approval", "other")
    }  # fmt: skip
    assert routes == {
        "land": "zrzy", "planning": "zrzy", "eia": "sthj", "energy": "fgw", "power": "gdgs",
        "finance": "jrb", "labour": "rsj", "approval": "xzsp", "other": "sww",
    }  # fmt: skip


def test_a_deadline_in_2027_falls_back_to_weekdays_and_follows_the_citys_overrides(
    raise_problem, categories
):
    categories["power"].limit_workdays = 5
    categories["power"].save()
    # Thursday 2026-12-31 + 5 weekdays: Fri 1, Mon 4 .. Thu 7.
    assert raise_problem(category="power", on=D(2026, 12, 31)).due_on == D(2027, 1, 7)
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    assert raise_problem(category="power", on=D(2026, 12, 31)).due_on == D(2027, 1, 8)


def test_raising_writes_the_first_event_the_audit_entry_and_tells_the_department_once(
    raise_problem, people
):
    problem = raise_problem()
    event = problem.events.get()
    assert (event.kind, event.on, event.actor_id) == (
        "raise",
        D(2024, 9, 27),
        people["commissioner"].pk,
    )
    assert history_for(problem).filter(action="create").count() == 1
    notices = Notification.objects.filter(kind="problem_routed")
    assert [n.recipient.username for n in notices] == ["dept_land"]
    assert notices.get().url == f"/service/problems/{problem.pk}/"


def test_raising_refuses_empty_fields_by_field_in_chinese(raise_problem):
    with pytest.raises(ValidationError) as caught:
        raise_problem(title=" ", description="")
    assert caught.value.message_dict == {"title": ["请填写问题"], "description": ["请填写具体情况"]}


def test_raising_keeps_photos_checked_by_content_and_refuses_a_renamed_file(raise_problem):
    problem = raise_problem(photos=[jpeg("一.jpg"), jpeg("二.jpg")])
    assert [(p.original_name, p.content_type) for p in problem.photos.all()] == [
        ("一.jpg", "image/jpeg"), ("二.jpg", "image/jpeg"),
    ]  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("假照片.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        raise_problem(photos=[fake])
    assert caught.value.message_dict == {"photos": ["文件内容不是 JPEG 图片：假照片.jpg"]}
    assert Problem.objects.count() == 1


def test_a_department_cannot_raise_and_a_commissioner_only_on_projects_they_see(
    raise_problem, make_project, people
):
    with pytest.raises(PermissionDenied):
        raise_problem(by="dept_land")
    other = make_project("dongchangfu", name="东昌府项目")
    with pytest.raises(PermissionDenied):
        raise_problem(by="commissioner", project=other)
    assert raise_problem(by="linqing").channel == "unit"


def test_the_whole_life_raised_to_confirmed_with_dated_attributed_events(raise_problem, people):
    problem = raise_problem(on=D(2024, 9, 27))
    with on_day(D(2024, 9, 29)):
        problem = problem_acknowledge(actor=people["dept_land"], problem=problem)
    with on_day(D(2024, 10, 8)):
        problem = problem_answer(
            actor=people["dept_land"], problem=problem, answer="已纳入十月批次"
        )
    with on_day(D(2024, 10, 9)):
        problem = problem_resolve(actor=people["dept_land"], problem=problem, result="指标已下达")
    with on_day(D(2024, 10, 11)):
        problem = problem_confirm(actor=people["commissioner"], problem=problem, satisfaction=5)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CONFIRMED
    assert (problem.acknowledged_on, problem.answered_on, problem.resolved_on, problem.confirmed_on) == (
        D(2024, 9, 29), D(2024, 10, 8), D(2024, 10, 9), D(2024, 10, 11),
    )  # fmt: skip
    assert problem.satisfaction == 5
    assert problem.answer == "指标已下达"
    events = list(problem.events.values_list("kind", "on", "actor_name"))
    assert events == [
        ("raise", D(2024, 9, 27), "commissioner"),
        ("acknowledge", D(2024, 9, 29), "dept_land"),
        ("answer", D(2024, 10, 8), "dept_land"),
        ("resolve", D(2024, 10, 9), "dept_land"),
        ("confirm", D(2024, 10, 11), "commissioner"),
    ]
    assert history_for(problem).count() == 5
    kinds = sorted(Notification.objects.values_list("kind", "recipient__username"))
    assert kinds == [
        ("problem_answered", "commissioner"),
        ("problem_resolved", "commissioner"),
        ("problem_routed", "dept_land"),
    ]


def test_confirming_an_answer_directly_counts_it_resolved_on_the_answer_day(raise_problem, people):
    problem = raise_problem()
    with on_day(D(2024, 9, 30)):
        problem_acknowledge(actor=people["dept_land"], problem=problem)
        problem_answer(actor=people["dept_land"], problem=problem, answer="按政策可办理")
    with on_day(D(2024, 10, 15)):
        problem = problem_confirm(actor=people["linqing"], problem=problem, satisfaction=4)
    assert (problem.status, problem.resolved_on, problem.satisfaction) == (
        "confirmed",
        D(2024, 9, 30),
        4,
    )


def test_reopening_needs_a_reason_sends_it_back_to_the_department_and_keeps_the_deadline(
    raise_problem, people
):
    problem = raise_problem()
    with on_day(D(2024, 9, 30)):
        problem_acknowledge(actor=people["dept_land"], problem=problem)
        problem_resolve(actor=people["dept_land"], problem=problem, result="已协调")
    with pytest.raises(ValidationError) as caught:
        problem_reopen(actor=people["commissioner"], problem=problem, reason="  ")
    assert caught.value.message_dict == {"reason": ["请说明退回理由"]}
    with on_day(D(2024, 10, 8)):
        problem = problem_reopen(
            actor=people["commissioner"], problem=problem, reason="指标仍未到位"
        )
    assert (problem.status, problem.resolved_on, problem.reopen_count, problem.due_on) == (
        "reopened", None, 1, D(2024, 10, 16),
    )  # fmt: skip
    assert (
        Notification.objects.filter(kind="problem_reopened").get().recipient.username == "dept_land"
    )
    assert allowed_steps(people["dept_land"], problem) == ["acknowledge", "note"]
    with on_day(D(2024, 10, 9)):
        problem_acknowledge(actor=people["dept_land"], problem=problem)


@pytest.mark.parametrize(
    ("step", "kwargs", "message"),
    [
        ("answer", {"answer": "x"}, "问题当前为“待签收”，不能答复"),
        ("resolve", {"result": "x"}, "问题当前为“待签收”，不能办结"),
        ("confirm", {"satisfaction": 5}, "问题当前为“待签收”，不能确认"),
        ("reopen", {"reason": "x"}, "问题当前为“待签收”，不能退回重办"),
    ],
)
def test_a_step_out_of_order_is_refused_on_the_status(raise_problem, people, step, kwargs, message):
    services = {"answer": problem_answer, "resolve": problem_resolve, "confirm": problem_confirm,
                "reopen": problem_reopen}  # fmt: skip
    actor = people["dept_land"] if step in ("answer", "resolve") else people["commissioner"]
    problem = raise_problem()
    with pytest.raises(ValidationError) as caught:
        services[step](actor=actor, problem=problem, **kwargs)
    assert caught.value.message_dict == {"status": [message]}


def test_confirming_needs_a_rating_from_1_to_5(raise_problem, people):
    problem = raise_problem()
    problem_acknowledge(actor=people["dept_land"], problem=problem)
    problem_resolve(actor=people["dept_land"], problem=problem, result="已办结")
    for bad in (None, 0, 6):
        with pytest.raises(ValidationError) as caught:
            problem_confirm(actor=people["commissioner"], problem=problem, satisfaction=bad)
        assert caught.value.message_dict == {"satisfaction": ["请选择满意度（1～5分）"]}


@pytest.mark.parametrize("who", ["dept_env", "linqing", "commissioner", "leader", "inspector"])
def test_only_the_routed_department_or_the_city_takes_the_departments_steps(
    raise_problem, people, who
):
    problem = raise_problem()
    with pytest.raises(PermissionDenied):
        problem_acknowledge(actor=people[who], problem=problem)
    problem_acknowledge(actor=people["city"], problem=problem)


@pytest.mark.parametrize("who", ["dept_land", "linqing2", "commissioner", "city"])
def test_the_raiser_the_projects_unit_its_commissioner_and_the_city_may_confirm(
    raise_problem, people, who
):
    problem = raise_problem(by="linqing")
    problem_acknowledge(actor=people["dept_land"], problem=problem)
    problem_resolve(actor=people["dept_land"], problem=problem, result="已办结")
    if who == "dept_land":
        with pytest.raises(PermissionDenied):
            problem_confirm(actor=people[who], problem=problem, satisfaction=3)
    else:
        assert (
            problem_confirm(actor=people[who], problem=problem, satisfaction=3).status
            == "confirmed"
        )


@pytest.mark.parametrize("who", ["dongchangfu", "commissioner2", "dept_env", "auditor", "sysadmin"])
def test_someone_outside_the_problem_cannot_confirm_it(raise_problem, people, who):
    problem = raise_problem()
    problem_acknowledge(actor=people["dept_land"], problem=problem)
    problem_resolve(actor=people["dept_land"], problem=problem, result="已办结")
    with pytest.raises(PermissionDenied):
        problem_confirm(actor=people[who], problem=problem, satisfaction=3)


def test_a_stale_version_is_refused_and_nothing_moves(raise_problem, people):
    from zhaoshang.core.concurrency import VersionConflict, version_of

    problem = raise_problem()
    read = version_of(problem)
    problem_acknowledge(actor=people["city"], problem=problem, version=read)
    with pytest.raises(VersionConflict):
        problem_acknowledge(actor=people["dept_land"], problem=problem, version=read)
    assert ProblemEvent.objects.filter(problem=problem, kind="acknowledge").count() == 1


def test_the_city_reroutes_with_a_reason_and_the_new_department_is_told(raise_problem, people):
    from zhaoshang.accounts.models import Department

    problem = raise_problem(category="other")
    sthj = Department.objects.get(code="sthj")
    with pytest.raises(PermissionDenied):
        problem_reroute(actor=people["dept_land"], problem=problem, department=sthj, reason="x")
    with pytest.raises(ValidationError) as caught:
        problem_reroute(actor=people["city"], problem=problem, department=sthj, reason="")
    assert caught.value.message_dict == {"reason": ["请说明改派理由"]}
    problem = problem_reroute(
        actor=people["city"], problem=problem, department=sthj, reason="属环评事项"
    )
    assert problem.department.code == "sthj"
    event = problem.events.last()
    assert (event.kind, event.department_id, event.text) == ("reroute", sthj.pk, "属环评事项")
    assert (
        Notification.objects.filter(kind="problem_routed", recipient=people["dept_env"]).count()
        == 1
    )
    entry = history_for(problem).filter(note="问题诉求改派").get()
    assert (entry.before["department_id"], entry.after["department_id"]) != (sthj.pk, sthj.pk)


def test_an_internal_note_is_an_internal_event(raise_problem, people):
    problem = raise_problem()
    problem = problem_note(actor=people["dept_land"], problem=problem, note="需请示分管局长")
    assert problem.internal_note == "需请示分管局长"
    assert problem.events.filter(internal=True).get().text == "需请示分管局长"
    with pytest.raises(PermissionDenied):
        problem_note(actor=people["commissioner"], problem=problem, note="x")
