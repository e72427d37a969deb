"""The import parsers are pure functions: every accepted form round-trips (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as uscc_std

from zhaoshang.enterprises.importing.parsing import (
    USCC_ALPHABET,
    ParseError,
    halfwidth,
    industry_label,
    parse_amount,
    parse_count,
    parse_date,
    parse_division_code,
    parse_industry_code,
    parse_uscc,
    split_list,
    uscc_check_digit,
)

FULL = str.maketrans("0123456789-./:", "０１２３４５６７８９－．／：")
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


def full_width(text: str) -> str:
    return text.translate(FULL)


def date_forms(day: dt.date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [
        f"{y}-{m:02d}-{d:02d}",
        f"{y}-{m}-{d}",
        f"{y}/{m}/{d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日",
        f"{y}年{m:02d}月{d:02d}日",
        f"{y}{m:02d}{d:02d}",
        f"{y}-{m:02d}-{d:02d} 00:00:00",
        f" {y}/{m}/{d} ",
    ]


@given(dates)
def test_every_accepted_date_form_round_trips(day):
    for form in date_forms(day):
        assert parse_date(form) == day, form


@given(dates)
def test_full_width_date_forms_round_trip(day):
    for form in date_forms(day):
        assert parse_date(full_width(form)) == day, full_width(form)


@given(dates)
def test_excel_date_cells_and_serial_numbers_round_trip(day):
    assert parse_date(day) == day
    assert parse_date(dt.datetime.combine(day, dt.time(8, 30))) == day
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(float(serial)) == day
    assert parse_date(int(day.strftime("%Y%m%d"))) == day


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "日期不存在：2024-02-30"),
        ("2024/13/01", "日期不存在：2024/13/01"),
        ("2024年3月", "无法识别的日期：2024年3月（可写作"),
        ("昨天", "无法识别的日期：昨天（可写作"),
        ("3/5/2024", "无法识别的日期：3/5/2024（可写作"),
        ("2024--03-05", "无法识别的日期：2024--03-05（可写作"),
        ("1799-12-31", "日期过早：1799-12-31"),
    ],
)
def test_unparseable_or_impossible_dates_are_errors(value, message):
    with pytest.raises(ParseError, match=f"^{re.escape(message)}"):
        parse_date(value)


def test_date_errors_say_which_forms_are_accepted():
    with pytest.raises(ParseError, match="无法识别的日期：下周一（可写作 2024-03-05"):
        parse_date("下周一")
    with pytest.raises(ParseError, match="日期不存在：2023-02-29"):
        parse_date("2023-02-29")


amounts = st.decimals(min_value=0, max_value=Decimal("999999999"), places=2)


@given(amounts)
def test_amounts_in_the_headers_unit_convert_to_wan(wan):
    assert parse_amount(str(wan), "万元") == wan
    assert parse_amount(format(wan / 10000, "f"), "亿元") == wan
    assert parse_amount(format(wan * 10000, "f"), "元") == wan


@given(amounts)
def test_amounts_with_thousands_separators_and_full_width_digits(wan):
    grouped = f"{wan:,.2f}"
    assert parse_amount(grouped, "万元") == wan
    assert parse_amount(full_width(grouped).replace(",", "，"), "万元") == wan


@given(amounts)
def test_a_unit_written_in_the_value_wins_over_the_header(wan):
    assert parse_amount(f"{wan}万元", "元") == wan
    assert parse_amount(f"{wan}万", "亿元") == wan
    assert parse_amount(f"{wan / 10000:f}亿元", "万元") == wan
    assert parse_amount(f"{wan / 10000:f}亿", "元") == wan
    assert parse_amount(f"{wan * 10000:f}元", "万元") == wan
    assert parse_amount(f"{wan}万元人民币", "万元") == wan
    assert parse_amount(f"人民币{wan}万元", "亿元") == wan


def test_amounts_are_rounded_to_the_cent_of_a_wan():
    assert parse_amount("12345", "元") == Decimal("1.23")
    assert parse_amount("12355", "元") == Decimal("1.24")  # half up
    assert parse_amount(5, "亿元") == Decimal("50000.00")
    assert parse_amount(Decimal("0.5"), "万元") == Decimal("0.50")


@pytest.mark.parametrize("value", ["-5", "-0.01", "－３"])
def test_negative_amounts_are_errors(value):
    with pytest.raises(ParseError, match="金额不能为负数"):
        parse_amount(value, "万元")


@pytest.mark.parametrize("value", ["100万美元", "50 USD", "3000万港元"])
def test_foreign_currency_amounts_are_errors(value):
    with pytest.raises(ParseError, match="金额须以人民币计"):
        parse_amount(value, "万元")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "无法识别的金额：abc"),
        ("1.2.3", "无法识别的金额：1.2.3"),
        ("NaN", "无法识别的金额：NaN"),
        ("五百万", "无法识别的金额：五百万"),
        ("1e400000", "金额过大：1e400000"),
    ],
)
def test_non_numbers_are_not_amounts(value, message):
    with pytest.raises(ParseError, match=f"^{re.escape(message)}$"):
        parse_amount(value, "万元")


uscc_text = st.text(alphabet=USCC_ALPHABET + "IOSVZ-abc 0", min_size=16, max_size=19)


@settings(max_examples=400)
@given(uscc_text)
def test_uscc_verdicts_agree_with_stdnum(value):
    expected = uscc_std.is_valid(value)
    try:
        parse_uscc(value)
    except ParseError:
        got = False
    else:
        got = True
    assert got == expected


@settings(max_examples=300)
@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)
def test_valid_codes_pass_in_any_case_and_width(head, tail):
    body = head + tail
    code = body + uscc_std.calc_check_digit(body)
    assert uscc_check_digit(body) == code[-1]
    assert parse_uscc(code) == code
    assert parse_uscc(code.lower()) == code
    assert parse_uscc(full_width(code)) == code
    assert (
        parse_uscc(
            halfwidth(code).translate(
                str.maketrans("ABCDEFGHJKLMNPQRTUWXY", "ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ")
            )
        )
        == code
    )
    assert parse_uscc(f" {code[:6]} {code[6:]} ") == code


def test_uscc_errors_name_what_is_wrong():
    body = "91371581MA3C00000"
    good = body + uscc_check_digit(body)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ParseError, match=r"^统一社会信用代码校验位错误$"):
        parse_uscc(wrong)
    with pytest.raises(ParseError, match=r"^统一社会信用代码应为18位$"):
        parse_uscc(good[:-1])
    with pytest.raises(ParseError, match=r"^统一社会信用代码含有非法字符$"):
        parse_uscc("91371581MA3C0000O" + good[-1])


def test_division_codes():
    assert parse_division_code("371581") == "371581"
    assert parse_division_code(371581) == "371581"
    assert parse_division_code(371581.0) == "371581"
    assert parse_division_code("３７１５８１") == "371581"
    assert parse_division_code("371581001000") == "371581"
    with pytest.raises(ParseError, match="行政区划代码应为6位数字"):
        parse_division_code("37158")


def test_industry_codes_are_stored_without_the_section_letter():
    assert parse_industry_code("C3351") == "3351"
    assert parse_industry_code("3351") == "3351"
    assert parse_industry_code("c3351") == "3351"
    assert parse_industry_code("C3351 铝压延加工") == "3351"
    assert parse_industry_code("Ｃ３３５１") == "3351"
    assert parse_industry_code("I65") == "65"
    assert industry_label("3351") == "C3351"
    with pytest.raises(ParseError, match="行业门类与代码不符"):
        parse_industry_code("A3351")
    with pytest.raises(ParseError, match="无法识别的国民经济行业代码"):
        parse_industry_code("有色金属冶炼")
    with pytest.raises(ParseError, match="国民经济行业代码不存在"):
        parse_industry_code("9900")


def test_lists_split_on_commas_and_enumeration_marks():
    assert split_list("专精特新、上市公司,链主；高企 / 独角兽") == [
        "专精特新",
        "上市公司",
        "链主",
        "高企",
        "独角兽",
    ]


def test_counts():
    assert parse_count("1,200人") == 1200
    assert parse_count("１２００") == 1200
    with pytest.raises(ParseError, match=r"^无法识别的数字：很多$"):
        parse_count("很多")


@given(st.text())
def test_halfwidth_is_idempotent_and_keeps_length(text):
    once = halfwidth(text)
    assert halfwidth(once) == once
    assert len(once) == len(text)
