"""ProjectTotal and ProjectMonthlyTotal: the caches of project counts stay equal to the projects
through the services (create, edit, stage moves both ways), are proved and repaired by
``check_project_totals``, and read per scope exactly as a GROUP BY over the visible projects."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Sum

from zhaoshang.conftest import pdf_file
from zhaoshang.industries.models import Industry
from zhaoshang.projects.figures import (
    list_figures,
    project_event_sums,
    project_figures,
    project_sums,
    scope_list_figures,
    scope_project_figures,
)
from zhaoshang.projects.models import (
    EvidenceKind,
    Project,
    ProjectEvent,
    ProjectMonthlyTotal,
    ProjectTotal,
    Stage,
)
from zhaoshang.projects.services import EvidenceFile, project_advance_stage, project_update
from zhaoshang.projects.services.project_totals import project_totals_diff, project_totals_rebuild

pytestmark = pytest.mark.django_db

D = dt.date
EVIDENCE = {Stage.SIGNED: EvidenceKind.CONTRACT, Stage.STARTED: EvidenceKind.CONSTRUCTION_PERMIT}


def advance(users, project, to, on, who="linqing", **kw):
    kind = EVIDENCE.get(to)
    if to == Stage.SIGNED and "contracted_investment_wan" not in kw:
        kw["contracted_investment_wan"] = project.total_investment_wan
    return project_advance_stage(
        project=Project.objects.get(pk=project.pk),
        to=to,
        on=on,
        actor=users[who],
        evidence=[EvidenceFile(kind, pdf_file())] if kind else [],
        **kw,
    )


def totals() -> dict:
    """ProjectTotal as {(unit, industry, stage, key, over): (count, investment)}, zero rows left out."""
    return {
        (t.unit_id, t.industry_id, t.stage, t.is_key, t.is_over_100m): (
            t.project_count,
            t.investment_wan,
        )
        for t in ProjectTotal.objects.exclude(project_count=0)
    }


def months() -> dict:
    """ProjectMonthlyTotal as {(unit, event, month, stage, key, over): (count, investment)}."""
    return {
        (t.unit_id, t.event, t.period, t.stage, t.is_key, t.is_over_100m): (
            t.project_count,
            t.investment_wan,
        )
        for t in ProjectMonthlyTotal.objects.exclude(project_count=0)
    }


@pytest.fixture
def new(make_project):
    """A project registered as a lead in October 2023 (before the stage dates used here)."""

    def create(unit_user="linqing", **fields):
        return make_project(unit_user, lead_on=D(2023, 10, 9), **fields)

    return create


@pytest.fixture
def bearing(db):
    return Industry.objects.create(code="bearing", name="轴承")


def test_a_new_project_counts_once_at_lead(new, org):
    new(total_investment_wan=Decimal("20000"), is_key=True)
    new(name="小项目", total_investment_wan=Decimal("500"))
    unit = org["linqing"].pk
    assert totals() == {
        (unit, None, Stage.LEAD, True, True): (1, Decimal("20000.00")),
        (unit, None, Stage.LEAD, False, False): (1, Decimal("500.00")),
    }
    assert months() == {}
    assert project_totals_diff() == []


def test_stage_moves_forward_and_back_keep_totals_equal_to_projects(users, new, org):
    project = new(total_investment_wan=Decimal("20000"))
    unit = org["linqing"].pk
    advance(users, project, Stage.SIGNED, D(2024, 2, 10))
    advance(users, project, Stage.STARTED, D(2024, 3, 5))
    assert totals() == {(unit, None, Stage.STARTED, False, True): (1, Decimal("20000.00"))}
    assert months() == {
        (unit, "signed", D(2024, 2, 1), Stage.STARTED, False, True): (1, Decimal("20000.00")),
        (unit, "started", D(2024, 3, 1), Stage.STARTED, False, True): (1, Decimal("20000.00")),
    }
    # sent back to 签约: the 开工 date is cleared, the signing keeps its month
    advance(users, project, Stage.SIGNED, D(2024, 3, 20), who="city", note="开工证明无效")
    assert totals() == {(unit, None, Stage.SIGNED, False, True): (1, Decimal("20000.00"))}
    assert months() == {
        (unit, "signed", D(2024, 2, 1), Stage.SIGNED, False, True): (1, Decimal("20000.00")),
    }
    advance(users, project, Stage.DROPPED, D(2024, 4, 1), note="投资方撤资")
    assert totals() == {(unit, None, Stage.DROPPED, False, True): (1, Decimal("20000.00"))}
    assert project_totals_diff() == []


def test_editing_unit_industry_key_and_investment_moves_the_project(users, new, org, bearing):
    project = new(total_investment_wan=Decimal("9000"))
    advance(users, project, Stage.SIGNED, D(2024, 2, 10))
    project = Project.objects.get(pk=project.pk)
    project_update(
        actor=users["city"],
        project=project,
        unit=org["dongchangfu"],
        industry=bearing,
        is_key=True,
        total_investment_wan=Decimal("12000"),
    )
    unit = org["dongchangfu"].pk
    assert totals() == {(unit, bearing.pk, Stage.SIGNED, True, True): (1, Decimal("12000.00"))}
    assert months() == {
        (unit, "signed", D(2024, 2, 1), Stage.SIGNED, True, True): (1, Decimal("12000.00")),
    }
    assert project_totals_diff() == []


def test_an_edit_through_a_stale_instance_keeps_the_stored_stage(users, new, org):
    project = new(total_investment_wan=Decimal("20000"))
    stale = Project.objects.get(pk=project.pk)  # still at 线索
    advance(users, project, Stage.SIGNED, D(2024, 2, 10))
    project_update(actor=users["linqing"], project=stale, name="改名后的项目")
    unit = org["linqing"].pk
    assert totals() == {(unit, None, Stage.SIGNED, False, True): (1, Decimal("20000.00"))}
    assert project_totals_diff() == []


def test_a_refused_stage_move_leaves_totals_unchanged(users, new):
    project = new(total_investment_wan=Decimal("20000"))
    before = totals()
    with pytest.raises(
        ValidationError, match="不能跳过“签约”阶段，请先登记签约"
    ):  # 开工 without 签约 first
        advance(users, project, Stage.STARTED, D(2024, 3, 5))
    assert totals() == before
    assert months() == {}


def test_rebuild_repairs_tampered_and_missing_rows(users, new, org):
    project = new(total_investment_wan=Decimal("20000"))
    advance(users, project, Stage.SIGNED, D(2024, 2, 10))
    ProjectTotal.objects.filter(stage=Stage.SIGNED).update(project_count=5)
    ProjectMonthlyTotal.objects.all().delete()
    diff = project_totals_diff()
    unit = org["linqing"].pk
    assert diff == [
        {
            "table": "ProjectMonthlyTotal",
            "key": (unit, "signed", D(2024, 2, 1), Stage.SIGNED, False, True),
            "expected": (Decimal("20000.00"), 1),
            "found": (Decimal("0.00"), 0),
        },
        {
            "table": "ProjectTotal",
            "key": (unit, None, Stage.SIGNED, False, True),
            "expected": (Decimal("20000.00"), 1),
            "found": (Decimal("20000.00"), 5),
        },
    ]
    assert project_totals_rebuild() == 2
    assert project_totals_diff() == []


def test_check_command_exits_1_on_a_difference_and_fix_repairs(new, capsys):
    new()
    call_command("check_project_totals")
    assert "项目合计与项目记录一致" in capsys.readouterr().out
    ProjectTotal.objects.filter(project_count=1).update(investment_wan=Decimal("1"))
    with pytest.raises(SystemExit) as exc:
        call_command("check_project_totals")
    assert exc.value.code == 1
    assert "1 行不一致" in capsys.readouterr().out
    call_command("check_project_totals", "--fix")
    assert "已按项目记录重建合计表：1 行" in capsys.readouterr().out
    assert project_totals_diff() == []
    call_command("check_project_totals")


@pytest.fixture
def spread(users, new, org):
    """Projects of two units; one of dongchangfu's is served by linqing's staff member."""
    a = new(total_investment_wan=Decimal("20000"), is_key=True)
    advance(users, a, Stage.SIGNED, D(2024, 1, 15))
    advance(users, a, Stage.STARTED, D(2024, 3, 31))
    b = new(name="临清二号", total_investment_wan=Decimal("800"))
    advance(users, b, Stage.SIGNED, D(2024, 3, 1))
    c = new("dongchangfu", name="东昌府一号", total_investment_wan=Decimal("50000"))
    advance(users, c, Stage.SIGNED, D(2024, 3, 17), who="dongchangfu")
    advance(users, c, Stage.STARTED, D(2024, 4, 2), who="dongchangfu")
    d = new("dongchangfu", name="东昌府二号", total_investment_wan=Decimal("3000"))
    Project.objects.filter(pk=d.pk).update(commissioner=users["linqing"])  # not a counted field
    advance(users, d, Stage.SIGNED, D(2024, 1, 31), who="dongchangfu")
    return {"a": a, "b": b, "c": c, "d": d}


VIEWERS = ("city", "linqing", "dongchangfu", "leader", "commissioner", "inspector", "sysadmin")


def test_project_sums_equal_the_group_by_over_visible_projects(users, spread):
    for who in VIEWERS:
        assert_project_sums(users[who])


def assert_project_sums(user):
    expected = {
        tuple(key): (n, Decimal(total).quantize(Decimal("0.01")))
        for *key, n, total in Project.objects.restrict(user, "view")
        .order_by()
        .values_list("unit_id", "industry_id", "stage", "is_key", "is_over_100m")
        .annotate(n=Count("id"), total=Sum("total_investment_wan"))
    }
    got: dict = {}
    for row in project_sums(user):
        key = tuple(row[:5])
        n, total = got.get(key, (0, Decimal("0.00")))
        got[key] = (n + row.count, total + row.investment)
    assert got == expected, user.username


SPANS = [
    (D(2024, 1, 1), D(2025, 1, 1)),  # whole months only
    (D(2024, 1, 16), D(2024, 3, 31)),  # partial months at both ends
    (D(2024, 3, 17), D(2024, 4, 3)),  # partial months only
    (D(2024, 3, 2), D(2024, 3, 17)),  # inside one month, nothing on either edge day
    (D(2024, 5, 1), D(2024, 5, 1)),  # empty
]


@pytest.mark.parametrize("event", [ProjectEvent.SIGNED, ProjectEvent.STARTED])
def test_event_sums_equal_the_group_by_over_visible_projects(users, spread, event):
    compared = [
        assert_event_sums(users[who], event, start, end) for who in VIEWERS for start, end in SPANS
    ]
    assert sum(compared) == NON_EMPTY[event]  # the comparisons are not of empty sets


NON_EMPTY = {ProjectEvent.SIGNED: 34, ProjectEvent.STARTED: 16}


def assert_event_sums(user, event, start, end):
    field = {"signed": "signed_on", "started": "started_on"}[event]
    expected = {
        tuple(key): (n, Decimal(total).quantize(Decimal("0.01")))
        for *key, n, total in Project.objects.restrict(user, "view")
        .filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .order_by()
        .values_list("unit_id", "stage", "is_key", "is_over_100m")
        .annotate(n=Count("id"), total=Sum("total_investment_wan"))
    }
    got: dict = {}
    for row in project_event_sums(user, event=event, start=start, end=end):
        key = tuple(row[:4])
        n, total = got.get(key, (0, Decimal("0.00")))
        got[key] = (n + row.count, total + row.investment)
    assert got == expected, (user.username, start, end)
    return len(expected)


def test_event_sums_for_the_city_in_the_first_quarter(users, spread, org):
    rows = project_event_sums(
        users["city"], event=ProjectEvent.SIGNED, start=D(2024, 1, 1), end=D(2024, 4, 1)
    )
    by_unit: dict = {}
    for row in rows:
        by_unit[row.unit_id] = by_unit.get(row.unit_id, 0) + row.count
    assert by_unit == {org["linqing"].pk: 2, org["dongchangfu"].pk: 2}


@pytest.mark.parametrize("year", [2023, 2024])
def test_scope_figures_equal_the_records_path_for_every_viewer(users, spread, year):
    start, end = D(year, 1, 1), D(year + 1, 1, 1)
    for who in VIEWERS:
        user = users[who]
        records = project_figures(Project.objects.restrict(user, "view"), start=start, end=end)
        assert scope_project_figures(user, start=start, end=end) == records, who


def test_scope_figures_for_the_city_in_2024(users, spread):
    figures = scope_project_figures(users["city"], start=D(2024, 1, 1), end=D(2025, 1, 1))
    assert figures == {
        "projects_total": 4,
        "projects_live": 4,
        "key_projects": 1,
        "signed": 4,
        "started_over_100m": 2,
        "started_over_100m_investment_wan": Decimal("70000.00"),
        "by_stage": {
            "lead": 0,
            "negotiating": 0,
            "signed": 2,
            "started": 2,
            "operating": 0,
            "dropped": 0,
        },
    }


def test_the_unfiltered_list_figures_equal_the_records_path_for_every_viewer(users, spread):
    for who in VIEWERS:
        user = users[who]
        assert scope_list_figures(user) == list_figures(Project.objects.restrict(user, "view"))
    assert scope_list_figures(users["linqing"]) == {
        "projects_total": 3,  # its two, and dongchangfu's project it serves
        "projects_live": 3,
        "investment_wan": Decimal("23800.00"),
        "over_100m": 1,
    }
