"""Money and phone formatting used by every page (templatetags `zs`)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from zhaoshang.core.templatetags.zs import mask_phone, num, wan, yi


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "1,234.50 万元"),
        (Decimal("0"), "0.00 万元"),
        (Decimal("9999.99"), "9,999.99 万元"),
        (Decimal("9999.999"), "10,000.00 万元"),
        (Decimal("10000"), "10,000.00 万元"),
        (Decimal("50000"), "50,000.00 万元"),
        (Decimal("2529640"), "2,529,640.00 万元"),
        (Decimal("-20000"), "-20,000.00 万元"),
        ("1500", "1,500.00 万元"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
    ],
)
def test_wan_is_always_in_wan_however_large(value, shown):
    assert wan(value) == shown


def test_yi_is_always_in_yi_however_small():
    assert yi(Decimal("12345")) == "1.23 亿元"
    assert yi(Decimal("5000000")) == "500.00 亿元"
    assert yi(Decimal("8700")) == "0.87 亿元"
    assert yi(Decimal("0")) == "0.00 亿元"
    assert yi(Decimal("-20000")) == "-2.00 亿元"
    assert yi(None) == "—" and yi("abc") == "—"


def test_num_has_separators_and_two_decimals():
    assert num(Decimal("1234567.8")) == "1,234,567.80"
    assert num(None) == "—"


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812345678", "138****5678"),
        ("0635-8888888", "063*****8888"),
        ("88888888", "****8888"),
        ("12345", "***45"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_hides_the_middle(phone, shown):
    assert mask_phone(phone) == shown


def test_filters_load_in_templates():
    out = Template("{% load zs %}{{ a|wan }}|{{ b|mask_phone }}").render(
        Context({"a": Decimal("50000"), "b": "13812345678"})
    )
    assert out == "50,000.00 万元|138****5678"
