"""The published service figures (§8): exact values on a small city, per unit and department,
the same through the goals' indicator registry and on the pages; the league table's rights."""

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.periods import parse_period
from zhaoshang.service.selectors import figures as F

from .desk_support import PERIOD_FIGURES, build

pytestmark = pytest.mark.django_db
Y2024 = parse_period("2024")


@pytest.fixture
def city(users, make_project):
    return build(users, make_project)


def by_code(values, org):
    codes = {org["linqing"].pk: "linqing", org["dongchangfu"].pk: "dongchangfu"}
    return {codes.get(k, k): v for k, v in values.items()}


def test_problem_figures_per_unit_are_exact(city, org):
    for figure in F.FIGURES:
        if figure.key in PERIOD_FIGURES["unit"]:
            got = by_code(figure.compute(period=Y2024, by="unit"), org)
            assert got == PERIOD_FIGURES["unit"][figure.key], figure.key


def test_problem_figures_per_department_are_exact(city):
    land, env = city["land"].pk, city["env"].pk
    assert F.problems_raised(period=Y2024, by="department") == {land: 2, env: 2, None: 4}
    assert F.resolution_rate(period=Y2024, by="department") == {
        land: Decimal("100.0"),
        env: Decimal("50.0"),
        None: Decimal("75.0"),
    }
    assert F.on_time_rate(period=Y2024, by="department") == {
        land: Decimal("50.0"),
        env: Decimal("100.0"),
        None: Decimal("66.7"),
    }
    assert F.average_resolve_workdays(period=Y2024, by="department") == {
        land: Decimal("7.5"),
        env: Decimal("5.0"),
        None: Decimal("6.7"),
    }
    assert F.satisfaction(period=Y2024, by="department") == {
        land: Decimal("5.0"),
        env: Decimal("3.0"),
        None: Decimal("4.0"),
    }


def test_decisions_on_time_counts_decision_tasks_due_by_today(city, org):
    today = parse_period("2024-12").last_day
    by_dept = F.decisions_on_time(period=Y2024, by="department", today=today)
    assert by_dept == {
        city["land"].pk: Decimal("50.0"),
        city["env"].pk: Decimal("0.0"),
        None: Decimal("25.0"),
    }
    assert F.decisions_on_time(period=Y2024, by="unit", today=today) == {
        org["linqing"].pk: Decimal("0.0"),
        None: Decimal("25.0"),
    }
    # Seen on 2024-11-10, the tasks due later are not counted yet: t1 on time, t6 overdue.
    early = F.decisions_on_time(
        period=Y2024, by="department", today=parse_period("2024-11").start.replace(day=10)
    )
    assert early == {
        city["land"].pk: Decimal("100.0"),
        city["env"].pk: Decimal("0.0"),
        None: Decimal("50.0"),
    }


def test_a_period_without_a_resolved_problem_has_no_rate_rather_than_zero(city):
    september = parse_period("2024-09")  # only A, resolved in October: counted, resolved
    assert F.on_time_rate(period=september, by="department") == {
        city["land"].pk: Decimal("100.0"),
        None: Decimal("100.0"),
    }
    q3_2023 = parse_period("2023Q3")
    assert F.resolution_rate(period=q3_2023) == {None: None}
    assert F.problems_raised(period=q3_2023) == {None: 0}


# --- pages ----------------------------------------------------------------------------------------


def cells(response, key):
    html = response.content.decode()
    return html.count(f'data-figure="{key}"')


def test_the_league_table_shows_the_registry_numbers(client, users, city):
    client.force_login(users["city"])
    response = client.get(reverse("service:figures"), {"period": "2024", "by": "department"})
    assert response.status_code == 200
    rows = {r["name"]: r["values"] for r in response.context["rows"]}
    assert rows["自然资源和规划局"]["service_resolution_rate"] == Decimal("100.0")
    assert rows["生态环境局"]["service_on_time_rate"] == Decimal("100.0")
    assert response.context["total"]["values"]["service_on_time_rate"] == Decimal("66.7")
    html = response.content.decode()
    assert "66.7%" in html and "75.0%" in html
    by_unit = client.get(reverse("service:figures"), {"period": "2024", "by": "unit"})
    unit_rows = {r["name"]: r["values"] for r in by_unit.context["rows"]}
    linqing = users["linqing"].unit
    assert unit_rows[linqing.name]["service_resolve_workdays"] == Decimal("7.5")


def test_the_league_table_sorts_by_a_figure_with_empty_values_last(client, users, city):
    client.force_login(users["city"])
    url = reverse("service:figures")
    response = client.get(url, {"period": "2024", "sort": "service_satisfaction", "dir": "asc"})
    assert [r["name"] for r in response.context["rows"]] == ["生态环境局", "自然资源和规划局"]
    response = client.get(url, {"period": "2024", "sort": "service_satisfaction"})
    assert [r["name"] for r in response.context["rows"]] == ["自然资源和规划局", "生态环境局"]


def test_a_department_sees_only_its_own_figures(client, users, city):
    client.force_login(users["dept_land"])
    response = client.get(reverse("service:figures"), {"period": "2024"})
    assert [r["name"] for r in response.context["rows"]] == ["自然资源和规划局"]
    own = client.get(reverse("service:department", args=[city["land"].pk]), {"period": "2024"})
    assert own.status_code == 200
    cards = {c["figure"].key: c["value"] for c in own.context["cards"]}
    assert cards["service_resolution_rate"] == Decimal("100.0")
    assert cards["service_decisions_on_time"] == Decimal("50.0")
    assert client.get(reverse("service:department", args=[city["env"].pk])).status_code == 404
    mine = client.get(reverse("service:my-department"), {"period": "2024"})
    assert mine.status_code == 200 and mine.context["department"] == city["land"]


def test_a_bad_period_is_a_chinese_400(client, users, city):
    client.force_login(users["city"])
    response = client.get(reverse("service:figures"), {"period": "2024Q9"})
    assert response.status_code == 400
    assert "期间" in response.context["error"] or "季度" in response.context["error"]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("norole", 403), ("auditor", 403), ("sysadmin", 403), ("secadmin", 403),
     ("city", 200), ("inspector", 200), ("dept_land", 200), ("commissioner", 200),
     ("linqing", 200)],
)  # fmt: skip
def test_figures_page_permissions(client, users, city, who, status):
    if who:
        client.force_login(users[who])
    assert client.get(reverse("service:figures")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("norole", 403), ("auditor", 403), ("city", 200), ("inspector", 200),
     ("dept_land", 200), ("linqing", 404), ("commissioner", 404)],
)  # fmt: skip
def test_department_page_permissions(client, users, city, who, status):
    if who:
        client.force_login(users[who])
    url = reverse("service:department", args=[city["land"].pk])
    assert client.get(url).status_code == status


def test_a_unit_sees_its_projects_problems_only(client, users, city):
    client.force_login(users["dongchangfu"])
    response = client.get(reverse("service:figures"), {"period": "2024", "by": "unit"})
    assert [r["name"] for r in response.context["rows"]] == [users["dongchangfu"].unit.name]
    assert response.context["total"]["values"]["service_problems_raised"] == 2


def test_export_is_audited_and_writes_numbers(client, users, city):
    client.force_login(users["city"])
    response = client.get(reverse("service:figures-xlsx"), {"period": "2024"})
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    land = next(r for r in rows if r[0] == "自然资源和规划局")
    assert land[1:7] == [2, 100, 50, 7.5, 5, 50]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.object_repr == "服务指标" and '"period": "2024"' in entry.note
