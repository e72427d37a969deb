"""Overdue problems climb the ladder one rung per daily run (department head → 分管 city leader →
the next 联席会议's agenda), each rung told to the right people once; manual escalation by the
city; reminders before the deadline; the agenda source; the figures of a department."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.notices import reminders
from zhaoshang.notices.models import Notification
from zhaoshang.service import agenda_sources
from zhaoshang.service.models import SupervisingLeader
from zhaoshang.service.selectors import problems as selectors
from zhaoshang.service.services.problems import (
    problem_acknowledge,
    problem_confirm,
    problem_escalate,
    problem_resolve,
    problems_daily,
)

from .problems_support import *  # noqa: F403  (the fixtures)
from .problems_support import on_day

pytestmark = pytest.mark.django_db
D = dt.date


def _notified(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "key"))


@pytest.fixture
def late(raise_problem, categories):
    """A power problem raised Monday 2024-03-04, 5 working days: due Monday 2024-03-11."""
    categories["power"].limit_workdays = 5
    categories["power"].save()
    return raise_problem(category="power", on=D(2024, 3, 4))


@pytest.fixture
def gdgs_staff(people):
    from zhaoshang.accounts.models import Department
    from zhaoshang.accounts.roles import Role
    from zhaoshang.conftest import _make

    return _make("dept_power", Role.DEPT_STAFF, dept=Department.objects.get(code="gdgs"))


def test_the_daily_job_reminds_the_department_the_working_day_before_the_deadline_once(
    late, gdgs_staff
):
    assert problems_daily(today=D(2024, 3, 7)) == 0  # Thursday: two working days left
    assert problems_daily(today=D(2024, 3, 8)) == 1  # Friday: due on the next working day
    assert problems_daily(today=D(2024, 3, 8)) == 0
    assert _notified("problem_due_soon") == [
        ("dept_power", f"problem-due-soon:{late.pk}:2024-03-11")
    ]


def test_overdue_problems_climb_one_rung_per_run_up_to_the_meeting(late, gdgs_staff, people):
    SupervisingLeader.objects.create(department=late.department, leader=people["leader"])
    problems_daily(today=D(2024, 3, 11))  # due today: not late
    late.refresh_from_db()
    assert late.escalation_level == 0
    problems_daily(today=D(2024, 3, 12))  # 1 working day late: rung 1
    late.refresh_from_db()
    assert (late.escalation_level, late.escalated_on) == (1, D(2024, 3, 12))
    assert _notified("problem_overdue") == [
        ("commissioner", f"problem-overdue:{late.pk}:2024-03-11"),
        ("dept_power", f"problem-overdue:{late.pk}:2024-03-11"),
    ]
    problems_daily(today=D(2024, 3, 13))  # 2 late: stays on rung 1
    late.refresh_from_db()
    assert late.escalation_level == 1
    problems_daily(today=D(2024, 3, 14))  # 3 late: rung 2, the 分管 leader is told
    late.refresh_from_db()
    assert late.escalation_level == 2
    assert ("leader", f"problem-escalated:{late.pk}:2") in _notified("problem_escalated")
    problems_daily(today=D(2024, 3, 18))  # 5 late: rung 3, the city prepares the meeting
    late.refresh_from_db()
    assert late.escalation_level == 3
    escalated = _notified("problem_escalated")
    assert ("city", f"problem-escalated:{late.pk}:3") in escalated
    assert ("dept_power", f"problem-escalated:{late.pk}:1") in escalated
    problems_daily(today=D(2024, 3, 25))
    late.refresh_from_db()
    assert late.escalation_level == 3
    assert [e.level for e in late.events.filter(kind="escalate")] == [1, 2, 3]
    assert Notification.objects.filter(kind="problem_overdue").count() == 2


def test_a_jump_of_many_days_still_climbs_only_one_rung_per_run(late, gdgs_staff):
    problems_daily(today=D(2024, 4, 30))
    late.refresh_from_db()
    assert late.escalation_level == 1
    problems_daily(today=D(2024, 4, 30))
    problems_daily(today=D(2024, 4, 30))
    late.refresh_from_db()
    assert late.escalation_level == 3


def test_a_resolved_problem_is_neither_reminded_nor_escalated(late, gdgs_staff):
    with on_day(D(2024, 3, 5)):
        problem_acknowledge(actor=gdgs_staff, problem=late)
        problem_resolve(actor=gdgs_staff, problem=late, result="已接电")
    assert problems_daily(today=D(2024, 3, 20)) == 0
    late.refresh_from_db()
    assert late.escalation_level == 0


def test_the_job_is_registered_with_the_reminders_and_runs_from_there(late, gdgs_staff):
    report = reminders.run(today=D(2024, 3, 12), only=["service.problems"])
    assert report.failed == {} and report.created["service.problems"] == 3
    late.refresh_from_db()
    assert late.escalation_level == 1


def test_without_a_named_supervising_leader_the_city_leaders_are_told(late, gdgs_staff, people):
    for _ in range(2):
        with on_day(D(2024, 3, 12)):
            problem_escalate(actor=people["city"], problem=late, reason="投资方多次反映")
    names = [u for u, _ in _notified("problem_escalated")]
    assert "leader" in names and "linqing_leader" not in names


def test_manual_escalation_is_for_the_city_with_the_reason_on_the_timeline(late, people):
    with pytest.raises(PermissionDenied):
        problem_escalate(actor=people["commissioner"], problem=late, reason="x")
    with pytest.raises(PermissionDenied):
        problem_escalate(actor=people["dept_land"], problem=late, reason="x")
    with on_day(D(2024, 3, 6)):
        late = problem_escalate(actor=people["city"], problem=late, reason="投资方多次反映")
    event = late.events.get(kind="escalate")
    assert (event.on, event.level, event.text) == (
        D(2024, 3, 6),
        1,
        "部门负责人督办：投资方多次反映",
    )
    for _ in range(2):
        late = problem_escalate(actor=people["city"], problem=late)
    with pytest.raises(ValidationError) as caught:
        problem_escalate(actor=people["city"], problem=late)
    assert caught.value.message_dict == {"status": ["问题当前为“待签收”，不能升级督办"]} or (
        caught.value.message_dict == {"escalation_level": ["已提交联席会议，不能再升级"]}
    )


def test_level_three_problems_still_open_are_the_meetings_agenda_candidates(late, people, project):
    for _ in range(3):
        with on_day(D(2024, 3, 20)):
            late = problem_escalate(actor=people["city"], problem=late)
    found = [c for c in agenda_sources.candidates(as_of=D(2024, 3, 25), user=people["city"])
             if c.kind == "problem"]  # fmt: skip
    assert [(c.object_id, c.project_id, c.since, c.investment_wan) for c in found] == [
        (late.pk, project.pk, D(2024, 3, 20), Decimal("20000.00"))
    ]
    assert found[0].title == "【供电公司】用地指标未落实（高端轴承基地）"
    assert [c for c in agenda_sources.candidates(as_of=D(2024, 3, 19), user=people["city"])
            if c.kind == "problem"] == []  # fmt: skip
    assert [c for c in agenda_sources.candidates(as_of=D(2024, 3, 25), user=people["dongchangfu"])
            if c.kind == "problem"] == []  # fmt: skip


def test_the_figures_count_completion_on_time_days_and_satisfaction(raise_problem, people):
    # Three land problems (10 working days): one resolved in time, one late, one still open late.
    a = raise_problem(title="甲", on=D(2024, 3, 4))  # due 2024-03-18
    b = raise_problem(title="乙", on=D(2024, 3, 4))
    raise_problem(title="丙", on=D(2024, 3, 4))
    with on_day(D(2024, 3, 8)):
        problem_acknowledge(actor=people["dept_land"], problem=a)
        problem_resolve(actor=people["dept_land"], problem=a, result="已办结")
        problem_confirm(actor=people["commissioner"], problem=a, satisfaction=5)
    with on_day(D(2024, 3, 22)):
        problem_acknowledge(actor=people["dept_land"], problem=b)
        problem_resolve(actor=people["dept_land"], problem=b, result="已办结")
        problem_confirm(actor=people["commissioner"], problem=b, satisfaction=2)
    qs = selectors.visible_problems(user=people["dept_land"])
    figures = selectors.figures(qs)
    assert figures.raised == 3
    assert figures.completion_rate == Decimal("66.7")
    assert figures.on_time_rate == Decimal("50.0")  # of the two resolved, one in time
    assert figures.average_workdays == Decimal("9.0")  # 4 and 14 working days
    assert figures.satisfaction == Decimal("3.50")
    assert selectors.figures(selectors.visible_problems(user=people["dept_env"])).raised == 0
    raise_problem(title="丁", on=D(2024, 3, 28))  # open: not counted in 按期办结率
    assert selectors.figures(qs).on_time_rate == Decimal("50.0")
    assert selectors.figures(qs).raised == 4
