"""Who reaches which projects: restrict() by role scope, require() for writes."""

import pytest
from django.core.exceptions import PermissionDenied

from zhaoshang.core.permissions import Scope, in_scope, require, restrict
from zhaoshang.projects.models import FundsRecord, Project, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(users, make_project):
    linqing = make_project(name="临清项目")
    dongchangfu = make_project("dongchangfu", name="东昌府项目")
    return {"linqing": linqing, "dongchangfu": dongchangfu}


def visible(user, model=Project, action="view"):
    return sorted(restrict(model.objects.all(), user, action).values_list("name", flat=True))


def test_city_admin_and_inspector_see_every_unit(users, projects):
    assert visible(users["city"]) == ["东昌府项目", "临清项目"]
    assert visible(users["inspector"]) == ["东昌府项目", "临清项目"]


def test_county_user_sees_only_own_unit(users, projects):
    assert visible(users["linqing"]) == ["临清项目"]
    assert visible(users["dongchangfu"]) == ["东昌府项目"]


def test_county_user_cannot_see_other_county_stage_log(users, projects):
    logs = restrict(StageChange.objects.all(), users["linqing"], "view")
    assert {c.project_id for c in logs} == {projects["linqing"].pk}


def test_city_leader_sees_all_and_county_leader_own_unit(users, projects):
    assert users["leader"].scope == Scope.ALL
    assert visible(users["leader"]) == ["东昌府项目", "临清项目"]
    assert visible(users["linqing_leader"]) == ["临清项目"]


def test_commissioner_sees_only_assigned_projects(users, projects):
    assert visible(users["commissioner"]) == []
    Project.objects.filter(pk=projects["dongchangfu"].pk).update(commissioner=users["commissioner"])
    assert visible(users["commissioner"]) == ["东昌府项目"]


def test_roles_without_project_permission_see_nothing(users, projects):
    for name in ("dept_land", "sysadmin", "norole"):
        assert visible(users[name]) == [], name


def test_inspector_has_no_write_scope(users, projects):
    assert visible(users["inspector"], action="change") == []
    with pytest.raises(PermissionDenied, match="没有修改招商项目的权限"):
        require(users["inspector"], "change", projects["linqing"])


def test_inactive_user_sees_nothing(users, projects):
    user = users["city"]
    user.is_active = False
    user.save()
    assert visible(user) == []


def test_in_scope_checks_unsaved_child_records(users, projects):
    record = FundsRecord(project=projects["linqing"])
    assert in_scope(users["linqing"], record) is True
    assert in_scope(users["dongchangfu"], record) is False


def test_anonymous_user_is_denied(projects):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == []
