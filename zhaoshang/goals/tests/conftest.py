"""A small exact world for the indicator, goal and ranking tests, built through the services.

Investors: 临清 local firm (同城), a Beijing 中国企业500强 (省外), a US company (境外, 万美元),
a Jinan firm (省内外市). Projects, all of 2024 unless said (L = 临清, D = 东昌府):

==  ====  ==========  ============  ===================  ===========  ===========================
#   unit  total 万元   investor      signed               started      notes
==  ====  ==========  ============  ===================  ===========  ===========================
P1  L     120,000     beijing500    2024-02-10 (100,000) 2024-03-05   key; milestones
P2  L       8,000     local         2024-01-15            2024-02-20   same-city investment
P3  D     600,000     us (5,000万$)  2024-03-01            2024-05-10   ≥ 50亿
P4  D      30,000     jinan         2023-11-20            2024-01-08   key; milestone late
P5  L      15,000     jinan         2023-12-05, reverted 2024-01-10, signed again 2024-02-01
==  ====  ==========  ============  ===================  ===========  ===========================

Verified funds (万元): P1 2024-02 3,000 · 2024-03 2,000 · 2024-04 1,000; P2 2024-02 500;
P3 2024-03 60,000; P4 2024-01 1,000. Not counted: P4 2024-02 700 submitted, never verified.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.conftest import pdf_file
from zhaoshang.enterprises.models import Tag
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.projects.models import EvidenceKind, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    funds_verify,
    milestone_complete,
    milestone_create,
    project_advance_stage,
)

D = dt.date


def evidence(kind: str) -> list[EvidenceFile]:
    return [EvidenceFile(kind, pdf_file())]


@pytest.fixture
def tags(db):
    return {
        code: Tag.objects.create(code=code, name=name)
        for code, name in [
            ("global500", "世界500强"),
            ("china500", "中国企业500强"),
            ("private500", "中国民营企业500强"),
        ]
    }


@pytest.fixture
def investors(users, tags):
    city = users["city"]
    return {
        "local": enterprise_create(actor=city, name="临清本地轴承", division_code="371581"),
        "beijing500": enterprise_create(
            actor=city, name="北京某集团", division_code="110105", tags=[tags["china500"]]
        ),
        "us": enterprise_create(actor=city, name="US Solar Inc.", country="US"),
        "jinan": enterprise_create(actor=city, name="济南某公司", division_code="370102"),
    }


@pytest.fixture
def advance(users):
    def move(project, to, on, who="linqing", **kw):
        kind = {
            Stage.SIGNED: EvidenceKind.CONTRACT,
            Stage.STARTED: EvidenceKind.CONSTRUCTION_PERMIT,
        }.get(to)
        if to == Stage.SIGNED and not kw.get("note") and "contracted_investment_wan" not in kw:
            kw["contracted_investment_wan"] = project.total_investment_wan
        return project_advance_stage(
            project=project,
            to=to,
            on=on,
            actor=users[who],
            evidence=evidence(kind) if kind else [],
            **kw,
        )

    return move


@pytest.fixture
def funds(users):
    def add(project, month: dt.date, amount, who="linqing", verify_by="city"):
        record = funds_submit(
            actor=users[who],
            project=project,
            period=month,
            amount_wan=Decimal(str(amount)),
            source="own",
            evidence=evidence(EvidenceKind.BANK_RECEIPT),
        )
        if verify_by:
            funds_verify(actor=users[verify_by], record=record)
            record.refresh_from_db()
        return record

    return add


@pytest.fixture
def world(users, investors, make_project, advance, funds):
    """The projects and funds of the module docstring."""

    def project(who, name, total, investor, **fields):
        return make_project(
            who,
            name=name,
            total_investment_wan=Decimal(total),
            investors=[investors[investor]],
            lead_on=D(2023, 10, 9),
            **fields,
        )

    p1 = project("linqing", "P1 高端轴承基地", 120000, "beijing500", is_key=True)
    advance(p1, Stage.SIGNED, D(2024, 2, 10), contracted_investment_wan=Decimal(100000))
    advance(p1, Stage.STARTED, D(2024, 3, 5))
    p2 = project("linqing", "P2 本地扩建", 8000, "local")
    advance(p2, Stage.SIGNED, D(2024, 1, 15))
    advance(p2, Stage.STARTED, D(2024, 2, 20))
    p3 = project(
        "dongchangfu",
        "P3 光伏玻璃",
        600000,
        "us",
        foreign_investment_usd_wan=Decimal(5000),
    )
    advance(p3, Stage.SIGNED, D(2024, 3, 1), who="dongchangfu")
    advance(p3, Stage.STARTED, D(2024, 5, 10), who="dongchangfu")
    p4 = project("dongchangfu", "P4 精密管材", 30000, "jinan", is_key=True)
    advance(p4, Stage.SIGNED, D(2023, 11, 20), who="dongchangfu")
    advance(p4, Stage.STARTED, D(2024, 1, 8), who="dongchangfu")
    p5 = project("linqing", "P5 反复签约", 15000, "jinan")
    advance(p5, Stage.SIGNED, D(2023, 12, 5))
    advance(p5, Stage.NEGOTIATING, D(2024, 1, 10), who="city", note="合同未生效")
    advance(p5, Stage.SIGNED, D(2024, 2, 1))

    records = {
        "p1_02": funds(p1, D(2024, 2, 1), 3000),
        "p1_03": funds(p1, D(2024, 3, 1), 2000),
        "p1_04": funds(p1, D(2024, 4, 1), 1000),
        "p2_02": funds(p2, D(2024, 2, 1), 500),
        "p3_03": funds(p3, D(2024, 3, 1), 60000, who="dongchangfu"),
        "p4_01": funds(p4, D(2024, 1, 1), 1000, who="dongchangfu"),
        "p4_02": funds(p4, D(2024, 2, 1), 700, who="dongchangfu", verify_by=None),
    }
    city = users["city"]
    m1 = milestone_create(actor=city, project=p1, title="土地摘牌", due_on=D(2024, 3, 1))
    milestone_complete(actor=city, milestone=m1, done_on=D(2024, 2, 28))
    milestone_create(actor=city, project=p1, title="主体封顶", due_on=D(2024, 6, 30))
    m3 = milestone_create(actor=city, project=p4, title="设备进场", due_on=D(2024, 3, 15))
    milestone_complete(actor=city, milestone=m3, done_on=D(2024, 4, 2))
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "funds": records}
