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
