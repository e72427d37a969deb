"""The rules of 联评联审 as data: which projects need a review, how opinions make the outcome,
and the flags a reviewer sees on an investor."""

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.enterprises.models import Enterprise, Signal, SignalKind
from zhaoshang.projects.models import Project
from zhaoshang.service.models import ReviewPolicy
from zhaoshang.service.selectors.reviews import investor_flags
from zhaoshang.service.services.reviews import needs_review, outcome_of, review_reasons

ON = dt.date(2024, 6, 30)


def project(total="20000", key=False) -> Project:
    return Project(name="p", total_investment_wan=Decimal(total), is_key=key)


def policy(**kw) -> ReviewPolicy:
    return ReviewPolicy(**kw)


@pytest.mark.parametrize(
    ("total", "key", "rules", "expected"),
    [
        ("100000", False, {}, ["总投资达到10亿元"]),
        ("99999.99", False, {}, []),
        ("20000", True, {}, ["重点项目"]),
        ("150000", True, {}, ["重点项目", "总投资达到10亿元"]),
        ("20000", True, {"review_key_projects": False}, []),
        ("500000", False, {"min_investment_wan": None}, []),
        ("50000", False, {"min_investment_wan": Decimal("50000")}, ["总投资达到5亿元"]),
        ("5000", False, {"min_investment_wan": Decimal("3000")}, ["总投资达到3000万元"]),
    ],
)
def test_which_projects_need_a_review_follows_the_city_policy(total, key, rules, expected):
    p = project(total, key)
    assert review_reasons(p, policy(**rules)) == expected
    assert needs_review(p, policy(**rules)) is bool(expected)


def test_the_default_policy_reviews_key_projects_and_ten_yi_yuan_and_does_not_gate_signing():
    p = policy()
    assert p.review_key_projects is True
    assert p.min_investment_wan == Decimal("100000")
    assert p.gates_signing is False
    assert (p.new_company_months, p.min_capital_ratio_pct, p.abnormal_months) == (6, 5, 24)


@pytest.mark.parametrize(
    ("verdicts", "outcome"),
    [
        ([], "reviewing"),
        (["agree", "agree", "agree"], "passed"),
        (["agree", "conditional", "agree"], "conditional"),
        (["conditional", "conditional"], "conditional"),
        (["agree", "conditional", "disagree"], "rejected"),
        (["disagree"], "rejected"),
        (["disagree", ""], "reviewing"),
        (["agree", ""], "reviewing"),
        (["", "", ""], "reviewing"),
    ],
)
def test_the_outcome_is_drawn_from_every_opinion(verdicts, outcome):
    assert outcome_of(verdicts) == outcome


VALID_USCC = "91371500MA3C0L0R7F"  # checked below with stdnum


def investor(**kw) -> Enterprise:
    fields = dict(
        name="投资方",
        uscc=VALID_USCC,
        country="CN",
        founded_on=dt.date(2015, 1, 1),
        registered_capital_wan=Decimal("50000"),
        is_local=False,
    )
    fields.update(kw)
    return Enterprise(**fields)


def flags(e, total="100000", signals=(), **rules):
    found = investor_flags(
        e, project=project(total), on=ON, policy=policy(**rules), signals=list(signals)
    )
    return [(f.code, f.level, f.detail) for f in found]


def test_the_valid_uscc_fixture_passes_its_check_digit():
    from stdnum.cn import uscc

    assert uscc.is_valid(VALID_USCC)


def test_a_sound_investor_raises_no_flag():
    assert flags(investor()) == []


def test_a_credit_code_failing_its_check_digit_is_flagged_danger():
    bad = VALID_USCC[:-1] + ("0" if VALID_USCC[-1] != "0" else "1")
    assert flags(investor(uscc=bad)) == [
        ("uscc", "danger", f"统一社会信用代码“{bad}”校验不通过（GB 32100-2015）")
    ]


def test_a_missing_credit_code_is_flagged_but_not_for_a_foreign_investor():
    assert flags(investor(uscc=None)) == [
        ("uscc", "warning", "企业库中未登记统一社会信用代码，无法核验主体")
    ]
    assert flags(investor(uscc=None, country="SG")) == []


def test_a_company_founded_less_than_six_months_before_is_flagged():
    assert flags(investor(founded_on=dt.date(2024, 1, 1))) == [
        ("new_company", "warning", "成立于2024-01-01，距提请审查不足6个月")
    ]
    # Exactly six months before (2023-12-30) is not "less than six months".
    assert flags(investor(founded_on=dt.date(2023, 12, 30))) == []
    assert flags(investor(founded_on=dt.date(2023, 12, 31))) != []
    assert flags(investor(founded_on=dt.date(2024, 1, 1)), new_company_months=3) == []
    assert flags(investor(founded_on=None)) == [("new_company", "warning", "成立日期不详")]


def test_registered_capital_below_five_percent_of_the_investment_is_flagged():
    # 4,999 万元 against 10亿元 = 4.999 % < 5 %
    assert flags(investor(registered_capital_wan=Decimal("4999"))) == [
        ("thin_capital", "warning", "注册资本4999万元，为项目总投资的5.00%，低于5%")
    ]
    assert flags(investor(registered_capital_wan=Decimal("4000"))) == [
        ("thin_capital", "warning", "注册资本4000万元，为项目总投资的4.00%，低于5%")
    ]
    assert flags(investor(registered_capital_wan=Decimal("5000"))) == []
    assert (
        flags(investor(registered_capital_wan=Decimal("4000")), min_capital_ratio_pct=Decimal("1"))
        == []
    )
    assert flags(investor(registered_capital_wan=None)) == [
        ("thin_capital", "warning", "注册资本不详")
    ]


def test_an_abnormal_operation_record_within_the_window_is_flagged_danger():
    e = investor()
    recent = Signal(
        enterprise=e,
        kind=SignalKind.ABNORMAL_OPERATION,
        on=dt.date(2023, 3, 1),
        title="未按期公示年报",
    )
    old = Signal(
        enterprise=e, kind=SignalKind.ABNORMAL_OPERATION, on=dt.date(2022, 6, 29), title="住所失联"
    )
    other = Signal(
        enterprise=e, kind=SignalKind.LITIGATION, on=dt.date(2024, 5, 1), title="合同纠纷"
    )
    assert flags(e, signals=[recent, old, other]) == [
        ("abnormal", "danger", "2023-03-01 未按期公示年报（近24个月共1条）")
    ]
    assert flags(e, signals=[old, other]) == []
    assert flags(e, signals=[recent], abnormal_months=12) == []


def test_an_investor_registered_in_liaocheng_is_flagged_as_not_outside_investment():
    assert flags(investor(is_local=True)) == [
        ("local", "warning", "投资方注册地在聊城市内，其投资不属外来投资，请核实项目资金来源")
    ]
