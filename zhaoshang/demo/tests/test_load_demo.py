"""`load_demo`: a small demo through the services, its users, stages, funds and determinism."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Sum
from stdnum.cn import uscc as uscc_std

from zhaoshang.accounts.models import User
from zhaoshang.accounts.roles import Role
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.demo.loader import summarize
from zhaoshang.demo.reference import (
    HISTORY_START,
    KNOWN_ENTERPRISES,
    PRESS_PROJECTS,
    REFERENCE_DATE,
)
from zhaoshang.demo.replay import KNOWN_PLACEMENT_NOTE
from zhaoshang.demo.users import DEMO_USERS
from zhaoshang.enterprises.models import (
    Contact,
    Enterprise,
    Placement,
    PlacementSource,
    PlacementStatus,
)
from zhaoshang.geo import divisions
from zhaoshang.industries.models import ChainNode, Direction, Industry
from zhaoshang.projects.models import (
    STAGE_ORDER,
    FundsRecord,
    FundsStatus,
    Project,
    Stage,
    StageChange,
)
from zhaoshang.projects.selectors import home_figures
from zhaoshang.projects.stage_rules import FUNDS_EVIDENCE, STAGE_RULES, later_stages
from zhaoshang.targeting.chains.selectors import gap_analysis, node_local_enterprises
from zhaoshang.targeting.models import GapKind

SMALL = {"enterprises": 30, "projects_count": 40}


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **{**SMALL, **options})
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return load()


def fingerprint() -> tuple[list[str], dict]:
    """What must not change between two loads with the same seed."""
    names = list(Project.objects.order_by("name").values_list("name", flat=True))
    summary = summarize()
    totals = {
        "by_stage": summary.by_stage,
        "verified": summary.funds_verified_wan,
        "waiting": summary.funds_waiting,
        "rejected": summary.funds_rejected,
        "investment": Project.objects.aggregate(t=Sum("total_investment_wan"))["t"],
        "enterprises": sorted(Enterprise.objects.values_list("name", "uscc")),
        "placements": sorted(
            Placement.objects.values_list(
                "enterprise__name", "node__name", "source", "status", "confidence"
            )
        ),
        "audit": summary.audit_entries,
    }
    return names, totals


def test_users_roles_and_logins_table(demo):
    for spec in DEMO_USERS:
        user = User.objects.select_related("unit", "department").get(username=spec.username)
        assert user.role == spec.role
        assert (user.unit.code if user.unit else "") == spec.unit_code
        assert (user.department.code if user.department else "") == spec.department_code
        assert user.check_password("zhaoshang-demo")
        assert spec.username in demo
    assert User.objects.get(username="linqing").unit.name == "临清市"
    assert User.objects.get(username="dongchangfu").unit.name == "东昌府区"
    assert User.objects.get(username="dept_land").department.name == "自然资源和规划局"
    assert User.objects.filter(role=Role.CITY_ADMIN).count() >= 2  # maker and checker
    assert "zhaoshang-demo" in demo


def test_reference_data_and_press_projects(demo):
    assert Industry.objects.count() == 12
    assert Direction.objects.count() == 20
    for press in PRESS_PROJECTS:
        project = Project.objects.get(name=press.name)
        assert project.total_investment_wan == Decimal(500_000)
        assert project.unit.code == press.unit_code
        assert project.is_key and project.lead_leader and project.commissioner
        assert project.plan.content
        assert project.milestones.exists() and project.progress_updates.exists()
    assert Project.objects.get(name="哈轴集团高端轴承产业基地").unit.name == "临清市"


def test_enterprises_have_valid_codes(demo):
    assert Enterprise.objects.count() == SMALL["enterprises"]
    for enterprise in Enterprise.objects.all():
        if enterprise.uscc:
            assert uscc_std.is_valid(enterprise.uscc)
            assert enterprise.uscc[2:8] == enterprise.division_code
            assert enterprise.is_sample
        if enterprise.division_code:
            assert divisions.lookup(enterprise.division_code) is not None
            assert enterprise.is_local == enterprise.division_code.startswith("3715")
        if not enterprise.is_sample:
            assert enterprise.uscc is None  # no code is invented for a real company


def test_invented_enterprises_have_fictional_contacts_entered_through_the_audited_service(demo):
    contacts = list(Contact.objects.select_related("enterprise"))
    samples = Enterprise.objects.filter(is_sample=True).count()
    assert samples <= len(contacts) <= 2 * samples
    assert {c.enterprise.is_sample for c in contacts} == {True}  # no one invented at a real firm
    assert {c.enterprise_id for c in contacts} == set(
        Enterprise.objects.filter(is_sample=True).values_list("pk", flat=True)
    )
    for contact in contacts:
        assert contact.name and contact.title
        assert len(contact.phone) == 11 and contact.phone.startswith("100")
        assert contact.email == "" or contact.email.endswith("@example.com")
    assert any(c.email for c in contacts)
    created = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), action=AuditAction.CREATE
    )
    assert sorted(int(e.object_id) for e in created) == sorted(c.pk for c in contacts)
    assert {e.after["phone"][3:7] for e in created} == {"****"}


def test_known_enterprises_are_confirmed_on_their_chain_nodes(demo):
    city = User.objects.get(username="city")
    for known in KNOWN_ENTERPRISES:
        enterprise = Enterprise.objects.get(name=known.name)
        assert enterprise.business_scope == known.business_scope
        assert enterprise.industry_code == known.industry_code
        manual = Placement.objects.filter(enterprise=enterprise, source=PlacementSource.MANUAL)
        assert sorted(
            manual.values_list("node__direction__code", "node__name", "status", "decided_by")
        ) == sorted((d, n, PlacementStatus.CONFIRMED, city.pk) for d, n in known.nodes)
        assert {p.decided_at.date() for p in manual} == {HISTORY_START}
    # Each confirmation went through the placement service, so each has its audit entry.
    confirmed = sum(len(k.nodes) for k in KNOWN_ENTERPRISES)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Placement), note=KNOWN_PLACEMENT_NOTE
    )
    assert entries.count() == confirmed
    assert set(entries.values_list("action", "username")) == {(AuditAction.CREATE, "city")}


def test_xinfa_makes_electrolytic_aluminium_a_present_link(demo):
    xinfa = Enterprise.objects.get(name="信发集团有限公司")
    assert xinfa.is_local and not xinfa.is_sample
    aluminium = Direction.objects.get(code="nonferrous-al")
    node = ChainNode.objects.get(direction=aluminium, name="电解铝")
    placement = Placement.objects.get(enterprise=xinfa, node=node)
    assert (placement.source, placement.status) == (
        PlacementSource.MANUAL,
        PlacementStatus.CONFIRMED,
    )
    assert xinfa in node_local_enterprises(node)
    gaps = {g.node.name: g for g in gap_analysis(aluminium).nodes}
    # Present, with 信发 alone and no output on record: a link to strengthen, never 补链.
    assert gaps["电解铝"].gap == GapKind.STRENGTHEN
    assert gaps["电解铝"].local_enterprises == 1
    for name in ("氧化铝", "预焙阳极及炭素", "铝合金锭及铝棒"):
        assert gaps[name].gap == GapKind.STRENGTHEN, name
    # 祥光 is a copper smelter: on 电解铜, and nowhere in the aluminium chain.
    xiangguang = Enterprise.objects.get(name="阳谷祥光铜业有限公司")
    copper = gap_analysis(Direction.objects.get(code="nonferrous-cu"))
    assert {g.node.name: g.gap for g in copper.nodes}["电解铜"] == GapKind.STRENGTHEN
    assert not Placement.objects.filter(enterprise=xiangguang, node__direction=aluminium).exists()


def test_stages_match_the_stage_log(demo):
    projects = Project.objects.prefetch_related("stage_changes__evidence")
    assert projects.count() == SMALL["projects_count"]
    for project in projects:
        log = sorted(project.stage_changes.all(), key=lambda c: (c.on, c.id))
        assert log[0].to_stage == Stage.LEAD and log[0].from_stage == ""
        assert log[-1].to_stage == project.stage
        previous = None
        for change in log:
            assert HISTORY_START <= change.on <= REFERENCE_DATE
            assert previous is None or change.on >= previous
            previous = change.on
            if change.from_stage:
                assert log[log.index(change) - 1].to_stage == change.from_stage
            rule = STAGE_RULES[change.to_stage]
            if rule.evidence_any_of and not change.is_reversal:
                assert {e.kind for e in change.evidence.all()} & rule.evidence_any_of
        # The project's stage dates are what its log says: each move stamps its stage's date,
        # a reversal (by the city, with a reason) clears the dates of the stages it undoes and
        # keeps the date its target stage was first reached.
        dates: dict[str, dt.date] = {}
        for change in log[1:]:
            if change.is_reversal:
                for stage in [*later_stages(change.to_stage), Stage.DROPPED]:
                    dates.pop(stage, None)
                dates.setdefault(change.to_stage, change.on)
            else:
                dates[change.to_stage] = change.on
        for stage in [*STAGE_ORDER[1:], Stage.DROPPED]:
            assert getattr(project, STAGE_RULES[stage].date_field) == dates.get(stage), project
        if project.stage in (Stage.SIGNED, Stage.STARTED, Stage.OPERATING):
            assert project.contracted_investment_wan is not None
        if project.stage == Stage.DROPPED:
            assert project.drop_reason


def test_every_write_is_audited(demo):
    project_type = ContentType.objects.get_for_model(Project)
    creates = AuditEntry.objects.filter(content_type=project_type, action=AuditAction.CREATE)
    assert creates.count() == Project.objects.count()
    moves = StageChange.objects.exclude(to_stage=Stage.LEAD).count()
    assert AuditEntry.objects.filter(action=AuditAction.STAGE).count() == moves
    verified = FundsRecord.objects.filter(status=FundsStatus.VERIFIED).count()
    funds_type = ContentType.objects.get_for_model(FundsRecord)
    verifies = AuditEntry.objects.filter(action=AuditAction.VERIFY)
    assert verifies.filter(content_type=funds_type).count() == verified
    # 三员分立: every account the sysadmin created was approved by the secadmin.
    approvals = verifies.filter(content_type=ContentType.objects.get_for_model(User))
    assert sorted(approvals.values_list("username", "object_repr")) == sorted(
        ("secadmin", str(u)) for u in User.objects.exclude(role__in=["sysadmin", "secadmin"])
    )
    assert not User.objects.filter(approval_pending=True).exists()
    assert not User.objects.filter(must_change_password=True).exists()
    # The history is dated when it happened, inside the demo's two years.
    first, last = (
        AuditEntry.objects.order_by("at").first(),
        AuditEntry.objects.order_by("at").last(),
    )
    assert first.at.year == 2023 and last.at.date() <= REFERENCE_DATE
    assert set(AuditEntry.objects.values_list("request_id", flat=True)) == {"load_demo-2024"}


def test_funds_follow_the_rules_and_home_counts_only_verified(demo):
    records = list(FundsRecord.objects.select_related("project").prefetch_related("evidence"))
    assert records
    live: dict[int, Decimal] = defaultdict(Decimal)
    signed = dict(
        StageChange.objects.filter(to_stage=Stage.SIGNED, is_reversal=False).values_list(
            "project_id", "on"
        )
    )
    for record in records:
        project = record.project
        assert record.period >= signed[project.pk].replace(day=1)
        assert record.period <= REFERENCE_DATE
        assert {e.kind for e in record.evidence.all()} & FUNDS_EVIDENCE
        if record.status != FundsStatus.SUBMITTED:
            assert record.verified_by_id and record.verified_by_id != record.submitted_by_id
        if record.status != FundsStatus.REJECTED:
            live[project.pk] += record.amount_wan
    for pk, total in live.items():
        assert total <= Project.objects.get(pk=pk).total_investment_wan
    assert {r.status for r in records} >= {FundsStatus.VERIFIED, FundsStatus.SUBMITTED}

    city = User.objects.get(username="city")
    for year in (2023, 2024):
        in_year = FundsRecord.objects.filter(period__year=year)
        verified = in_year.filter(status=FundsStatus.VERIFIED).aggregate(t=Sum("amount_wan"))["t"]
        everything = in_year.exclude(status=FundsStatus.REJECTED).aggregate(t=Sum("amount_wan"))
        figures = home_figures(user=city, year=year)
        assert figures["funds_verified_wan"] == (verified or Decimal("0"))
        if year == 2024:
            assert figures["funds_pending_count"] > 0
            assert figures["funds_verified_wan"] < everything["t"]


def test_the_demo_city_opens_on_its_statistics_year_2024(demo):
    from zhaoshang.core.periods import statistics_year

    assert statistics_year() == 2024
    assert home_figures(user=User.objects.get(username="city"))["year"] == 2024


def test_unit_staff_see_only_their_unit(demo):
    linqing = User.objects.get(username="linqing")
    figures = home_figures(user=linqing, year=2024)
    assert figures["projects_total"] == Project.objects.filter(unit=linqing.unit).count()


def test_second_run_skips_and_reset_reloads_identically(demo):
    names, totals = fingerprint()
    out = load()
    assert "已有演示数据" in out and "linqing" in out
    assert fingerprint() == (names, totals)

    out = load(reset=True)
    assert "已清空业务数据" in out
    assert fingerprint() == (names, totals)
    assert User.objects.filter(username="city").count() == 1


def test_another_seed_gives_another_city(demo):
    names, _ = fingerprint()
    load(reset=True, seed=7)
    assert fingerprint()[0] != names


def test_refuses_without_debug_outside_tests(db, settings):
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="演示数据只能在 DEBUG 模式下加载"):
        load()
    assert not Project.objects.exists()
    assert not User.objects.filter(username="city").exists()


def test_dates_stay_in_the_demo_years(demo):
    lows = Project.objects.order_by("created_at").first().created_at
    assert lows.date() >= HISTORY_START - dt.timedelta(days=1)
    for field in ("signed_on", "started_on", "operating_on", "dropped_on", "negotiating_on"):
        values = list(Project.objects.exclude(**{field: None}).values_list(field, flat=True))
        assert values, field
        for value in values:
            assert dt.date(2023, 1, 1) <= value <= REFERENCE_DATE
