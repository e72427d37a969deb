"""Stage colours come from one place, static/css/stages.css: the badges use its classes, and the
charts (the home page's bars, the cockpit's and unit dashboards' funnel) read its properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from zhaoshang.goals.dashboards.cockpit import pipeline_chart
from zhaoshang.projects.models import Stage
from zhaoshang.projects.templatetags.projects_tags import stage_badge

STAGES = list(Stage.values)
EXPECTED = {
    "lead": "#6c757d",
    "negotiating": "#0dcaf0",
    "signed": "#0d6efd",
    "started": "#fd7e14",
    "operating": "#198754",
    "dropped": "#adb5bd",
}


def static_text(path: str) -> str:
    found = finders.find(path)
    assert found, path
    return Path(found).read_text(encoding="utf-8")


def stage_properties() -> dict[str, str]:
    css = static_text("css/stages.css")
    return dict(re.findall(r"--stage-([a-z]+):\s*(#[0-9a-fA-F]{6})", css))


def test_every_stage_has_one_colour_property_and_its_badge_class_uses_it():
    colours = stage_properties()
    assert colours == EXPECTED
    css = static_text("css/stages.css")
    for stage in STAGES:
        rule = re.search(rf"\.stage-{stage}\s*\{{([^}}]*)\}}", css).group(1)
        assert f"background-color: var(--stage-{stage})" in rule


def test_no_other_stylesheet_or_script_names_a_stage_colour():
    """The badges' old Bootstrap hints and the chart's fixed blue are gone: the colours exist in
    stages.css only, and each chart script reads them from there."""
    for path in ("css/zhaoshang.css", "goals/dashboards.css"):
        assert ".stage-" not in static_text(path), path
    for path in ("portal/stage_chart.js", "goals/dashboards.js"):
        script = static_text(path).lower()
        assert '"--stage-"' in script, path
        assert [c for c in EXPECTED.values() if c in script] == [], path


def test_the_badge_is_the_stage_class():
    for stage in STAGES:
        assert stage_badge(stage) == (
            f'<span class="badge stage-badge stage-{stage}">{Stage(stage).label}</span>'
        )
    assert stage_badge("nonsense") == "—"


def test_the_funnel_names_each_steps_stage_for_its_colour():
    pipeline = [
        {"stage": s, "label": Stage(s).label, "count": 1, "investment_wan": 0} for s in STAGES
    ]
    assert [p["stage"] for p in pipeline_chart(pipeline)] == STAGES[:-1]  # 终止 is no step


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_charts_draw_each_stage_in_its_badge_colour(page, live_server, users, make_project):
    from zhaoshang.projects.tests.test_e2e_lifecycle import login

    make_project(name="线索项目")
    login(page, live_server.url, "city")
    page.goto(live_server.url + "/")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('stage-chart'))"
    )
    bars = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('stage-chart'))"
        ".getOption().series[0].data.map(d => d.itemStyle.color)"
    )
    assert bars == [EXPECTED[s] for s in STAGES]
    page.goto(live_server.url + "/projects/")
    badge = page.locator(".stage-badge.stage-lead").first
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(108, 117, 125)"
