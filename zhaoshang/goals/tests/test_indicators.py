"""Each indicator on the exact world of conftest.py, with its options, by hand."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.core.periods import parse_period
from zhaoshang.goals.indicators import (
    INDICATORS,
    Options,
    drilldown,
    evaluate,
    get_indicator,
    parse_options,
)

pytestmark = pytest.mark.django_db

Q1, Q2, Q3 = parse_period("2024Q1"), parse_period("2024Q2"), parse_period("2024Q3")


def values(key, period=Q1, records=False, **options):
    """{unit code: value} (units without records left out) and the city total."""
    figure = evaluate(key, period, options, records=records)
    from zhaoshang.accounts.models import Unit

    codes = dict(Unit.objects.values_list("pk", "code"))
    return {codes[u]: v for u, v in figure.values.items() if v}, figure.value(None)


L, DCF = "371581", "371502"


def test_funds_verified_sums_verified_records_by_their_month(world):
    assert values("funds_verified") == (
        {L: Decimal("5500.00"), DCF: Decimal("61000.00")},
        Decimal("66500.00"),
    )
    assert values("funds_verified", parse_period("2024-02"))[1] == Decimal("3500.00")
    assert values("funds_verified", parse_period("2024"))[1] == Decimal("67500.00")
    # The 700 submitted for P4 in February is not verified: it never counts.
    assert values("funds_verified", parse_period("2024-02"))[0] == {L: Decimal("3500.00")}


def test_funds_exclude_same_city_leaves_out_local_investors(world):
    assert values("funds_verified", exclude_same_city=True)[0] == {
        L: Decimal("5000.00"),
        DCF: Decimal("61000.00"),
    }


def test_funds_out_of_province_counts_projects_with_an_investor_outside_shandong(world):
    # Beijing investor (P1) only; Jinan is in Shandong, the US company is foreign, not 省外.
    assert values("funds_verified_out_of_province") == ({L: Decimal("5000.00")}, Decimal("5000.00"))


def test_funds_foreign_usd_is_the_projects_foreign_share_in_dollars(world):
    # P3: 60,000 万元 × 5,000 万美元 / 600,000 万元 = 500 万美元
    assert values("funds_foreign_usd") == ({DCF: Decimal("500.00")}, Decimal("500.00"))
    figure = evaluate("funds_foreign_usd", Q1, records=True)
    assert figure.records[world["p3"].unit_id] == [
        (world["funds"]["p3_03"].pk, Decimal("500.0000"))
    ]


def test_new_signed_count_and_contracted_amount(world):
    # Q1 signings by current stage date: P1, P2, P5 (signed again 02-01) in 临清; P3 in 东昌府.
    assert values("new_signed_count") == ({L: 3, DCF: 1}, 4)
    assert values("new_signed_contracted_wan")[0] == {
        L: Decimal("123000.00"),  # 100,000 + 8,000 + 15,000
        DCF: Decimal("600000.00"),
    }
    # 2023Q4: P4 (11-20) only — P5's first signing (12-05) was reverted and re-dated.
    assert values("new_signed_count", parse_period("2023Q4"))[0] == {DCF: 1}


def test_once_only_counts_a_reverted_and_resigned_project_at_its_first_signing(world):
    assert values("new_signed_count", once_only=True)[0] == {L: 2, DCF: 1}
    assert values("new_signed_count", parse_period("2023Q4"), once_only=True)[0] == {L: 1, DCF: 1}
    # Over the two quarters the project counts once either way, never twice.
    both = parse_period("2023-10-01..2024-03-31")
    assert (
        values("new_signed_count", both)[1]
        == values("new_signed_count", both, once_only=True)[1]
        == 5
    )


def test_exclude_same_city_on_project_indicators(world):
    assert values("new_signed_count", exclude_same_city=True)[0] == {L: 2, DCF: 1}


def test_new_started_over_100m_count_and_investment(world):
    # Q1 starts: P1 (120,000), P2 (8,000: not 过亿), P4 (30,000).
    assert values("new_started_over_100m") == ({L: 1, DCF: 1}, 2)
    assert values("new_started_over_100m_investment_wan")[0] == {
        L: Decimal("120000.00"),
        DCF: Decimal("30000.00"),
    }
    assert values("new_started_over_100m", Q2)[0] == {DCF: 1}  # P3, 05-10


def test_signed_over_1bn_and_5bn(world):
    assert values("signed_over_1bn")[0] == {L: 1, DCF: 1}  # P1 12亿, P3 60亿
    assert values("signed_over_5bn")[0] == {DCF: 1}


def test_top500_projects_by_investor_tags(world):
    assert values("top500_projects")[0] == {L: 1}
    assert values("top500_projects", tags=["china500", "private500"])[0] == {L: 1}
    assert values("top500_projects", tags=["private500"])[0] == {}


def test_key_started(world):
    assert values("key_started")[0] == {L: 1, DCF: 1}  # P1 03-05, P4 01-08


def test_key_on_schedule_looks_at_milestones_at_the_period_end(world):
    # Q1 end: P1's first milestone done in time, its second not yet due → on schedule;
    # P4's milestone due 03-15 was done only on 04-02 → overdue at the end of Q1.
    assert values("key_on_schedule")[0] == {L: 1}
    # Q2 end: P1's 06-30 milestone is not done → behind; P4 caught up.
    assert values("key_on_schedule", Q2)[0] == {DCF: 1}


def test_signed_to_started_within_n_months(world):
    # Q1 starts: P1 (signed 02-10, started 03-05), P2 (01-15 → 02-20), P4 (2023-11-20 → 01-08).
    assert values("signed_to_started_within_n_months")[0] == {L: 2, DCF: 1}
    assert values("signed_to_started_within_n_months", months=1)[0] == {L: 1}


def test_signed_not_started_within_n_months_counts_in_the_deadline_period(world):
    # P5 signed 2024-02-01, never started: the 6-month deadline 08-01 falls in Q3.
    assert values("signed_not_started_within_n_months", Q3)[0] == {L: 1}
    assert values("signed_not_started_within_n_months", Q2)[0] == {}
    # Counted from its first signing (2023-12-05) the deadline falls on 2024-06-05, in Q2.
    assert values("signed_not_started_within_n_months", Q2, once_only=True)[0] == {L: 1}
    assert values("signed_not_started_within_n_months", Q3, once_only=True)[0] == {}


# Sums over records; the service system's rates and means (`compute`) have no per-record
# contributions and are checked against their pages in service/tests/test_desk_figures.py.
@pytest.mark.parametrize("key", [k for k, i in INDICATORS.items() if i.compute is None])
def test_records_mode_agrees_with_the_aggregate(world, key):
    compared = 0
    for period in (Q1, Q2, parse_period("2024")):
        plain = evaluate(key, period)
        detailed = evaluate(key, period, records=True)
        assert plain.values == detailed.values, (key, period.label)
        assert set(detailed.records) == set(plain.values), (key, period.label)
        for unit_id, rows in detailed.records.items():
            ids = set(drilldown(plain, unit_id).values_list("pk", flat=True))
            assert ids == {pk for pk, _ in rows}, (key, period.label)
            compared += 1
    assert compared, key


def test_drilldown_lists_the_records_behind_a_figure(world):
    figure = evaluate("funds_verified", Q1)
    ids = set(drilldown(figure, world["p1"].unit_id).values_list("pk", flat=True))
    f = world["funds"]
    assert ids == {f["p1_02"].pk, f["p1_03"].pk, f["p2_02"].pk}
    signed = evaluate("new_signed_count", Q1, {"once_only": True})
    assert set(drilldown(signed, None)) == {world["p1"], world["p2"], world["p3"]}


def test_options_are_checked_against_the_indicator():
    funds = get_indicator("funds_verified")
    assert parse_options(funds, {"exclude_same_city": "true"}) == Options(exclude_same_city=True)
    with pytest.raises(ValidationError) as exc:
        parse_options(funds, {"once_only": True, "bogus": 1})
    messages = exc.value.message_dict["options"]
    assert "指标“到位资金”不支持选项“同一项目只计一次”（once_only）" in messages
    assert "未知选项“bogus”" in messages
    with pytest.raises(ValidationError, match="月数（months）须为1—60的整数"):
        parse_options(get_indicator("signed_to_started_within_n_months"), {"months": 0})
    with pytest.raises(ValidationError) as exc:
        get_indicator("visits")
    assert exc.value.message_dict["indicator"][0].startswith("未知指标“visits”")
