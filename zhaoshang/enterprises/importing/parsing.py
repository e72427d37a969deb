"""Pure parsers for the cells of an enterprise import: no database, no Django settings.

Every parser takes the raw cell (a `str` from CSV; `str`, `int`, `float`, `datetime` … from Excel)
and returns the clean value, or raises `ParseError` with a Chinese message for the row report.
Empty cells are handled by the caller (`is_blank`), so parsers only see something to parse.

Accepted forms, in one place:

- full-width characters anywhere (`２０２４－０３－０５`, `（万元）`, `，`) are folded to half-width;
- dates: `2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日`, `20240305`, with an optional time
  (`2024-03-05 00:00:00`), Excel date cells, and Excel serial day numbers in numeric cells;
- amounts: plain numbers with optional thousands separators, in the unit the header names
  (万元 / 亿元 / 元) unless the value carries its own (`5亿`, `300万元`, `12,000元`, `500万人民币`);
  negative amounts and foreign currencies are refused;
- 统一社会信用代码: 18 characters, digits in the first eight, the GB 32100 alphabet after, and the
  check digit (the same rules as `stdnum.cn.uscc.validate`, computed without its per-call cost);
- 行政区划代码: six digits (a 12-digit statistical code is cut to its first six);
- GB/T 4754 industry codes: `C3351`, `3351`, `C3351 铝压延加工` → `3351`: stored as 2–4 digits
  without the section letter, as chain nodes store theirs (a letter given is checked against the
  two-digit division; `industry_label` adds it back for display).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any


class ParseError(ValueError):
    """A cell that cannot be read; `str(error)` is the message shown in the row report."""


# --- full-width → half-width --------------------------------------------------------------------

# U+FF01..U+FF5E map to U+0021..U+007E; the ideographic space to a space; plus the Chinese
# punctuation an import can reasonably contain where ASCII is meant.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x3002: ord("."), 0x00A0: 0x20, 0x2212: ord("-")})


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation folded to ASCII: `２０２４（万元）` → `2024(万元)`."""
    if text.isascii():
        return text
    return text.translate(_FULLWIDTH)


BLANKS = frozenset(("", "-", "—", "－", "/", "无", "N/A", "n/a", "null", "NULL", "None"))


def is_blank(value: Any) -> bool:
    """An empty cell, or one holding only a placeholder such as `-`, `—`, `/`, `无`."""
    if value is None:
        return True
    if type(value) is str:
        return value in BLANKS or value.strip() in BLANKS
    return False


def text(value: Any) -> str:
    """A cell as text: stripped, inner line breaks and tabs collapsed to one space.

    Full-width characters are kept: `某某（聊城）有限公司` is the registered form of a name.
    """
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    s = value.strip()
    if not s.isprintable():  # line breaks, tabs, odd spaces: one C scan decides
        s = " ".join(s.split())
    return s


# --- dates --------------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
EARLIEST = dt.date(1800, 1, 1)
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _make_date(year: int, month: int, day: int, raw: Any) -> dt.date:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise ParseError(f"日期不存在：{raw}") from None
    if value < EARLIEST:
        raise ParseError(f"日期过早：{raw}")
    return value


def parse_date(value: Any) -> dt.date:
    """A date from any accepted form (see the module docstring)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ParseError(f"无法识别的日期：{value}")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            whole = int(number)
            if 10_000_000 <= whole <= 99_991_231:  # 20240305 typed as a number
                s = str(whole)
                return _make_date(int(s[:4]), int(s[4:6]), int(s[6:]), value)
        if 1 <= number < 2_958_466:  # an Excel serial day number (up to 9999-12-31)
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        raise ParseError(f"无法识别的日期：{value}")
    s = str(value).strip()
    if len(s) == 10 and s[4] == "-" and s[7] == "-" and s.isascii():
        try:
            day = dt.date.fromisoformat(s)
        except ValueError:
            pass  # "2024-02-30" and the like: the general path says why
        else:
            if day >= EARLIEST:
                return day
    s = halfwidth(s).strip()
    match = _DATE.match(s) or _COMPACT_DATE.match(s)
    if match is None:
        raise ParseError(f"无法识别的日期：{value}（可写作 2024-03-05、2024/3/5、2024年3月5日）")
    year, month, day = (int(g) for g in match.groups())
    return _make_date(year, month, day, value)


# --- amounts ------------------------------------------------------------------------------------

UNITS_IN_WAN = {"万元": Decimal(1), "亿元": Decimal(10_000), "元": Decimal("0.0001")}
_UNIT_SUFFIXES = (  # longest first
    ("万元人民币", "万元"),
    ("亿元人民币", "亿元"),
    ("元人民币", "元"),
    ("万人民币", "万元"),
    ("亿人民币", "亿元"),
    ("人民币万元", "万元"),
    ("人民币亿元", "亿元"),
    ("人民币元", "元"),
    ("万元", "万元"),
    ("亿元", "亿元"),
    ("万", "万元"),
    ("亿", "亿元"),
    ("元", "元"),
    ("人民币", ""),
    ("rmb", ""),
    ("cny", ""),
)
_FOREIGN_CURRENCIES = (
    "美元",
    "港元",
    "港币",
    "欧元",
    "日元",
    "英镑",
    "澳元",
    "新加坡元",
    "usd",
    "hkd",
)
_CENT = Decimal("0.01")
MAX_WAN = Decimal("99999999999999.99")  # DecimalField(max_digits=16, decimal_places=2)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_amount(value: Any, unit: str = "万元") -> Decimal:
    """An amount in 万元 (two decimals). `unit` is the header's unit: 万元, 亿元 or 元.

    A unit written in the value itself wins over the header's: `5亿` under 注册资本(万元) is
    50,000 万元. Thousands separators are accepted; negative amounts are refused.
    """
    if type(value) is str and value.isascii():
        try:  # the common case: a plain number such as "1200" or "70.56"
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite() and "_" not in value:
            return _to_wan(number, unit, value)
    if isinstance(value, bool):
        raise ParseError(f"无法识别的金额：{value}")
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and value != value:  # NaN
            raise ParseError("无法识别的金额：NaN")
        number = Decimal(str(value))
    else:
        s = halfwidth(str(value)).strip().replace(",", "").replace(" ", "").replace("，", "")
        lowered = s.lower()
        if any(c in lowered for c in _FOREIGN_CURRENCIES):
            raise ParseError(f"金额须以人民币计：{value}")
        lowered = lowered.removeprefix("人民币").removeprefix("¥").removeprefix("￥")
        if lowered.startswith("(") or lowered.endswith(")"):
            lowered = lowered.replace("(", "").replace(")", "")
        for suffix, suffix_unit in _UNIT_SUFFIXES:
            if lowered.endswith(suffix):
                lowered = lowered[: -len(suffix)]
                if suffix_unit:
                    unit = suffix_unit
                    lowered = lowered.removesuffix("人民币")
                break
        if not _NUMBER.match(lowered):
            raise ParseError(f"无法识别的金额：{value}")
        try:
            number = Decimal(lowered)
        except InvalidOperation:
            raise ParseError(f"无法识别的金额：{value}") from None
    if not number.is_finite():
        raise ParseError(f"无法识别的金额：{value}")
    return _to_wan(number, unit, value)


def _to_wan(number: Decimal, unit: str, value: Any) -> Decimal:
    if number < 0:
        raise ParseError(f"金额不能为负数：{value}")
    try:
        factor = UNITS_IN_WAN[unit]
    except KeyError:
        raise ParseError(f"不支持的金额单位：{unit}") from None
    wan = number * factor
    if wan > MAX_WAN:
        raise ParseError(f"金额过大：{value}")
    return wan.quantize(_CENT, rounding=ROUND_HALF_UP)


# --- 统一社会信用代码 ------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
# Each alphabet character → the base-34 digit of its value; any other ASCII → "!" (not a digit).
_BASE34 = "0123456789abcdefghijklmnopqrstu"
_USCC_AS_BASE34 = {cp: "!" for cp in range(128)}
_USCC_AS_BASE34.update({ord(c): _BASE34[i] for i, c in enumerate(USCC_ALPHABET)})
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

USCC_LENGTH = "统一社会信用代码应为18位"
USCC_FORMAT = "统一社会信用代码含有非法字符"
USCC_CHECKSUM = "统一社会信用代码校验位错误"


def uscc_check_digit(body: str) -> str:
    """The 18th character for the first 17 (same result as stdnum's `calc_check_digit`)."""
    value = _USCC_VALUE
    total = sum(value[c] * w for c, w in zip(body, _USCC_WEIGHTS, strict=False))
    return USCC_ALPHABET[(31 - total) % 31]


def parse_uscc(value: Any) -> str:
    """The compact upper-case code; the same verdicts and messages as the registry's form."""
    s = value if type(value) is str else str(value)
    if len(s) != 18 or not s.isascii() or not s.isalnum() or (s.lower() == s and not s.isdigit()):
        s = halfwidth(s).replace(" ", "").replace("-", "").strip().upper()
        if len(s) != 18:
            raise ParseError(USCC_LENGTH)
    elif not s.isupper() and not s.isdigit():
        s = s.upper()
    if not s[:8].isdigit() or not s.isascii():
        raise ParseError(USCC_FORMAT)
    digits = s.translate(_USCC_AS_BASE34)
    try:
        # The weights are 3^i mod 31, and 34 ≡ 3 (mod 31): reading the 17 values as a base-34
        # number (lowest digit first) gives the weighted sum modulo 31 in one C call.
        total = int(digits[16::-1], 34)
        check = int(digits[17], 34)
    except ValueError:  # a character outside the GB 32100 alphabet
        raise ParseError(USCC_FORMAT) from None
    if (31 - total % 31) % 31 != check:
        raise ParseError(USCC_CHECKSUM)
    return s


# --- codes --------------------------------------------------------------------------------------


def parse_division_code(value: Any) -> str:
    """Six digits (a 12-digit statistical code is cut to six); whether it exists is checked by
    the caller against the division table."""
    s = halfwidth(text(value))
    if s.endswith(".0"):
        s = s[:-2]
    if len(s) == 12 and s.isdigit():
        s = s[:6]
    if len(s) != 6 or not s.isdigit() or not s.isascii():
        raise ParseError(f"行政区划代码应为6位数字：{value}")
    return s


# GB/T 4754-2017: two-digit division → section letter.
_SECTIONS = (
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 96),
    ("T", 97, 97),
)
SECTION_OF_DIVISION = {n: letter for letter, lo, hi in _SECTIONS for n in range(lo, hi + 1)}
_INDUSTRY = re.compile(r"^([A-Ta-t])?\s*(\d{2,4})(?:\s+.*|[^\d].*)?$")


def parse_industry_code(value: Any) -> str:
    """A GB/T 4754-2017 code as 2–4 digits: `3351`, `C3351` and `C3351 铝压延加工` → `3351`."""
    s = halfwidth(text(value))
    if len(s) == 5 and s.isascii() and s[1:].isdigit():
        section = SECTION_OF_DIVISION.get(int(s[1:3]))
        if section is not None and s[0] == section:
            return s[1:]
    match = _INDUSTRY.match(s)
    if match is None:
        raise ParseError(f"无法识别的国民经济行业代码：{value}（如 C3351）")
    letter, digits = match.group(1), match.group(2)
    section = SECTION_OF_DIVISION.get(int(digits[:2]))
    if section is None:
        raise ParseError(f"国民经济行业代码不存在：{value}")
    if letter and letter.upper() != section:
        raise ParseError(f"行业门类与代码不符：{value}（{digits[:2]} 属于门类 {section}）")
    return digits


def industry_label(code: str) -> str:
    """`3351` → `C3351` (the section letter in front, as the standard prints it)."""
    if not code or not code[:2].isdigit():
        return code or ""
    section = SECTION_OF_DIVISION.get(int(code[:2]))
    return f"{section}{code}" if section else code


_SPLIT = re.compile(r"[,，、;；/|\s]+")


def split_list(value: Any) -> list[str]:
    """`专精特新、上市公司,链主` → ["专精特新", "上市公司", "链主"]."""
    return [part for part in _SPLIT.split(halfwidth(str(value)).strip()) if part]


def parse_count(value: Any) -> int:
    """A whole number such as a head count: `1,200`, `１２００人` → 1200."""
    if isinstance(value, bool):
        raise ParseError(f"无法识别的数字：{value}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        s = halfwidth(str(value)).strip().replace(",", "").removesuffix("人").strip()
        if not s.isdigit():
            raise ParseError(f"无法识别的数字：{value}")
        number = int(s)
    if number < 0:
        raise ParseError(f"数字不能为负数：{value}")
    return number
