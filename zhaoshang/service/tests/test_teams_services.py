"""五个一 service teams: the leader's level against the project's level, who sets up which team,
members with duties, and "一抓到底" — the team stays until 投产, then closes, never deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.accounts.models import Department
from zhaoshang.core import audit
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.projects.models import Stage
from zhaoshang.service.models import ServiceTeam, TeamLevel
from zhaoshang.service.services.teams import member_add, member_leave, team_close, team_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def land():
    return Department.objects.get(code="zrzy")


@pytest.fixture
def project(make_project):
    return make_project(name="临清轴承项目", is_key=True)


def _save(actor, project, level, leader, land, today, **kw):
    return team_save(
        actor=actor, project=project, level=level, leader=leader, lead_department=land,
        assigned_on=today, **kw,
    )  # fmt: skip


def test_the_city_sets_up_a_city_key_projects_team_with_a_city_leader_at_the_top(
    users, project, land, today
):
    team = _save(users["city"], project, TeamLevel.CITY, users["leader"], land, today,
                 commissioner=users["commissioner"])  # fmt: skip
    project.refresh_from_db()
    assert (team.level, team.is_top_level, team.lead_department) == ("city", True, land)
    assert (project.lead_leader, project.commissioner) == (users["leader"], users["commissioner"])
    assert [e.action for e in audit.history_for(team)] == ["create"]


def test_a_city_key_project_refuses_a_county_leader_and_a_county_one_a_city_leader(
    users, project, land, today
):
    with pytest.raises(ValidationError) as caught:
        _save(users["city"], project, TeamLevel.CITY, users["linqing_leader"], land, today)
    assert caught.value.message_dict == {"leader": ["市级重点项目须由市级领导顶格帮包"]}
    with pytest.raises(ValidationError) as caught:
        _save(users["linqing"], project, TeamLevel.COUNTY, users["leader"], land, today)
    assert caught.value.message_dict == {
        "leader": ["县级重点项目须由项目所在县（市、区）的领导包帮"]
    }
    with pytest.raises(ValidationError) as caught:
        _save(users["city"], project, TeamLevel.COUNTY, users["commissioner"], land, today)
    assert caught.value.message_dict == {"leader": ["包帮领导须为在岗的领导账号"]}
    assert ServiceTeam.objects.count() == 0


def test_a_unit_sets_up_its_own_county_team_but_not_a_city_one_nor_another_units(
    users, project, make_project, land, today
):
    team = _save(users["linqing"], project, TeamLevel.COUNTY, users["linqing_leader"], land, today)
    assert team.level == "county"
    with pytest.raises(PermissionDenied):
        _save(users["linqing"], project, TeamLevel.CITY, users["leader"], land, today)
    other = make_project("dongchangfu", name="东昌府项目", is_key=True)
    with pytest.raises(PermissionDenied):
        _save(users["linqing"], other, TeamLevel.COUNTY, users["linqing_leader"], land, today)
    for who in ("leader", "commissioner", "dept_land", "inspector", "auditor", "sysadmin"):
        with pytest.raises(PermissionDenied):
            _save(users[who], other, TeamLevel.COUNTY, users["linqing_leader"], land, today)


def test_a_unit_cannot_change_a_team_the_city_set_at_city_level(users, project, land, today):
    _save(users["city"], project, TeamLevel.CITY, users["leader"], land, today)
    with pytest.raises(PermissionDenied):
        _save(users["linqing"], project, TeamLevel.COUNTY, users["linqing_leader"], land, today)


def test_only_key_projects_get_a_team(users, make_project, land, today):
    plain = make_project(name="一般项目")
    with pytest.raises(ValidationError) as caught:
        _save(users["city"], plain, TeamLevel.CITY, users["leader"], land, today)
    assert caught.value.message_dict == {"project": ["只有重点项目组建“五个一”服务团队"]}


def test_a_stale_team_edit_writes_nothing(users, project, land, today):
    team = _save(users["city"], project, TeamLevel.CITY, users["leader"], land, today)
    read = version_of(team)
    env = Department.objects.get(code="sthj")
    _save(users["city2"], project, TeamLevel.CITY, users["leader"], env, today, version=read)
    with pytest.raises(VersionConflict):
        _save(users["city"], project, TeamLevel.CITY, users["leader"], land, today, version=read)
    team.refresh_from_db()
    assert team.lead_department == env


def test_members_join_with_a_duty_and_leave_with_a_reason_kept_on_the_team(
    users, project, land, today
):
    team = _save(users["city"], project, TeamLevel.CITY, users["leader"], land, today)
    member = member_add(actor=users["city"], team=team, user=users["dept_land"],
                        duty="负责用地报批", joined_on=today)  # fmt: skip
    named = member_add(actor=users["city"], team=team, name="王建国", duty="企业联络",
                       joined_on=today)  # fmt: skip
    assert (member.department, member.display_name) == (land, "dept_land")
    assert named.display_name == "王建国"
    with pytest.raises(ValidationError) as caught:
        member_add(actor=users["city"], team=team, duty="", joined_on=today)
    assert caught.value.message_dict == {
        "name": ["请选择成员账号或填写姓名"],
        "duty": ["请填写职责"],
    }
    with pytest.raises(ValidationError) as caught:
        member_add(actor=users["city"], team=team, user=users["dept_land"], duty="x",
                   joined_on=today)  # fmt: skip
    assert caught.value.message_dict == {"user": ["此人已在团队中"]}
    with pytest.raises(ValidationError) as caught:
        member_leave(actor=users["city"], member=named, left_on=today, reason="")
    assert caught.value.message_dict == {"reason": ["请填写退出原因"]}
    left = member_leave(actor=users["city"], member=named, left_on=today, reason="工作调整")
    assert (left.left_on, left.leave_reason) == (today, "工作调整")
    assert team.members.count() == 2


def test_the_team_stays_until_production_then_closes_on_the_production_date(
    users, project, land, today
):
    from zhaoshang.core.tests.support import pdf_file
    from zhaoshang.projects.models import EvidenceKind
    from zhaoshang.projects.services import EvidenceFile, project_advance_stage

    team = _save(users["city"], project, TeamLevel.CITY, users["leader"], land, today)
    with pytest.raises(ValidationError) as caught:
        team_close(actor=users["city"], team=team)
    assert caught.value.message_dict == {"team": ["一抓到底：项目投产前服务团队不能撤销"]}
    for stage, kind in [
        (Stage.SIGNED, EvidenceKind.CONTRACT),
        (Stage.STARTED, EvidenceKind.CONSTRUCTION_PERMIT),
        (Stage.OPERATING, EvidenceKind.PRODUCTION_LICENCE),
    ]:
        project_advance_stage(
            project=project, to=stage, on=today, actor=users["linqing"],
            evidence=[EvidenceFile(kind, pdf_file())], contracted_investment_wan=100,
        )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        member_add(actor=users["city"], team=team, name="李四", duty="x", joined_on=today)
    assert caught.value.message_dict == {"team": ["项目已投产或终止，服务团队已结束（一抓到底）"]}
    closed = team_close(actor=users["city"], team=team)
    assert (closed.closed_on, closed.close_note) == (today, "项目投产，团队完成帮包")
    assert ServiceTeam.objects.filter(pk=team.pk).exists()
    with pytest.raises(ValidationError):
        _save(users["city"], project, TeamLevel.CITY, users["leader"], land, today)
