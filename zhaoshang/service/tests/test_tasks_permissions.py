"""The permission matrix of the task pages and `GET /api/tasks/`: anonymous → login / 401; a role
without the permission (administrators, no role) → 403; another unit's or department's task → 404;
only the owner closes, only the setter or the city cancels and extends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core.concurrency import etag
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.core.tests.harness import NOBODY, Page, PagePermissionCases
from zhaoshang.service.models import Task, TaskSource, TaskStatus
from zhaoshang.service.services.tasks import Owner, task_create

pytestmark = pytest.mark.django_db

ADMINS = ("auditor", "secadmin", *NOBODY)
NOT_OWNER = ("linqing", "leader", "inspector", *ADMINS)
NOT_SETTER = ("linqing", "dept_land", "inspector", *ADMINS)


@pytest.fixture
def objects(users, make_project, today):
    project = make_project(name="临清轴承项目")
    task = task_create(
        actor=users["leader"],
        source=TaskSource.INSTRUCTION,
        project=project,
        title="协调解决项目用地指标",
        due_on=today + dt.timedelta(days=5),
        owner=Owner(department=Department.objects.get(code="zrzy")),
    )
    return {"task": task, "project": project}


class TestTaskPages(PagePermissionCases):
    readers = ("linqing", "city", "leader", "dept_land", "inspector")
    writers = ("city",)
    post_data = {"reason": "x", "result": "x", "done_on": "2000-01-01", "due_on": "2000-01-01"}
    pages = [
        Page("service:task-list", denied=ADMINS),
        Page("service:task-detail", "task", denied=ADMINS, scoped=True),
        Page("service:task-close", "task", write=True, denied=NOT_OWNER, scoped=True),
        Page("service:task-cancel", "task", write=True, denied=NOT_SETTER, scoped=True),
        Page("service:task-extend", "task", write=True, denied=NOT_SETTER, scoped=True),
    ]

    def footprint(self) -> tuple:
        return (*super().footprint(), *Task.objects.values_list("status", "due_on", "result"))


def test_another_department_sees_none_of_this_departments_tasks(client, users, objects):
    env = User.objects.create(
        username="dept_env", role=Role.DEPT_STAFF, department=Department.objects.get(code="sthj")
    )
    client.force_login(env)
    assert client.get(reverse("service:task-detail", args=[objects["task"].pk])).status_code == 404
    listing = client.get(reverse("service:task-list"), {"mine": "false"})
    assert listing.status_code == 200
    assert "协调解决项目用地指标" not in listing.content.decode()
    assert client_for(env).get("/api/tasks/").json()["count"] == 0


def test_the_department_closes_its_task_from_the_page(client, users, objects, today):
    task = objects["task"]
    client.force_login(users["dept_land"])
    page = client.get(reverse("service:task-detail", args=[task.pk])).content.decode()
    assert "办结</a>" in page and "撤销</a>" not in page
    response = client.post(
        reverse("service:task-close", args=[task.pk]),
        {"result": "已调剂指标", "done_on": today.isoformat(), "version": _version(task)},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.result) == (TaskStatus.DONE, "已调剂指标")


def _version(task):
    return etag(task).strip('"')


def test_my_tasks_shows_a_department_what_it_owns_by_default(client, users, objects):
    client.force_login(users["dept_land"])
    body = client.get(reverse("service:task-list")).content.decode()
    assert "协调解决项目用地指标" in body
    client.force_login(users["linqing"])  # the project's unit owns none of it
    assert "协调解决项目用地指标" not in client.get(reverse("service:task-list")).content.decode()
    body = client.get(reverse("service:task-list"), {"mine": "false"}).content.decode()
    assert "协调解决项目用地指标" in body


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("auditor", 403), ("secadmin", 403), ("sysadmin", 403), ("norole", 403)],
)
def test_the_task_api_refuses_anonymous_and_administrators(users, objects, who, status):
    client = client_for(users[who] if who else None)
    assert client.get("/api/tasks/").status_code == status


def test_the_task_api_lists_the_fields_the_issue_names_within_scope(users, objects, today):
    task = objects["task"]
    rows = client_for(users["dept_land"]).get("/api/tasks/").json()["results"]
    assert rows == [
        {
            "id": task.pk,
            "source": "instruction",
            "project": objects["project"].pk,
            "title": "协调解决项目用地指标",
            "detail": "",
            "owner_department": "zrzy",
            "owner_unit": None,
            "owner_user": None,
            "due_on": (today + dt.timedelta(days=5)).isoformat(),
            "original_due_on": (today + dt.timedelta(days=5)).isoformat(),
            "status": "open",
            "done_on": None,
            "result": "",
            "cancel_reason": "",
            "instruction": None,
        }
    ]
    assert client_for(users["dongchangfu"]).get(f"/api/tasks/{task.pk}/").status_code == 404
    assert client_for(users["linqing"]).get("/api/tasks/", {"overdue": "true"}).json()["count"] == 0
    assert client_for(users["city"]).get("/api/tasks/", {"source": "decision"}).json()["count"] == 0
    assert client_for(users["city"]).get("/api/tasks/", {"status": "bogus"}).status_code == 400


def test_the_task_api_closes_with_if_match_and_refuses_a_stale_one(users, objects, today):
    task = objects["task"]
    client = client_for(users["dept_land"])
    current = client.get(f"/api/tasks/{task.pk}/")["ETag"]
    stale = client.post(
        f"/api/tasks/{task.pk}/close/",
        {"result": "已办", "done_on": today.isoformat()},
        format="json",
        headers={"If-Match": '"0000"'},
    )
    assert stale.status_code == 412
    refused = client_for(users["linqing"]).post(
        f"/api/tasks/{task.pk}/close/",
        {"result": "已办", "done_on": today.isoformat()},
        format="json",
    )
    assert refused.status_code == 403
    done = client.post(
        f"/api/tasks/{task.pk}/close/",
        {"result": "已办", "done_on": today.isoformat()},
        format="json",
        headers={"If-Match": current},
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = client.post(
        f"/api/tasks/{task.pk}/close/", {"result": "x", "done_on": today.isoformat()}, format="json"
    )
    assert again.status_code == 400
    assert again.json() == {"status": ["该督办事项已办结，不能再办理"]}
