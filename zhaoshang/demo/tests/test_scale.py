"""Scale mode (`load_demo --projects N`): bulk rows that read back like service-written ones."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from stdnum.cn import uscc as uscc_std

from zhaoshang.accounts.models import User
from zhaoshang.core.models import AuditEntry
from zhaoshang.demo.reference import REFERENCE_DATE
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Evidence,
    FundsRecord,
    FundsStatus,
    Project,
    Stage,
    StageChange,
)
from zhaoshang.projects.selectors import home_figures, projects_for
from zhaoshang.projects.stage_rules import STAGE_RULES

PROJECTS, PER_PROJECT, ENTERPRISES = 400, 5, 120


@pytest.fixture
def scale(db) -> str:
    out = io.StringIO()
    call_command(
        "load_demo",
        projects=PROJECTS,
        funds_per_project=PER_PROJECT,
        enterprises=ENTERPRISES,
        stdout=out,
    )
    return out.getvalue()


def test_exact_counts(scale):
    assert Project.objects.count() == PROJECTS
    assert FundsRecord.objects.count() == PROJECTS * PER_PROJECT
    assert Enterprise.objects.count() == ENTERPRISES
    assert Evidence.objects.filter(funds_record__isnull=False).count() == PROJECTS * PER_PROJECT
    assert AuditEntry.objects.filter(object_repr="规模测试数据").count() == 1
    assert User.objects.filter(username="linqing").exists()


def test_rows_are_valid_and_consistent(scale):
    coded = list(Enterprise.objects.exclude(uscc=None)[:200])
    assert coded
    for enterprise in coded:
        assert uscc_std.is_valid(enterprise.uscc)
    log: dict[int, list[StageChange]] = defaultdict(list)
    for change in StageChange.objects.order_by("on", "id"):
        log[change.project_id].append(change)
    projects = list(Project.objects.all())
    assert len(projects) == PROJECTS
    for project in projects:
        changes = log[project.pk]
        assert changes[0].to_stage == Stage.LEAD
        assert changes[-1].to_stage == project.stage
        for change in changes[1:]:
            field = STAGE_RULES[change.to_stage].date_field
            assert getattr(project, field) == change.on
        assert project.created_at.date() == changes[0].on
        if project.stage in STAGE_ORDER:
            later = STAGE_ORDER[STAGE_ORDER.index(project.stage) + 1 :]
            assert all(getattr(project, STAGE_RULES[s].date_field) is None for s in later)
        assert project.is_over_100m == (project.total_investment_wan >= 10_000)


def test_funds_are_valid(scale):
    totals = defaultdict(Decimal)
    for record in FundsRecord.objects.select_related("project"):
        assert record.project.signed_on is not None
        assert record.project.stage in (Stage.SIGNED, Stage.STARTED, Stage.OPERATING)
        assert record.project.signed_on.replace(day=1) <= record.period <= REFERENCE_DATE
        assert record.amount_wan > 0
        if record.status != FundsStatus.SUBMITTED:
            assert record.verified_by_id != record.submitted_by_id
        if record.status != FundsStatus.REJECTED:
            totals[record.project_id] += record.amount_wan
    for pk, total in totals.items():
        assert total <= Project.objects.get(pk=pk).total_investment_wan
    statuses = dict(FundsRecord.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[FundsStatus.VERIFIED] > statuses.get(FundsStatus.SUBMITTED, 0)


def test_selectors_read_the_bulk_rows(scale):
    city = User.objects.get(username="city")
    figures = home_figures(user=city, year=2024)
    verified = FundsRecord.objects.filter(status=FundsStatus.VERIFIED, period__year=2024).aggregate(
        t=Sum("amount_wan")
    )["t"]
    assert figures["funds_verified_wan"] == verified
    assert figures["projects_total"] == PROJECTS
    page = list(projects_for(user=city, filters={"stage": ["started"]})[:50])
    assert page and all(p.stage == Stage.STARTED for p in page)
    linqing = User.objects.get(username="linqing")
    assert (
        projects_for(user=linqing, filters={}).count()
        == Project.objects.filter(unit=linqing.unit).count()
    )


def test_second_scale_run_is_skipped(scale):
    out = io.StringIO()
    call_command("load_demo", projects=PROJECTS, stdout=out)
    assert "已有演示数据" in out.getvalue()
    assert Project.objects.count() == PROJECTS
