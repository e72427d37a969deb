"""A stale edit of a project never overwrites another user's save (issue 9 §5)."""

import pytest
from django.urls import reverse

from zhaoshang.core.concurrency import version_of
from zhaoshang.core.tests.concurrency_harness import Edit, VersionedApiCases, VersionedFormCases
from zhaoshang.projects.services import project_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def edit(users, make_project) -> Edit:
    project = make_project(name="轴承项目", total_investment_wan=20000, team="张三")
    return Edit(
        record=project,
        user=users["linqing"],
        url=reverse("projects:edit", args=[project.pk]),
        data={
            "name": "轴承项目",
            "total_investment_wan": "30000",
            "attraction_mode": "door_to_door",
            "team": "张三、李四",
        },
        label="总投资（万元）",
        mine="30000",
        theirs=lambda: project_update(
            actor=users["city"], project=project, total_investment_wan=45000, team="王五"
        ),
        api_url=f"/api/projects/{project.pk}/",
        api_data={"total_investment_wan": "30000", "team": "张三、李四"},
    )


class TestProjectEdit(VersionedFormCases, VersionedApiCases):
    pass


def test_the_conflict_shows_each_field_changed_with_both_values(client, edit):
    client.force_login(edit.user)
    version = version_of(edit.record)
    edit.theirs()
    html = client.post(edit.url, {**edit.data, "version": version}).content.decode()
    assert "总投资（万元）：您填写“30000”，他人已改为“45000”" in html
    assert "工作团队：您填写“张三、李四”，他人已改为“王五”" in html
    assert "项目名称：" not in html  # unchanged by the other save


def test_a_stage_move_meanwhile_does_not_make_the_edit_stale(client, users, edit, today):
    from zhaoshang.projects.services import project_advance_stage

    client.force_login(edit.user)
    version = version_of(edit.record)
    project_advance_stage(project=edit.record, to="negotiating", on=today, actor=users["city"])
    assert version_of(edit.record) == version
    response = client.post(edit.url, {**edit.data, "version": version})
    assert response.status_code == 302


@pytest.fixture
def plan_edit(users, make_project) -> Edit:
    from zhaoshang.projects.services import plan_save

    project = make_project()
    plan = plan_save(actor=users["linqing"], project=project, content="一、目标：年内签约")
    return Edit(
        record=plan,
        user=users["linqing"],
        url=reverse("projects:plan", args=[project.pk]),
        data={"content": "一、目标：年内开工"},
        label="推进方案",
        mine="一、目标：年内开工",
        theirs=lambda: plan_save(
            actor=users["city"], project=project, content="一、目标：年内投产"
        ),
    )


class TestPlanEdit(VersionedFormCases):
    @pytest.fixture
    def edit(self, plan_edit):
        return plan_edit


def test_a_plan_written_meanwhile_is_not_replaced_by_a_stale_new_one(client, users, make_project):
    from zhaoshang.projects.models import ProjectPlan
    from zhaoshang.projects.services import plan_save

    project = make_project()
    client.force_login(users["linqing"])
    url = reverse("projects:plan", args=[project.pk])
    version = client.get(url).context["form"]["version"].value()
    plan_save(actor=users["city"], project=project, content="市级写的方案")
    response = client.post(url, {"content": "县里写的方案", "version": version})
    assert "推进方案：您填写“县里写的方案”，他人已改为“市级写的方案”" in response.content.decode()
    assert ProjectPlan.objects.get(project=project).content == "市级写的方案"


@pytest.fixture
def milestone_edit(users, make_project, today) -> Edit:
    import datetime as dt

    from zhaoshang.projects.services import milestone_complete, milestone_create

    project = make_project()
    milestone = milestone_create(
        actor=users["linqing"], project=project, title="取得施工许可证", due_on=today
    )
    return Edit(
        record=milestone,
        user=users["linqing"],
        url=reverse("projects:milestone-complete", args=[milestone.pk]),
        data={"done_on": today.isoformat()},
        label="实际完成日期",
        mine=today.isoformat(),
        theirs=lambda: milestone_complete(
            actor=users["city"], milestone=milestone, done_on=today - dt.timedelta(days=1)
        ),
    )


class TestMilestoneCompletion(VersionedFormCases):
    @pytest.fixture
    def edit(self, milestone_edit):
        return milestone_edit


@pytest.mark.postgresql  # two connections racing for the row lock
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_read_race_and_exactly_one_is_written(users, make_project):
    import threading
    from decimal import Decimal

    from django.db import connection

    from zhaoshang.core.concurrency import VersionConflict
    from zhaoshang.projects.models import Project

    project = make_project(total_investment_wan=20000)
    version = version_of(project)
    start = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def save(amount: int) -> None:
        try:
            mine = Project.objects.get(pk=project.pk)
            start.wait(timeout=10)
            project_update(
                actor=users["city"], project=mine, total_investment_wan=amount, version=version
            )
            outcome[amount] = "saved"
        except VersionConflict:
            outcome[amount] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(amount,)) for amount in (30000, 45000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == ["refused", "saved"]
    (saved,) = [amount for amount, result in outcome.items() if result == "saved"]
    project.refresh_from_db()
    assert project.total_investment_wan == Decimal(saved)
