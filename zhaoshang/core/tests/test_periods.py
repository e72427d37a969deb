"""The period parser: round trips, neighbours, and a clear Chinese error for anything else."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from zhaoshang.core.periods import (
    add_months,
    month_period,
    parse_period,
    quarter_of,
    quarter_period,
    quarters_between,
    range_period,
    year_period,
    ytd_period,
)

TODAY = dt.date(2024, 5, 17)
years = st.integers(min_value=2000, max_value=2099)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@st.composite
def periods(draw):
    kind = draw(st.sampled_from(["year", "quarter", "month", "ytd", "qytd", "range"]))
    year = draw(years)
    if kind == "year":
        return year_period(year)
    if kind == "quarter":
        return quarter_period(year, draw(st.integers(1, 4)))
    if kind == "month":
        return month_period(year, draw(st.integers(1, 12)))
    if kind == "ytd":
        return ytd_period(year, draw(st.integers(1, 12)))
    if kind == "qytd":
        return parse_period(f"{year}Q{draw(st.integers(1, 4))}YTD")
    first, last = sorted([draw(days), draw(days)])
    return range_period(first, last)


@given(periods())
def test_every_label_parses_back_to_its_period(period):
    assert parse_period(period.label) == period
    assert parse_period(period.label.lower()) == period
    assert parse_period(f"  {period.label} ") == period
    assert period.start < period.end_exclusive
    if period.kind == "ytd":
        assert (period.start.month, period.start.day) == (1, 1)
    assert period.contains(period.start) and period.contains(period.last_day)
    assert not period.contains(period.end_exclusive)


@given(periods())
@example(ytd_period(2017, 2))  # February's end moves in a leap year
@example(range_period(dt.date(2004, 2, 28), dt.date(2004, 2, 28)))
@example(range_period(dt.date(2004, 2, 29), dt.date(2004, 3, 1)))
def test_same_last_year_is_a_parseable_period_one_year_earlier(period):
    assume(period.start.year > 2000)
    last = period.same_last_year()
    assert parse_period(last.label) == last
    assert last.start.year == period.start.year - 1
    assert last.kind == period.kind


@given(years, st.integers(1, 4))
def test_quarters_tile_the_year_and_chain(year, q):
    quarter = quarter_period(year, q)
    assert quarter_of(quarter.start) == quarter == quarter_of(quarter.last_day)
    if (year, q) > (2000, 1):
        assert quarter.previous().end_exclusive == quarter.start
    tiles = quarters_between(dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert [t.label for t in tiles] == [f"{year}Q{i}" for i in range(1, 5)]
    assert sum(t.days for t in tiles) == year_period(year).days


@given(days, st.integers(-30, 30))
def test_add_months_keeps_the_day_when_it_exists(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day


_VALID = re.compile(
    r"^\s*\d{4}(Q\d|-\d{2})?(YTD)?\s*$|^\s*\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}\s*$", re.I
)


@given(st.text(max_size=30))
def test_anything_else_is_refused_with_a_chinese_message(text):
    try:
        period = parse_period(text, today=TODAY)
    except ValidationError as exc:
        message = exc.message_dict["period"][0]
        assert message.startswith("无法识别的期间")
        assert "2024Q1" in message  # says which formats work
    else:
        assert _VALID.match(text), text
        assert parse_period(period.label, today=TODAY) == period


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2024Q5", "季度须为Q1—Q4"),
        ("2024-13", "月份须在01—12之间"),
        ("1999", "年份须在2000—2099之间"),
        ("2024-02-30..2024-03-01", "日期无效"),
        ("2024-03-02..2024-03-01", "结束日期早于开始日期"),
        ("2025YTD", "2025年尚未开始"),
        ("2024年", ""),
        ("", ""),
    ],
)
def test_specific_errors(text, reason):
    with pytest.raises(ValidationError) as exc:
        parse_period(text, today=TODAY, field="quarter")
    message = exc.value.message_dict["quarter"][0]
    assert message.startswith(f"无法识别的期间“{text}”")
    assert reason in message


def test_year_to_date_and_display():
    assert parse_period("2024YTD", today=TODAY) == parse_period("2024-01-01..2024-05-17").__class__(
        dt.date(2024, 1, 1), dt.date(2024, 5, 18), "2024YTD", "ytd"
    )
    assert parse_period("2023YTD", today=TODAY).end_exclusive == dt.date(2024, 1, 1)
    assert parse_period("2024-03YTD").end_exclusive == dt.date(2024, 4, 1)
    q2 = parse_period("2024Q2YTD")
    assert (q2.start, q2.end_exclusive, q2.label) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 7, 1),
        "2024Q2YTD",
    )
    assert [parse_period(x).display for x in ("2024", "2024Q1", "2024-03", "2024-03YTD")] == [
        "2024年",
        "2024年第1季度",
        "2024年3月",
        "2024年1—3月",
    ]
    assert parse_period("2024").elapsed_share(dt.date(2024, 3, 31)) == Decimal(91) / Decimal(366)
