"""Project list pages: scope, filters, sorting, pagination and the Excel export."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.conftest import pdf_file
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.projects.exports import HEADERS
from zhaoshang.projects.models import EvidenceKind, Project, Stage
from zhaoshang.projects.services import EvidenceFile, project_advance_stage

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
EXPORT = reverse("projects:export")


def names(response) -> list[str]:
    return sorted(p.name for p in response.context["page"].object_list)


@pytest.fixture
def three_projects(make_project, users, today):
    """临清: a 2亿 signed bearing project and a small lead; 东昌府: a 1.5亿 lead."""
    bearing = make_project(name="高端轴承基地", total_investment_wan=Decimal("20000"))
    project_advance_stage(
        project=bearing,
        to=Stage.SIGNED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("18000"),
    )
    small = make_project(name="农产品冷链仓储", total_investment_wan=Decimal("3000"))
    other = make_project(
        "dongchangfu", name="新能源电池材料", total_investment_wan=Decimal("15000")
    )
    return bearing, small, other


def test_county_staff_see_only_their_own_units_projects(client, users, three_projects):
    client.force_login(users["linqing"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == ["农产品冷链仓储", "高端轴承基地"]
    assert response.context["figures"]["projects_total"] == 2
    assert response.context["figures"]["investment_wan"] == Decimal("23000.00")
    assert "新能源电池材料" not in response.content.decode()


def test_city_sees_every_units_projects_with_totals_in_yi(client, users, three_projects):
    client.force_login(users["city"])
    response = client.get(LIST)
    assert names(response) == ["农产品冷链仓储", "新能源电池材料", "高端轴承基地"]
    html = response.content.decode()
    assert 'id="figure-investment">3.80 亿元<' in html
    # One unit down the column: 3,000 万元 reads 0.30 亿元 beside 2.00 亿元.
    assert "2.00 亿元" in html and "0.30 亿元" in html and "3,000.00 万元" not in html


def test_filter_by_stage(client, users, three_projects):
    client.force_login(users["city"])
    response = client.get(LIST, {"stage": "signed"})
    assert names(response) == ["高端轴承基地"]
    response = client.get(LIST, {"stage": ["signed", "lead"], "unit": "371502"})
    assert names(response) == ["新能源电池材料"]


def test_filter_over_100m_and_text(client, users, three_projects):
    client.force_login(users["city"])
    assert names(client.get(LIST, {"is_over_100m": "true"})) == ["新能源电池材料", "高端轴承基地"]
    assert names(client.get(LIST, {"is_over_100m": "false"})) == ["农产品冷链仓储"]
    assert names(client.get(LIST, {"q": "轴承"})) == ["高端轴承基地"]


def test_sorting_by_total_investment(client, users, three_projects):
    client.force_login(users["city"])
    response = client.get(LIST, {"ordering": "-total_investment_wan"})
    ordered = [p.name for p in response.context["page"].object_list]
    assert ordered == ["高端轴承基地", "新能源电池材料", "农产品冷链仓储"]
    assert 'aria-sort="descending"' in response.content.decode()


def test_pagination_is_50_a_page_and_page_links_keep_the_filters(client, users, org):
    Project.objects.bulk_create(
        Project(name=f"批量项目{i:03d}", unit=org["linqing"], total_investment_wan=Decimal("100"))
        for i in range(60)
    )
    client.force_login(users["linqing"])
    first = client.get(LIST, {"q": "批量", "stage": "lead"})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.num_pages == 2
    assert 'href="?q=%E6%89%B9%E9%87%8F&amp;stage=lead&amp;page=2"' in first.content.decode()
    second = client.get(LIST, {"q": "批量", "stage": "lead", "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_htmx_filter_request_returns_only_the_results(client, users, three_projects):
    client.force_login(users["linqing"])
    response = client.get(
        LIST, {"q": "轴承"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="project-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "高端轴承基地" in html and "农产品冷链仓储" not in html
    assert "HX-Request" in response["Vary"]


def test_export_contains_exactly_the_filtered_rows_and_is_audited(client, users, three_projects):
    client.force_login(users["city"])
    response = client.get(EXPORT, {"is_over_100m": "true", "ordering": "name"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    name_col, total_col = HEADERS.index("项目名称"), HEADERS.index("总投资（万元）")
    assert sorted(r[name_col] for r in rows[1:]) == ["新能源电池材料", "高端轴承基地"]
    totals = {r[name_col]: r[total_col] for r in rows[1:]}
    assert totals == {"新能源电池材料": 15000, "高端轴承基地": 20000}
    stage_col = HEADERS.index("当前阶段")
    assert {r[name_col]: r[stage_col] for r in rows[1:]}["高端轴承基地"] == "签约"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.user == users["city"]
    assert json.loads(entry.note) == {"is_over_100m": "true", "ordering": "name"}
    assert entry.object_repr == "招商项目导出（2 条）"


def test_export_by_county_staff_never_contains_other_units(client, users, three_projects):
    client.force_login(users["linqing"])
    response = client.get(EXPORT)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sorted(r[HEADERS.index("项目名称")] for r in rows[1:]) == [
        "农产品冷链仓储",
        "高端轴承基地",
    ]


@pytest.mark.parametrize("who", ["dept_land", "sysadmin", "norole"])
def test_roles_without_project_permission_get_403(client, users, who):
    client.force_login(users[who])
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_is_sent_to_login(client):
    for url in (LIST, EXPORT, reverse("projects:funds-list"), reverse("projects:create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=signed", ["高端轴承基地"]),
        ("stage=signed&stage=lead&unit=371502", ["新能源电池材料"]),
        ("is_over_100m=true", ["新能源电池材料", "高端轴承基地"]),
        ("is_over_100m=false", ["农产品冷链仓储"]),
        ("q=轴承", ["高端轴承基地"]),
        ("q=轴承&stage=lead", []),
        ("", ["农产品冷链仓储", "新能源电池材料", "高端轴承基地"]),
    ],
)
def test_the_list_page_and_the_api_find_the_same_projects_for_one_query_string(
    client, users, three_projects, query, expected
):
    from zhaoshang.core.tests.api_support import client_for

    client.force_login(users["city"])
    page = client.get(f"{LIST}?{query}")
    api = client_for(users["city"]).get(f"/api/projects/?{query}")
    assert api.status_code == 200
    assert names(page) == expected
    assert sorted(p["name"] for p in api.json()["results"]) == expected
