"""Problem pages: the list and the department's tabs, the raise form, the detail with its
timeline and buttons, the step dialogs (POST only, versioned), photos, the department's home,
the project page's panel and the working-day calendar."""

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.core.concurrency import version_of
from zhaoshang.core.models import WorkdayOverride
from zhaoshang.service.models import Problem
from zhaoshang.service.services.problems import problem_acknowledge

from .problems_support import *  # noqa: F403  (the fixtures)
from .problems_support import jpeg, on_day

pytestmark = pytest.mark.django_db


def test_the_commissioner_raises_a_problem_from_the_form_with_a_photo(
    client, people, project, categories
):
    client.force_login(people["commissioner"])
    url = reverse("service:problem-create") + f"?project={project.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert f'<option value="{project.pk}" selected>' in page.content.decode()
    response = client.post(
        url,
        {"project": project.pk, "category": categories["power"].pk, "title": "临时用电未接入",
         "description": "施工用电 800kVA 申请已一月未批", "photos": [jpeg()]},
    )  # fmt: skip
    problem = Problem.objects.get()
    assert response.status_code == 302 and response.url == f"/service/problems/{problem.pk}/"
    assert (problem.department.code, problem.photos.count()) == ("gdgs", 1)
    detail = client.get(response.url).content.decode()
    assert "临时用电未接入" in detail and "国网聊城供电公司" in detail
    assert reverse("service:problem-photo", args=[problem.photos.get().pk]) in detail
    photo = client.get(reverse("service:problem-photo", args=[problem.photos.get().pk]))
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/jpeg")


def test_the_raise_form_shows_errors_at_their_fields(client, people, project, categories):
    client.force_login(people["commissioner"])
    response = client.post(reverse("service:problem-create"), {"project": project.pk, "title": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"category", "title", "description"}
    assert Problem.objects.count() == 0


def test_the_department_acknowledges_and_answers_through_the_dialogs(client, people, raise_problem):
    problem = raise_problem()
    client.force_login(people["dept_land"])
    detail = client.get(reverse("service:problem-detail", args=[problem.pk])).content.decode()
    assert 'data-step="acknowledge"' in detail and 'data-step="confirm"' not in detail
    url = reverse("service:problem-step", args=[problem.pk, "acknowledge"])
    assert (
        client.get(url, headers={"HX-Request": "true", "HX-Target": "modal-content"}).status_code
        == 200
    )
    response = client.post(url, {"version": version_of(problem)})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "acknowledged"
    url = reverse("service:problem-step", args=[problem.pk, "answer"])
    response = client.post(url, {"version": version_of(problem), "answer": "已安排专人对接"})
    problem.refresh_from_db()
    assert (response.status_code, problem.status, problem.answer) == (
        302,
        "answered",
        "已安排专人对接",
    )


def test_a_stale_dialog_is_refused_and_says_so(client, people, raise_problem):
    problem = raise_problem()
    read = version_of(problem)
    problem_acknowledge(actor=people["city"], problem=problem)
    client.force_login(people["dept_land"])
    url = reverse("service:problem-step", args=[problem.pk, "note"])
    response = client.post(url, {"version": read, "note": "内部说明"})
    assert response.status_code == 200
    assert "他人已修改了此记录" in response.content.decode()
    problem.refresh_from_db()
    assert problem.internal_note == ""


def test_a_step_the_user_may_not_take_is_403_and_a_get_never_writes(client, people, raise_problem):
    problem = raise_problem()
    client.force_login(people["commissioner"])
    url = reverse("service:problem-step", args=[problem.pk, "acknowledge"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"version": version_of(problem)}).status_code == 403
    problem.refresh_from_db()
    assert problem.status == "raised"
    assert (
        client.get(reverse("service:problem-step", args=[problem.pk, "nonsense"])).status_code
        == 404
    )


def test_a_confirm_without_a_rating_shows_the_error_at_the_rating(client, people, raise_problem):
    from zhaoshang.service.services.problems import problem_resolve

    problem = raise_problem()
    problem_acknowledge(actor=people["dept_land"], problem=problem)
    problem_resolve(actor=people["dept_land"], problem=problem, result="已解决")
    problem.refresh_from_db()
    client.force_login(people["commissioner"])
    url = reverse("service:problem-step", args=[problem.pk, "confirm"])
    response = client.post(url, {"version": version_of(problem)})
    assert response.context["form"].errors["satisfaction"] == ["该字段是必填项。"]
    response = client.post(url, {"version": version_of(problem), "satisfaction": "4"})
    problem.refresh_from_db()
    assert (response.status_code, problem.status, problem.satisfaction) == (302, "confirmed", 4)


def test_the_departments_tabs_count_new_doing_and_overdue(client, people, raise_problem):
    late = raise_problem(title="逾期的问题", on=dt.date(2024, 9, 2))
    raise_problem(title="新的问题")
    doing = raise_problem(title="办理中的问题")
    problem_acknowledge(actor=people["dept_land"], problem=doing)
    raise_problem(title="环保的问题", category="eia")
    client.force_login(people["dept_land"])
    with on_day(dt.date(2024, 9, 30)):
        page = client.get(reverse("service:problem-list"))
        html = page.content.decode()
        assert 'data-count="new">2<' in html and 'data-count="doing">1<' in html
        assert 'data-count="overdue">1<' in html
        assert "环保的问题" not in html
        overdue = client.get(reverse("service:problem-list") + "?tab=overdue")
    assert [p.pk for p in overdue.context["page"]] == [late.pk]


def test_the_list_filters_answer_bad_input_with_a_chinese_error_not_a_500(
    client, people, raise_problem
):
    raise_problem()
    client.force_login(people["city"])
    response = client.get(reverse("service:problem-list") + "?status=bogus&department=nope")
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()


def test_the_department_home_shows_its_queue_and_figures(client, people, raise_problem):
    raise_problem(title="待签收的用地问题")
    client.force_login(people["dept_land"])
    html = client.get(reverse("service:problem-department-home")).content.decode()
    assert "待签收的用地问题" in html and 'data-figure="new">1<' in html
    assert "办结率" in html and "按期办结率" in html


def test_the_project_page_shows_its_problems_panel_with_a_raise_link(
    client, people, raise_problem, project
):
    raise_problem(title="施工许可办理慢", category="approval")
    client.force_login(people["linqing"])
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="panel-problems"' in html and "施工许可办理慢" in html
    assert f'href="/service/problems/new/?project={project.pk}">提出问题</a>' in html


def test_the_city_adds_a_2027_holiday_on_the_calendar_and_others_may_not(client, people):
    client.force_login(people["city"])
    page = client.get(reverse("service:workday-calendar"))
    assert "2027年的节假日尚未收录" in page.content.decode()
    response = client.post(
        reverse("service:workday-calendar"), {"date": "2027-01-01", "name": "元旦"}
    )
    assert response.status_code == 302
    assert list(WorkdayOverride.objects.values_list("date", "is_workday")) == [
        (dt.date(2027, 1, 1), False)
    ]
    client.force_login(people["linqing"])
    assert (
        client.post(
            reverse("service:workday-calendar"), {"date": "2027-01-02", "name": "x"}
        ).status_code
        == 403
    )


def test_a_departments_home_page_is_its_queue_and_the_navigation_links_the_problems(
    client, people, raise_problem
):
    raise_problem(title="待签收的用地问题")
    client.force_login(people["dept_land"])
    html = client.get(reverse("portal:home")).content.decode()
    assert "待签收的用地问题" in html and 'id="home-new"' in html
    assert f'href="{reverse("service:problem-list")}">问题诉求</a>' in html
    client.force_login(people["linqing"])
    html = client.get(reverse("portal:home")).content.decode()
    assert 'id="home-new"' not in html
