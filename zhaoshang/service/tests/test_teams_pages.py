"""The pages of teams, instructions and elements: the permission matrix (anonymous → login, no
permission → 403, another unit's project → 404) and what a leader, a department and a unit see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.accounts.models import Department
from zhaoshang.core.tests.harness import NOBODY, Page, PagePermissionCases
from zhaoshang.projects.services import milestone_create
from zhaoshang.service.models import (
    ElementAllocation,
    ElementKind,
    ElementNeed,
    ElementQuota,
    Instruction,
    ServiceTeam,
    Task,
    TeamLevel,
    TeamMember,
)
from zhaoshang.service.services.elements import need_save
from zhaoshang.service.services.instructions import TaskSpec, instruction_give
from zhaoshang.service.services.tasks import Owner
from zhaoshang.service.services.teams import member_add, team_save

pytestmark = pytest.mark.django_db

ADMINS = ("auditor", "secadmin", *NOBODY)


@pytest.fixture
def objects(users, make_project, today):
    land = Department.objects.get(code="zrzy")
    project = make_project(name="临清轴承项目", is_key=True)
    team = team_save(actor=users["city"], project=project, level=TeamLevel.COUNTY,
                     leader=users["linqing_leader"], lead_department=land, assigned_on=today,
                     commissioner=users["commissioner"])  # fmt: skip
    member = member_add(actor=users["city"], team=team, user=users["dept_land"],
                        duty="负责用地报批", joined_on=today)  # fmt: skip
    need = need_save(actor=users["linqing"], project=project,
                     kind=ElementKind.objects.get(code="land"), requested_amount=Decimal("120"),
                     requested_on=today - dt.timedelta(days=40))  # fmt: skip
    milestone_create(actor=users["linqing"], project=project, title="完成土地摘牌",
                     due_on=today - dt.timedelta(days=3))  # fmt: skip
    instruction_give(actor=users["leader"], project=project, content="抓紧落实用地",
                     tasks=[TaskSpec("落实用地指标", Owner(department=land),
                                     due_on=today + dt.timedelta(days=5))])  # fmt: skip
    return {"project": project, "team": team, "member": member, "need": need,
            "leader": users["linqing_leader"], "commissioner": users["commissioner"], "land": land}  # fmt: skip


class TestTeamPages(PagePermissionCases):
    readers = ("linqing", "city", "leader", "commissioner", "inspector")
    writers = ("city",)
    post_data = {"reason": "x", "duty": "x", "amount": "1", "allocated_on": "2000-01-01"}
    pages = [
        Page("service:carry-overview", denied=ADMINS),
        Page("service:carry-leader", "leader", denied=ADMINS),
        Page("service:carry-commissioner", "commissioner", denied=ADMINS),
        Page("service:carry-department", "land", denied=ADMINS),
        Page("service:team-edit", "project", write=True, scoped=True,
             denied=("leader", "commissioner", "dept_land", "inspector", *ADMINS)),
        Page("service:member-add", "project", write=True, scoped=True,
             denied=("leader", "commissioner", "dept_land", "inspector", *ADMINS)),
        Page("service:member-leave", "member", write=True, scoped=True,
             denied=("leader", "commissioner", "dept_land", "inspector", *ADMINS)),
        Page("service:instruction-create", "project", write=True, scoped=False,
             denied=("city", "linqing", "commissioner", "dept_land", "inspector", *ADMINS)),
        Page("service:element-overview", denied=ADMINS),
        Page("service:element-quotas", write=True,
             denied=("linqing", "leader", "commissioner", "dept_land", "inspector", *ADMINS)),
        Page("service:element-request", "project", write=True, scoped=True, post_only=True,
             denied=("leader", "commissioner", "dept_land", "inspector", *ADMINS)),
        # Units hold no allocation permission (403); another department: see the test below.
        Page("service:element-allocate", "need", write=True, post_only=True,
             denied=("linqing", "dongchangfu", "leader", "commissioner", "inspector", *ADMINS)),
    ]  # fmt: skip

    def footprint(self) -> tuple:
        models = (ServiceTeam, TeamMember, Instruction, Task, ElementNeed, ElementAllocation,
                  ElementQuota)  # fmt: skip
        return (*super().footprint(), *(m.objects.count() for m in models),
                *TeamMember.objects.values_list("left_on"))  # fmt: skip


def test_the_project_page_shows_the_team_the_instruction_and_the_elements(client, users, objects):
    client.force_login(users["linqing"])
    body = client.get(reverse("projects:detail", args=[objects["project"].pk])).content.decode()
    assert "五个一服务团队" in body
    assert "县级重点项目（县级领导包帮）" in body
    assert "负责用地报批" in body
    assert "抓紧落实用地" in body and "办结 0/1" in body
    assert "要素保障" in body and "1 项待配置" in body
    assert f'action="/service/projects/{objects["project"].pk}/elements/request/"' in body
    client.force_login(users["dongchangfu"])
    assert client.get(reverse("projects:detail", args=[objects["project"].pk])).status_code == 404


def test_a_leader_sees_what_they_carry_with_overdue_milestones_and_open_tasks(
    client, users, objects
):
    client.force_login(users["linqing_leader"])
    response = client.get(reverse("service:carry-mine"))
    assert response["Location"] == reverse(
        "service:carry-leader", args=[users["linqing_leader"].pk]
    )
    body = client.get(response["Location"]).content.decode()
    assert "临清轴承项目" in body
    assert "在服务项目 <strong>1</strong>" in body
    assert "逾期节点 <strong>1</strong>" in body
    assert "未办结督办事项 <strong>1</strong>" in body


def test_another_county_cannot_look_at_a_leader_carrying_nothing_it_sees(client, users, objects):
    client.force_login(users["dongchangfu"])
    url = reverse("service:carry-leader", args=[users["linqing_leader"].pk])
    assert client.get(url).status_code == 404


def test_the_department_allocates_land_from_the_panel_and_the_overview_follows(
    client, users, objects, today
):
    need = objects["need"]
    client.force_login(users["dept_land"])
    response = client.post(
        reverse("service:element-allocate", args=[need.pk]),
        {"amount": "200", "allocated_on": today.isoformat()},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.allocated_amount == 0  # over the gap: refused, nothing written
    client.post(
        reverse("service:element-allocate", args=[need.pk]),
        {"amount": "70", "allocated_on": today.isoformat(), "note": "聊自然资规〔2024〕12号"},
    )
    need.refresh_from_db()
    assert need.allocated_amount == Decimal("70")
    client.force_login(users["city"])
    body = client.get(reverse("service:element-overview")).content.decode()
    assert "临清轴承项目" in body and ">50<" in body and ">40<" in body


def test_the_city_sets_quotas_all_or_nothing(client, users, objects, org):
    client.force_login(users["city"])
    land = ElementKind.objects.get(code="land")
    url = reverse("service:element-quotas") + "?year=2024"
    bad = client.post(url, {f"q-{org['linqing'].pk}-{land.pk}": "800",
                            f"q-{org['chiping'].pk}-{land.pk}": "-1"})  # fmt: skip
    assert bad.status_code == 200 and "未保存任何内容" in bad.content.decode()
    assert ElementQuota.objects.count() == 0
    client.post(url, {f"q-{org['linqing'].pk}-{land.pk}": "800"})
    assert list(ElementQuota.objects.values_list("unit__code", "year", "amount")) == [
        ("371581", 2024, Decimal("800.00"))
    ]


def test_another_department_cannot_allocate_an_element_it_does_not_allocate(client, objects):
    from zhaoshang.accounts.models import User

    env = User.objects.create(
        username="dept_env", role="dept_staff", department=Department.objects.get(code="sthj")
    )
    client.force_login(env)
    url = reverse("service:element-allocate", args=[objects["need"].pk])
    assert client.post(url, {"amount": "1", "allocated_on": "2024-01-01"}).status_code == 404
    assert ElementAllocation.objects.count() == 0


def test_a_leader_instructs_from_the_project_page_and_the_department_is_told(
    client, users, objects, today, django_capture_on_commit_callbacks
):
    from zhaoshang.notices.models import Notification

    project, land = objects["project"], objects["land"]
    client.force_login(users["leader"])
    url = reverse("service:instruction-create", args=[project.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {"content": "抓紧", "t1_title": "落实用电"})
    assert "请指定责任部门或责任单位" in missing.content.decode()
    before = Task.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"content": "请抓紧落实用电配套", "t1_title": "落实用电",
                                 "t1_department": land.pk, "t1_workdays": "5"})  # fmt: skip
    assert done.status_code == 302
    task = Task.objects.order_by("-id").first()
    assert Task.objects.count() == before + 1
    assert (task.title, task.owner_department, task.instruction.content) == (
        "落实用电",
        land,
        "请抓紧落实用电配套",
    )
    told = Notification.objects.filter(kind="task_assigned", url=f"/service/tasks/{task.pk}/")
    assert list(told.values_list("recipient__username", flat=True)) == ["dept_land"]
