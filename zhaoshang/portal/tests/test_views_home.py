"""The home page: each user sees the figures of their own scope, and nobody sees an error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.accounts.models import Unit, UnitKind
from zhaoshang.core.closing import statistics_year_set
from zhaoshang.core.tests.support import PASSWORD, pdf_file
from zhaoshang.projects.models import EvidenceKind, FundsSource, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    funds_verify,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def signed(users, make_project, today, who="linqing", **fields):
    project = make_project(who, **fields)
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=users[who],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=project.total_investment_wan,
    )
    return project


def funds(users, project, amount, today, who="linqing", verify=True):
    record = funds_submit(
        actor=users[who],
        project=project,
        period=today.replace(day=1),
        amount_wan=Decimal(amount),
        source=FundsSource.OWN,
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
    )
    if verify:
        funds_verify(actor=users["city"], record=record)
    return record


@pytest.fixture
def two_units(users, make_project, today):
    """临清: 1,234.50 万元 verified + 100 pending; 东昌府: 30,000 万元 verified."""
    linqing = signed(users, make_project, today, name="临清轴承项目", is_key=True)
    funds(users, linqing, "1234.50", today)
    linqing_2 = signed(users, make_project, today, name="临清钢球项目")
    funds(users, linqing_2, "100", today, verify=False)
    dongchangfu = signed(
        users,
        make_project,
        today,
        who="dongchangfu",
        name="东昌府新能源项目",
        total_investment_wan=Decimal("80000"),
        is_key=True,
    )
    funds(users, dongchangfu, "30000", today, who="dongchangfu")
    return {"linqing": linqing, "dongchangfu": dongchangfu}


def test_home_requires_login(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_home_shows_only_own_unit_funds_for_county_user(client, users, two_units):
    response = login(client, users["linqing"]).get(reverse("portal:home"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["funds_verified_wan"] == Decimal("1234.50")
    assert figures["funds_pending_wan"] == Decimal("100.00")
    assert figures["funds_pending_count"] == 1
    html = response.content.decode()
    assert "1,234.50 万元" in html
    assert "30,000.00 万元" not in html  # 东昌府's 30,000 万元
    assert "东昌府新能源项目" not in html
    assert [p.name for p in response.context["key_projects"]] == ["临清轴承项目"]
    assert "funds_by_unit" not in response.context  # the per-unit table is for the city
    assert "数据范围：临清市" in html


def test_home_city_sees_all_units_funds_and_per_unit_table(client, users, two_units):
    response = login(client, users["city2"]).get(reverse("portal:home"))
    figures = response.context["figures"]
    assert figures["funds_verified_wan"] == Decimal("31234.50")
    assert figures["funds_pending_wan"] == Decimal("100.00")
    assert figures["verification_queue"] == 1  # 临清's 100 万元, entered by someone else
    html = response.content.decode()
    # The card and the per-unit table show the funds in one unit, 万元.
    assert html.count("31,234.50 万元") == 2 and "3.12 亿元" not in html
    # Every county-level unit and zone, zeros included, in the units' order.
    rows = {
        row["unit"]: (row["verified"], row["pending"]) for row in response.context["funds_by_unit"]
    }
    assert [row["unit"] for row in response.context["funds_by_unit"]] == list(
        Unit.objects.exclude(kind=UnitKind.CITY)
        .order_by("sort_order", "code")
        .values_list("name", flat=True)
    )
    assert len(rows) == 11
    assert rows["东昌府区"] == (Decimal("30000.00"), Decimal("0"))
    assert rows["临清市"] == (Decimal("1234.50"), Decimal("100.00"))
    assert rows["茌平区"] == (Decimal("0"), Decimal("0"))
    assert sum(verified for verified, _pending in rows.values()) == Decimal("31234.50")
    assert [p.name for p in response.context["key_projects"]] == [
        "东昌府新能源项目",
        "临清轴承项目",
    ]


def test_home_shows_stage_counts_in_chart_data_and_table(client, users, two_units, make_project):
    make_project(name="临清线索项目")
    response = login(client, users["city"]).get(reverse("portal:home"))
    by_stage = {value: n for value, _label, n in response.context["figures"]["by_stage"]}
    assert by_stage == {
        "lead": 1,
        "negotiating": 0,
        "signed": 3,
        "started": 0,
        "operating": 0,
        "dropped": 0,
    }
    assert response.context["stage_chart"] == {
        "labels": ["线索", "洽谈", "签约", "开工", "投产", "终止"],
        "values": [1, 0, 3, 0, 0, 0],
        "stages": ["lead", "negotiating", "signed", "started", "operating", "dropped"],
    }
    html = response.content.decode()
    assert 'id="stage-chart-data"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "cdn" not in html.lower()


def test_home_counts_new_over_100m_starts_this_year(client, users, make_project, today):
    project = signed(users, make_project, today, total_investment_wan=Decimal("12000"))
    project_advance_stage(
        project=project,
        to=Stage.STARTED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONSTRUCTION_PERMIT, pdf_file("施工许可证.pdf"))],
    )
    small = signed(users, make_project, today, name="小项目", total_investment_wan=Decimal("500"))
    project_advance_stage(
        project=small,
        to=Stage.STARTED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONSTRUCTION_PERMIT, pdf_file("施工许可证.pdf"))],
    )
    response = login(client, users["linqing"]).get(reverse("portal:home"))
    assert response.context["figures"]["started_over_100m"] == 1
    assert "1.20 亿元" in response.content.decode()


def test_home_for_sysadmin_explains_role_without_business_figures(client, users, two_units):
    response = login(client, users["sysadmin"]).get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.context["figures"]["visible"] is False
    html = response.content.decode()
    assert "您的角色：系统管理员" in html
    assert "管理用户账号" in html
    assert reverse("accounts:user-list") in html
    assert "万元" not in html and "亿元" not in html


def test_home_for_department_staff_is_the_departments_queue(client, users):
    response = login(client, users["dept_land"]).get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "本部门工作台" in html
    assert "待签收" in html
    assert "您的角色：职能部门人员" not in html


def test_home_for_user_without_role_asks_for_a_role(client, users):
    response = login(client, users["norole"]).get(reverse("portal:home"))
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()


def test_home_for_commissioner_is_the_work_queue_of_assigned_projects_only(
    client, users, make_project, today
):
    # The commissioner's home is their day's work (service.selectors.workqueue), not totals.
    mine = signed(users, make_project, today, name="专员服务项目")
    mine.commissioner = users["commissioner"]
    mine.save(update_fields=["commissioner"])
    funds(users, mine, "200", today)
    other = signed(users, make_project, today, name="其他项目")
    funds(users, other, "300", today)
    response = login(client, users["commissioner"]).get(reverse("portal:home"))
    assert [row.project for row in response.context["queue"].projects] == [mine]
    html = response.content.decode()
    assert "专员服务项目" in html and "其他项目" not in html


def test_home_year_selector_shows_that_years_verified_funds(client, users, make_project, today):
    project = signed(users, make_project, today)
    last_year = today.year - 1
    record = funds_submit(
        actor=users["linqing"],
        project=project,
        period=today.replace(year=last_year, month=6, day=1),
        amount_wan=Decimal("800"),
        source=FundsSource.OWN,
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
    )
    funds_verify(actor=users["city"], record=record)
    login(client, users["linqing"])
    this_year = client.get(reverse("portal:home"), {"year": today.year})
    assert this_year.context["figures"]["funds_verified_wan"] == 0
    response = client.get(reverse("portal:home"), {"year": last_year})
    assert response.context["figures"]["year"] == last_year
    assert response.context["figures"]["funds_verified_wan"] == Decimal("800.00")
    assert f'<option value="{last_year}" selected>' in response.content.decode()
    # A year outside the offered range, or not a number, falls back to the default: the
    # city's statistics year (this year while none is set), whatever the records' years.
    for bad in ("1999", "abc"):
        response = client.get(reverse("portal:home"), {"year": bad})
        assert response.context["figures"]["year"] == today.year


def test_home_opens_on_the_statistics_year_never_the_latest_records(
    client, users, make_project, today
):
    project = signed(users, make_project, today)
    funds_submit(
        actor=users["linqing"],
        project=project,
        period=today.replace(year=today.year - 2, month=3, day=1),
        amount_wan=Decimal("10"),
        source=FundsSource.OWN,
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file())],
    )
    login(client, users["linqing"])
    assert client.get(reverse("portal:home")).context["figures"]["year"] == today.year
    statistics_year_set(actor=users["city"], year=today.year - 3)
    for who in ("linqing", "dongchangfu", "city"):
        login(client, users[who])
        figures = client.get(reverse("portal:home")).context["figures"]
        assert figures["year"] == today.year - 3


def test_home_shows_each_administrator_its_own_duties_and_pages(client, users):
    html = login(client, users["secadmin"]).get(reverse("portal:home")).content.decode()
    assert "您的角色：安全管理员" in html
    assert "审核系统管理员新建、变更、重新启用或重置密码的账号" in html
    assert reverse("accounts:approval-queue") in html and reverse("accounts:role-list") in html
    assert "万元" not in html and reverse("core:audit-log") not in html
    client.logout()
    html = login(client, users["sysadmin"]).get(reverse("portal:home")).content.decode()
    assert "系统管理员不能修改角色权限" in html
    assert reverse("accounts:approval-queue") not in html
    client.logout()
    response = login(client, users["auditor"]).get(reverse("portal:home"))
    html = response.content.decode()
    assert response.context["figures"]["visible"] is False
    assert "您的角色：审计管理员" in html and "在“管理员操作”页审查" in html
    assert "审计管理员不能查看招商业务数据" in html
    assert reverse("core:audit-admin") in html and "万元" not in html
    client.logout()
    response = login(client, users["inspector"]).get(reverse("portal:home"))
    html = response.content.decode()
    assert response.context["figures"]["visible"] is True
    assert "万元" in html and reverse("core:audit-log") not in html
    client.logout()
    html = login(client, users["city"]).get(reverse("portal:home")).content.decode()
    assert 'id="admin-duties"' not in html
