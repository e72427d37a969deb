"""The service system's figures in the indicator registry (so a ranking scheme can use them per
unit): the same numbers as the service figures pages, which call the same functions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.periods import parse_period
from zhaoshang.goals.indicators import INDICATORS, drilldown, evaluate
from zhaoshang.service.selectors import figures as F
from zhaoshang.service.tests.desk_support import build

pytestmark = pytest.mark.django_db
Y2024 = parse_period("2024")


@pytest.fixture
def city(users, make_project):
    return build(users, make_project)


@pytest.mark.parametrize("figure", F.FIGURES, ids=lambda f: f.key)
def test_the_indicator_registry_computes_the_same_numbers_per_unit_and_for_the_city(
    city, org, figure
):
    indicator = INDICATORS[figure.key]
    registered = evaluate(indicator, Y2024)
    direct = figure.compute(period=Y2024, by="unit")
    for unit in (org["linqing"], org["dongchangfu"]):
        expected = direct.get(unit.pk)
        assert registered.value(unit.pk) == indicator.quantize(expected or Decimal(0))
    assert registered.value(None) == indicator.quantize(direct[None] or Decimal(0))
    assert indicator.source in ("problems", "tasks")  # never a bonus/deduction (projects only)


def test_the_registry_drilldown_lists_the_problems_the_figure_reads(city, org):
    figure = evaluate("service_resolution_rate", Y2024)
    assert set(drilldown(figure, org["linqing"].pk)) == {city["a"], city["b"]}
    assert set(drilldown(figure, None)) == {city["a"], city["b"], city["c"], city["d"]}


def test_the_goals_indicator_page_sends_a_service_figure_to_its_own_page(client, users, city):
    client.force_login(users["city"])
    response = client.get(
        reverse("goals:indicator", args=["service_on_time_rate"]), {"period": "2024"}
    )
    assert response.status_code == 302
    assert response.url == reverse("service:figures") + "?period=2024"


def test_the_indicator_api_serves_a_service_figure_per_unit(client, users, city, org):
    client.force_login(users["city"])
    response = client.get(
        "/api/indicators/",
        {"indicator": "service_resolution_rate", "unit": org["dongchangfu"].code, "period": "2024"},
    )
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert (body["value"], body["value_unit"], body["records"]) == ("50.00", "%", 2)


def test_the_league_table_and_the_registry_agree_for_a_unit(client, users, city):
    client.force_login(users["city"])
    page = client.get(reverse("service:figures"), {"period": "2024", "by": "unit"})
    linqing = users["linqing"].unit
    rows = {r["id"]: r["values"] for r in page.context["rows"]}
    for figure in F.FIGURES:
        registered = evaluate(figure.key, Y2024).value(linqing.pk)
        shown = rows[linqing.pk][figure.key]
        assert registered == INDICATORS[figure.key].quantize(shown or Decimal(0)), figure.key


def _config(org, **extra):
    return {
        "title": "服务考核", "years": [2024], "total_points": "100",
        "tracks": [{"name": "县市区", "units": [org["linqing"].code, org["dongchangfu"].code]}],
        "indicators": [
            {"id": "resolve", "indicator": "service_resolution_rate", "weight": "60",
             "method": "efficacy", "span": "ytd"},
            {"id": "on_time", "indicator": "service_on_time_rate", "weight": "40",
             "method": "efficacy", "span": "ytd"},
        ],
        "bonuses": [], "deductions": [], "tie_break": ["resolve"], **extra,
    }  # fmt: skip


def test_a_ranking_scheme_ranks_units_on_service_figures(users, org, city):
    from zhaoshang.goals.ranking import compute_quarter
    from zhaoshang.goals.services import scheme_create

    scheme = scheme_create(actor=users["city"], code="svc", name="服务考核", config=_config(org))
    result = compute_quarter(scheme, "2024Q4", drilldown=False).results
    rows = {r["unit"]: r for r in result["tracks"][0]["units"]}
    linqing, dcf = rows[org["linqing"].code], rows[org["dongchangfu"].code]
    assert (linqing["values"]["resolve"], dcf["values"]["resolve"]) == ("100.00", "50.00")
    assert (linqing["values"]["on_time"], dcf["values"]["on_time"]) == ("50.00", "100.00")
    # 功效系数法: the best value earns the full weight, the lowest 60 % of it.
    assert (linqing["scores"]["resolve"], dcf["scores"]["resolve"]) == ("60.00", "36.00")
    assert (linqing["scores"]["on_time"], dcf["scores"]["on_time"]) == ("24.00", "40.00")
    assert (linqing["total"], dcf["total"]) == ("84.00", "76.00")
    assert [r["unit"] for r in result["tracks"][0]["units"]] == [
        org["linqing"].code,
        org["dongchangfu"].code,
    ]


def test_a_service_figure_cannot_be_a_bonus_counted_per_project(org):
    from django.core.exceptions import ValidationError

    from zhaoshang.goals.schemes import scheme_config_clean

    bad = _config(org, bonuses=[{"id": "b", "indicator": "service_resolution_rate", "points": "1"}])
    with pytest.raises(ValidationError) as exc:
        scheme_config_clean(bad)
    assert any("项目类指标" in m for m in exc.value.messages)
