"""The columns an enterprise import understands: canonical Chinese header, synonyms, unit, kind.

Data, not code paths: adding a synonym is one string here. Headers are matched after folding
full-width characters, dropping spaces and a trailing `*`, so `注册资本（万元）`, `注册资本(万元)`
and `注册资本 (万元)*` are the same header.
"""

from __future__ import annotations

from dataclasses import dataclass

from .parsing import halfwidth


@dataclass(frozen=True)
class Column:
    field: str  # the Enterprise field (or `tags`)
    label: str  # the canonical header, used in templates and the error report
    synonyms: tuple[str, ...]
    kind: str  # text | uscc | date | amount | division | industry | tags | revenue | staff
    required: bool = False
    max_length: int | None = None
    # For amounts: the header forms with their unit; a bare header means 万元.
    units: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("name", "企业名称", ("名称", "公司名称", "企业名", "单位名称", "企业(机构)名称"), "text",
           required=True, max_length=200),
    Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码", "统一信用代码", "统一代码", "USCC"),
           "uscc", required=True),
    Column("legal_representative", "法定代表人", ("法人", "法人代表", "法定代表", "负责人"), "text",
           max_length=50),
    Column("registered_capital_wan", "注册资本(万元)", ("注册资本", "注册资金"), "amount",
           units=("万元", "亿元", "元")),
    Column("founded_on", "成立日期", ("成立时间", "注册日期", "设立日期", "成立日"), "date"),
    Column("business_scope", "经营范围", ("经营业务范围",), "text"),
    Column("industry_code", "所属行业", ("行业代码", "国民经济行业代码", "所属行业代码", "行业"),
           "industry"),
    Column("address", "注册地址", ("地址", "企业地址", "住所", "注册地", "通信地址"), "text",
           max_length=300),
    Column("division_code", "行政区划代码", ("区划代码", "注册地区划代码", "所在地区划代码",
                                           "注册地行政区划代码"), "division"),
    Column("tags", "标签", ("企业标签", "企业类型标签"), "tags"),
    Column("revenue_band", "营收规模", ("营业收入规模", "营收"), "revenue"),
    Column("staff_band", "人员规模", ("员工人数", "参保人数", "从业人数", "职工人数"), "staff"),
    Column("annual_output_wan", "年产值(万元)", ("年产值", "工业总产值"), "amount",
           units=("万元", "亿元", "元")),
    Column("founder_native_code", "创始人籍贯", ("籍贯", "创始人籍贯代码", "乡贤籍贯"), "division"),
    Column("group_name", "所属集团", ("集团", "集团名称", "所属集团公司"), "text", max_length=200),
)  # fmt: skip

COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}


def header_key(header: object) -> str:
    """A header folded for matching: half-width, no spaces, no trailing `*`, `（）` → `()`."""
    s = halfwidth(str(header or "")).strip().replace(" ", "").rstrip("*").strip()
    return s.lstrip("*")


def _index() -> dict[str, tuple[Column, str]]:
    index: dict[str, tuple[Column, str]] = {}
    for column in COLUMNS:
        names = (column.label, *column.synonyms)
        if column.units:
            bases = {n.split("(")[0] for n in names}
            for base in bases:
                index[header_key(base)] = (column, "万元")
                for unit in column.units:
                    for form in (f"({unit})", unit, f"({unit[0]})" if unit != "元" else "(元)"):
                        index[header_key(base + form)] = (column, unit)
        else:
            for name in names:
                index[header_key(name)] = (column, "")
    return index


HEADER_INDEX = _index()


def match_header(header: object) -> tuple[Column, str] | None:
    """The column and unit a header names, or None when it is not one we know."""
    return HEADER_INDEX.get(header_key(header))
