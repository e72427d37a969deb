"""A closed period freezes the milestone completions and stage changes dated in it until reopened."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.core import audit
from zhaoshang.core.closing import period_close, period_reopen
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.projects.models import Milestone, Project, Stage, StageChange
from zhaoshang.projects.services import milestone_complete, milestone_create, project_advance_stage

pytestmark = pytest.mark.django_db

D = dt.date


def closed_q1(users):
    """Close 2024Q1 as the city; returns the message every refusal dated in it carries."""
    close = period_close(actor=users["city"], period="2024Q1", note="一季度数据截止")
    return (
        f"2024年第1季度已关账（{close.closed_at:%Y-%m-%d} 由city关闭），"
        "不能再修改该期间的记录；如需更正，请市级管理员说明理由后重新开放该期间"
    )


@pytest.fixture
def milestone(users, make_project):
    project = make_project(lead_on=D(2024, 1, 5))
    return milestone_create(
        actor=users["linqing"], project=project, title="土地摘牌", due_on=D(2024, 3, 15)
    )


def milestone_actions(milestone: Milestone) -> list[str]:
    return [e.action for e in audit.history_for(milestone).order_by("id")]


# --- milestones ---------------------------------------------------------------------------------


def test_completing_a_milestone_on_a_date_in_a_closed_quarter_is_refused_and_changes_nothing(
    users, milestone
):
    message = closed_q1(users)
    for actor in ("linqing", "city"):  # the city, who may reopen, is not exempt either
        with pytest.raises(ValidationError) as exc:
            milestone_complete(actor=users[actor], milestone=milestone, done_on=D(2024, 3, 10))
        assert exc.value.message_dict == {"done_on": [message]}
    assert milestone.done_on is None
    milestone.refresh_from_db()
    assert milestone.done_on is None
    assert milestone_actions(milestone) == [AuditAction.CREATE]


def test_completing_a_milestone_after_the_closed_quarter_is_accepted(users, milestone):
    closed_q1(users)
    milestone_complete(actor=users["linqing"], milestone=milestone, done_on=D(2024, 4, 1))
    milestone.refresh_from_db()
    assert milestone.done_on == D(2024, 4, 1)
    assert milestone_actions(milestone) == [AuditAction.CREATE, AuditAction.UPDATE]


def test_reopening_the_quarter_allows_completing_a_milestone_in_it(users, milestone):
    closed_q1(users)
    period_reopen(actor=users["city"], period="2024Q1", reason="临清补录节点完成日期")
    milestone_complete(actor=users["linqing"], milestone=milestone, done_on=D(2024, 3, 10))
    milestone.refresh_from_db()
    assert milestone.done_on == D(2024, 3, 10)


def test_moving_a_completion_recorded_in_a_closed_quarter_out_of_it_is_refused(users, milestone):
    milestone_complete(actor=users["linqing"], milestone=milestone, done_on=D(2024, 3, 10))
    message = closed_q1(users)
    with pytest.raises(ValidationError) as exc:
        milestone_complete(actor=users["linqing"], milestone=milestone, done_on=D(2024, 4, 20))
    assert exc.value.message_dict == {"done_on": [f"该节点已于2024-03-10完成，{message}"]}
    milestone.refresh_from_db()
    assert milestone.done_on == D(2024, 3, 10)


def test_a_future_date_in_an_open_period_is_still_refused_alone(users, milestone, today):
    closed_q1(users)
    with pytest.raises(ValidationError) as exc:
        milestone_complete(
            actor=users["linqing"], milestone=milestone, done_on=today + dt.timedelta(days=1)
        )
    assert exc.value.message_dict == {"done_on": ["日期不能晚于今天"]}


def test_the_milestone_dialog_shows_the_closed_quarter_on_the_date_field(client, users, milestone):
    message = closed_q1(users)
    client.force_login(users["linqing"])
    url = reverse("projects:milestone-complete", args=[milestone.pk])
    response = client.post(url, {"done_on": "2024-03-10", "version": version_of(milestone)})
    assert response.status_code == 200
    assert response.context["form"].errors["done_on"] == [message]
    milestone.refresh_from_db()
    assert milestone.done_on is None


# --- stage changes ------------------------------------------------------------------------------


def advance(project: Project, actor, on: dt.date) -> StageChange:
    return project_advance_stage(project=project, to=Stage.NEGOTIATING, on=on, actor=actor)


def test_a_stage_change_dated_in_a_closed_quarter_is_refused_and_writes_nothing(
    users, make_project
):
    project = make_project(lead_on=D(2024, 1, 5))
    message = closed_q1(users)
    for actor in ("linqing", "city"):  # the city, who may reopen, is not exempt either
        with pytest.raises(ValidationError) as exc:
            advance(project, users[actor], D(2024, 3, 20))
        assert exc.value.message_dict == {"on": [message]}
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert StageChange.objects.filter(project=project).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.STAGE).exists()


def test_a_stage_change_dated_after_the_closed_quarter_is_accepted(users, make_project):
    project = make_project(lead_on=D(2024, 1, 5))
    closed_q1(users)
    change = advance(project, users["linqing"], D(2024, 4, 2))
    project.refresh_from_db()
    assert (change.on, project.stage) == (D(2024, 4, 2), Stage.NEGOTIATING)


def test_reopening_the_quarter_allows_a_stage_change_dated_in_it(users, make_project):
    project = make_project(lead_on=D(2024, 1, 5))
    closed_q1(users)
    period_reopen(actor=users["city"], period="2024Q1", reason="补录洽谈日期")
    change = advance(project, users["linqing"], D(2024, 3, 20))
    project.refresh_from_db()
    assert (change.on, project.stage) == (D(2024, 3, 20), Stage.NEGOTIATING)


def test_the_stage_api_answers_400_on_the_date_for_a_closed_quarter(users, make_project):
    project = make_project(lead_on=D(2024, 1, 5))
    message = closed_q1(users)
    response = client_for(users["linqing"]).post(
        f"/api/projects/{project.pk}/stage/",
        {"to": "negotiating", "on": "2024-03-20"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"on": [message]}
    assert StageChange.objects.filter(project=project).count() == 1


# --- leads --------------------------------------------------------------------------------------


def test_a_lead_back_dated_into_a_closed_quarter_is_refused_and_writes_nothing(users, make_project):
    message = closed_q1(users)
    for actor in ("linqing", "city"):
        with pytest.raises(ValidationError) as exc:
            make_project(actor, name="回溯线索", lead_on=D(2024, 3, 31))
        assert exc.value.message_dict == {"lead_on": [message]}
    assert not Project.objects.filter(name="回溯线索").exists()


def test_a_lead_dated_after_the_closed_quarter_is_accepted(users, make_project):
    closed_q1(users)

    project = make_project(lead_on=D(2024, 4, 1))

    assert StageChange.objects.get(project=project).on == D(2024, 4, 1)


def test_the_project_api_answers_400_on_the_lead_date_for_a_closed_quarter(users):
    message = closed_q1(users)
    response = client_for(users["linqing"]).post(
        "/api/projects/",
        {
            "name": "回溯线索",
            "unit": "371581",
            "total_investment_wan": "100",
            "lead_on": "2024-02-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"lead_on": [message]}
    assert not Project.objects.filter(name="回溯线索").exists()
