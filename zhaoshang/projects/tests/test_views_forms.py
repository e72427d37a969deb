"""Create and edit forms: typed fields, investors, unit rules and the duplicate guard."""

from decimal import Decimal

import pytest
from django.urls import reverse
from stdnum.cn import uscc

from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import Project, Stage, StageChange

pytestmark = pytest.mark.django_db

CREATE = reverse("projects:create")


def valid_uscc(base: str) -> str:
    return base + uscc.calc_check_digit(base)


@pytest.fixture
def harbin(db) -> Enterprise:
    return Enterprise.objects.create(
        name="哈尔滨轴承集团有限公司",
        uscc=valid_uscc("91230100127041371"),
        division_code="230100",
        province_code="23",
    )


def form_data(**overrides) -> dict:
    data = {
        "name": "高端轴承生产基地",
        "total_investment_wan": "500000",
        "attraction_mode": "door_to_door",
        "lead_on": "",
        "is_key": "on",
        "team": "张三、李四",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_county_staff_create_a_project_of_their_own_unit(client, users, harbin, today, org):
    client.force_login(users["linqing"])
    page = client.get(CREATE)
    assert page.status_code == 200
    assert page.context["form"].fields["unit"].disabled
    response = client.post(
        CREATE,
        form_data(
            lead_on=today.isoformat(),
            investors=[harbin.pk],
            unit=org["dongchangfu"].pk,  # ignored: the unit is fixed for county staff
        ),
    )
    project = Project.objects.get(name="高端轴承生产基地")
    assert response.status_code == 302
    assert response.url == reverse("projects:detail", args=[project.pk])
    assert project.unit == org["linqing"]
    assert project.total_investment_wan == Decimal("500000.00")
    assert project.is_key and project.is_over_100m and project.is_out_of_province
    assert list(project.investors.all()) == [harbin]
    assert project.stage == Stage.LEAD
    assert StageChange.objects.get(project=project).on == today
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(project.pk)).exists()


def test_city_chooses_the_unit(client, users, org, today):
    client.force_login(users["city"])
    assert not client.get(CREATE).context["form"].fields["unit"].disabled
    client.post(CREATE, form_data(unit=org["chiping"].pk, lead_on=today.isoformat()))
    assert Project.objects.get(name="高端轴承生产基地").unit == org["chiping"]


def test_field_errors_are_shown_and_nothing_is_saved(client, users, today):
    client.force_login(users["linqing"])
    response = client.post(
        CREATE,
        form_data(
            total_investment_wan="1000",
            contracted_investment_wan="2000",
            lead_on=today.isoformat(),
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contracted_investment_wan"] == [
        "合同投资不能超过总投资"
    ]
    assert not Project.objects.exists()


def test_duplicate_guard_lists_the_other_units_project_and_requires_a_reason(
    client, users, harbin, make_project, today
):
    make_project("dongchangfu", name="高端轴承生产基地项目", investors=[harbin])
    client.force_login(users["linqing"])
    data = form_data(lead_on=today.isoformat(), investors=[harbin.pk])
    response = client.post(CREATE, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert [p.name for p in form.duplicates] == ["高端轴承生产基地项目"]
    assert "发现其他单位的疑似重复项目" in form.errors["duplicate_reason"][0]
    html = response.content.decode()
    assert "确认不是重复项目的理由" in html and "东昌府区" in html
    assert Project.objects.filter(unit=users["linqing"].unit).count() == 0

    response = client.post(CREATE, {**data, "duplicate_reason": "临清为二期扩产，东昌府为一期"})
    assert response.status_code == 302
    project = Project.objects.get(unit=users["linqing"].unit)
    assert project.duplicate_reason == "临清为二期扩产，东昌府为一期"


def test_edit_saves_changes_and_shows_them_in_history(client, users, make_project):
    project = make_project(name="轴承项目")
    client.force_login(users["linqing"])
    page = client.get(reverse("projects:edit", args=[project.pk]))
    assert page.context["form"].initial["name"] == "轴承项目"
    response = client.post(
        reverse("projects:edit", args=[project.pk]),
        form_data(
            name="轴承产业园项目",
            total_investment_wan="30000",
            lead_on=None,
            version=page.context["form"]["version"].value(),
        ),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.total_investment_wan) == ("轴承产业园项目", Decimal("30000"))
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "轴承项目</del>" in detail and "轴承产业园项目</ins>" in detail


def test_edit_of_another_units_project_is_404(client, users, make_project):
    project = make_project()
    client.force_login(users["dongchangfu"])
    assert client.post(reverse("projects:edit", args=[project.pk]), form_data()).status_code == 404


def test_leader_may_not_create(client, users):
    client.force_login(users["linqing_leader"])
    assert client.get(CREATE).status_code == 403
    assert "登记项目" not in client.get(reverse("projects:list")).content.decode()


def test_investor_search_finds_by_name_and_code_and_skips_chosen(client, users, harbin):
    client.force_login(users["linqing"])
    url = reverse("projects:investor-search")
    assert harbin.name in client.get(url, {"investor_q": "哈尔滨轴承"}).content.decode()
    assert harbin.name in client.get(url, {"investor_q": harbin.uscc.lower()}).content.decode()
    html = client.get(url, {"investor_q": "哈尔滨", "investors": [harbin.pk]}).content.decode()
    assert harbin.name not in html


def test_search_without_javascript_keeps_what_was_typed(client, users, harbin, today):
    client.force_login(users["linqing"])
    response = client.post(
        CREATE, form_data(lead_on=today.isoformat(), investor_q="哈尔滨", _search="1")
    )
    assert response.status_code == 200
    assert response.context["investor_results"] == [harbin]
    assert response.context["form"]["name"].value() == "高端轴承生产基地"
    assert not Project.objects.exists()
