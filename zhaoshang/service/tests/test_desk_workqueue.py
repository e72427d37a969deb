"""The 服务专员's work queue and home page: their projects, milestones, problems waiting (with
how long), stale projects, open tasks — and nothing of projects they do not carry."""

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.accounts.roles import Role
from zhaoshang.conftest import _make
from zhaoshang.projects.services import milestone_create, progress_add
from zhaoshang.service.models import WorkQueueRule
from zhaoshang.service.models.problems import ProblemStatus
from zhaoshang.service.selectors.workqueue import work_queue

from .desk_support import build, problem, simulated_time

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2024, 10, 18)  # a Friday


@pytest.fixture
def city(users, make_project, org):
    world = build(users, make_project)
    other = _make("commissioner2", Role.COMMISSIONER, org["city"])
    with simulated_time(D(2024, 9, 2)) as clock:
        clock.at(D(2024, 9, 2), 9)
        p3 = make_project(name="别人的项目", commissioner=other, lead_on=D(2024, 9, 2))
        for project, title, due in (
            (world["p1"], "取得施工许可证", D(2024, 10, 10)),  # overdue 8 days
            (world["p1"], "主体开工", D(2024, 10, 25)),  # coming in 7 days
            (world["p1"], "设备进场", D(2024, 12, 31)),  # beyond the 14 days ahead
            (p3, "别人的节点", D(2024, 10, 1)),
            (world["p2"], "无专员项目的节点", D(2024, 10, 1)),
        ):
            milestone_create(actor=users["city"], project=project, title=title, due_on=due)
        clock.at(D(2024, 9, 3), 9)
        progress_add(actor=users["commissioner"], project=world["p1"], on=D(2024, 9, 3),
                     content="场地平整完成")  # fmt: skip
    problem(p3, world["land"], D(2024, 10, 8), title="别人的问题")
    world["e"] = problem(world["p1"], world["env"], D(2024, 10, 14), title="环保手续",
                         status=ProblemStatus.RAISED)  # fmt: skip
    world["p3"], world["other"] = p3, other
    return world


def test_the_queue_holds_only_the_commissioners_projects(users, city):
    queue = work_queue(user=users["commissioner"], today=TODAY)
    assert [r.project for r in queue.projects] == [city["p1"]]
    assert [(i.title, i.days) for i in queue.milestones_overdue] == [("取得施工许可证", 8)]
    assert [(i.title, i.note) for i in queue.milestones_coming] == [("主体开工", "7 天后到期")]
    # Problems waiting: B resolved, waiting for the raiser's side; E raised, not acknowledged.
    assert [(i.title, i.action) for i in queue.problems] == [
        ("规划调整", "确认办结"),
        ("环保手续", "查看督办"),
    ]
    waiting = {i.title: i.days for i in queue.problems}
    assert waiting == {"规划调整": 0, "环保手续": 4}  # 10-14 → 10-18: 4 working days
    assert "等待责任部门签收 · 生态环境局 · 已等待 4 个工作日" in queue.problems[1].note
    # Tasks: the decision on p1 owned by the unit, and the instruction owned by the commissioner.
    assert [i.title for i in queue.tasks] == ["领导批示：加快推进", "提供项目用工计划"]
    assert not any("别人" in i.title for i in [*queue.tasks, *queue.problems])


def test_a_problem_past_its_deadline_is_marked_and_comes_first(users, city):
    queue = work_queue(user=users["commissioner"], today=D(2024, 10, 28))
    assert [i.title for i in queue.problems] == ["环保手续", "规划调整"]
    assert queue.problems[0].tone == "danger"
    assert "已超期（时限 2024-10-21）" in queue.problems[0].note


def test_stale_projects_follow_the_rule_in_the_table(users, city):
    queue = work_queue(user=users["commissioner"], today=TODAY)
    assert [(i.title, i.days) for i in queue.stale] == [("轴承项目", 45)]
    WorkQueueRule.objects.filter(code="stale_project_days").update(days=60)
    assert work_queue(user=users["commissioner"], today=TODAY).stale == []
    WorkQueueRule.objects.filter(code="milestone_ahead_days").update(days=3)
    assert work_queue(user=users["commissioner"], today=TODAY).milestones_coming == []


def test_the_stale_reminder_waits_as_long_as_the_queue_rule_says(users, city, settings):
    from zhaoshang.notices import reminders

    settings.REMINDER_THRESHOLDS = {"projects.stale.days": 45}
    # one number: the city's rule, whatever the deployment's settings say
    assert reminders.threshold("projects.stale", "days") == 30
    WorkQueueRule.objects.filter(code="stale_project_days").update(days=60)
    assert reminders.threshold("projects.stale", "days") == 60
    # reminders the rule table does not hold keep their own thresholds
    assert reminders.threshold("projects.milestone_due", "days") == 3


def test_each_item_links_to_its_action(users, city):
    queue = work_queue(user=users["commissioner"], today=TODAY)
    milestone = queue.milestones_overdue[0]
    assert milestone.url.startswith("/projects/") and milestone.url.endswith("/complete/")
    assert queue.stale[0].url == reverse("projects:progress-create", args=[city["p1"].pk])
    assert queue.problems[0].url == reverse("service:problem-detail", args=[city["b"].pk])
    assert queue.projects[0].service_url == reverse(
        "service:servicelog-create", args=[city["p1"].pk]
    )


def test_another_commissioner_sees_only_theirs(users, city):
    queue = work_queue(user=city["other"], today=TODAY)
    assert [r.project for r in queue.projects] == [city["p3"]]
    assert [i.title for i in queue.milestones_overdue] == ["别人的节点"]
    assert [i.title for i in queue.problems] == ["别人的问题"]
    assert queue.tasks == []


def test_the_commissioners_home_is_the_work_queue(client, users, city):
    client.force_login(users["commissioner"])
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.templates[0].name == "portal/home_commissioner.html"
    html = response.content.decode()
    assert "我服务的项目" in html and "轴承项目" in html and "别人的项目" not in html
    assert reverse("service:servicelog-create", args=[city["p1"].pk]) in html
    assert "funds-verified" not in html  # not the city's totals


def test_other_roles_keep_the_figures_home(client, users, city):
    client.force_login(users["city"])
    response = client.get(reverse("portal:home"))
    assert response.templates[0].name == "portal/home.html"
