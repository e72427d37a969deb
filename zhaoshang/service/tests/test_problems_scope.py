"""Who sees and does what with a problem, in pages and API alike: the project's unit, another
unit, the routed department, another department, the city, city and county leaders, the
project's commissioner and another, the inspector and the administrator roles."""

import pytest
from django.test import Client
from django.urls import reverse

from zhaoshang.core.concurrency import etag
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.service.models import Problem
from zhaoshang.service.services.problems import problem_acknowledge, problem_answer, problem_note

from .problems_support import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.django_db

# who → (sees the problem in list and detail, detail status code for pages, for the API)
SEES = {
    "linqing": True,  # the project's unit
    "linqing2": True,
    "dongchangfu": False,  # another unit
    "dept_land": True,  # the routed department
    "dept_env": False,  # another department
    "city": True,
    "leader": True,  # city-bound leader: the whole city
    "linqing_leader": True,  # a leader of the project's county
    "commissioner": True,  # serves the project
    "commissioner2": False,
    "inspector": True,
}
NO_PERMISSION = ["auditor", "sysadmin", "secadmin", "norole"]


@pytest.fixture
def problem(raise_problem):
    return raise_problem(by="linqing", title="用地指标未落实")


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_the_list_and_detail_pages_show_the_problem_only_within_scope(
    client, people, problem, who, sees
):
    client.force_login(people[who])
    listing = client.get(reverse("service:problem-list"))
    assert listing.status_code == 200
    assert ("用地指标未落实" in listing.content.decode()) is sees
    detail = client.get(reverse("service:problem-detail", args=[problem.pk]))
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_the_api_shows_the_problem_only_within_scope(people, problem, who, sees):
    api = client_for(people[who])
    listing = api.get("/api/problems/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == ([problem.pk] if sees else [])
    assert api.get(f"/api/problems/{problem.pk}/").status_code == (200 if sees else 404)


@pytest.mark.parametrize("who", NO_PERMISSION)
def test_roles_without_the_permission_get_403_in_pages_and_api(people, problem, who):
    client = Client()
    client.force_login(people[who])
    assert client.get(reverse("service:problem-list")).status_code == 403
    assert client.get(reverse("service:problem-detail", args=[problem.pk])).status_code == 403
    assert client.get(reverse("service:problem-create")).status_code == 403
    assert client_for(people[who]).get("/api/problems/").status_code == 403


def test_anonymous_is_sent_to_login_and_refused_by_the_api(problem):
    assert Client().get(reverse("service:problem-list")).status_code == 302
    assert client_for(None).get("/api/problems/").status_code == 401


def test_the_internal_note_shows_to_the_department_and_the_city_only(client, people, problem):
    problem_note(actor=people["dept_land"], problem=problem, note="局长要求周五前回复")
    for who, shown in [("dept_land", True), ("city", True), ("inspector", True),
                       ("linqing", False), ("commissioner", False), ("leader", False)]:  # fmt: skip
        client.force_login(people[who])
        html = client.get(reverse("service:problem-detail", args=[problem.pk])).content.decode()
        assert ("局长要求周五前回复" in html) is shown, who
    api = client_for(people["linqing"]).get(f"/api/problems/{problem.pk}/").json()
    assert "internal_note" not in api


def test_the_api_raises_a_problem_routed_with_its_deadline(people, project, categories):
    api = client_for(people["commissioner"])
    response = api.post(
        "/api/problems/",
        {
            "project": project.pk,
            "category": "eia",
            "title": "环评批复慢",
            "description": "已报送两月",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    problem = Problem.objects.get()
    assert {k: body[k] for k in ("id", "project", "title", "category", "department", "status",
                                 "escalation_level")} == {
        "id": problem.pk, "project": project.pk, "title": "环评批复慢", "category": "eia",
        "department": "sthj", "status": "raised", "escalation_level": 0,
    }  # fmt: skip
    assert body["due_on"] == problem.due_on.isoformat()


def test_the_api_refuses_a_project_outside_scope_and_a_bad_category_in_chinese(
    people, make_project, categories
):
    other = make_project("dongchangfu", name="东昌府项目")
    api = client_for(people["commissioner"])
    response = api.post(
        "/api/problems/",
        {"project": other.pk, "category": "nope", "title": "x", "description": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"project", "category"}
    assert (
        client_for(people["dept_land"]).post("/api/problems/", {}, format="json").status_code == 403
    )


def test_the_api_steps_answer_400_in_chinese_for_a_bad_transition_and_403_for_the_wrong_party(
    people, problem
):
    dept, unit = client_for(people["dept_land"]), client_for(people["linqing"])
    response = dept.post(f"/api/problems/{problem.pk}/answer/", {"answer": "已办"}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"status": ["问题当前为“待签收”，不能答复"]},
    )
    assert (
        unit.post(f"/api/problems/{problem.pk}/acknowledge/", {}, format="json").status_code == 403
    )
    assert (
        client_for(people["dept_env"])
        .post(f"/api/problems/{problem.pk}/acknowledge/", {}, format="json")
        .status_code
        == 404
    )
    assert (
        dept.post(f"/api/problems/{problem.pk}/acknowledge/", {}, format="json").status_code == 200
    )
    assert dept.post(f"/api/problems/{problem.pk}/answer/", {}, format="json").json() == {
        "answer": ["该字段是必填项。"]
    }
    assert dept.post(f"/api/problems/{problem.pk}/resolve/", {"result": "已办结"},
                     format="json").json()["status"] == "resolved"  # fmt: skip
    assert dept.post(f"/api/problems/{problem.pk}/confirm/", {"satisfaction": 5},
                     format="json").status_code == 403  # fmt: skip
    response = unit.post(f"/api/problems/{problem.pk}/confirm/", {"satisfaction": 9}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"satisfaction"}
    response = unit.post(f"/api/problems/{problem.pk}/confirm/", {"satisfaction": 4}, format="json")
    assert (response.json()["status"], response.json()["satisfaction"]) == ("confirmed", 4)
    assert unit.post(f"/api/problems/{problem.pk}/escalate/", {}, format="json").status_code == 403


def test_the_api_refuses_a_stale_if_match_with_412(people, problem):
    dept = client_for(people["dept_land"])
    read = dept.get(f"/api/problems/{problem.pk}/")
    assert read["ETag"] == etag(problem)
    problem_acknowledge(actor=people["city"], problem=problem)
    problem_answer(actor=people["city"], problem=problem, answer="市里已协调")
    response = dept.post(
        f"/api/problems/{problem.pk}/resolve/", {"result": "x"}, format="json",
        headers={"If-Match": read["ETag"]},
    )  # fmt: skip
    assert response.status_code == 412
    problem.refresh_from_db()
    assert problem.status == "answered"
