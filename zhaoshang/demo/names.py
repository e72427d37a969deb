"""Names and codes for invented sample data, built from word lists (no faker on the intranet).

Every function takes the caller's seeded `random.Random`, so a load is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from stdnum.cn import uscc as uscc_std

from .reference import (
    BRAND_CHARS,
    COMPANY_SUFFIXES,
    FOREIGN_ORIGINS,
    GIVEN_CHARS,
    SURNAMES,
    DirectionSpec,
)

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_FOREIGN_FORMS = {
    "KR": "株式会社",
    "JP": "株式会社",
    "DE": "集团",
    "SG": "控股有限公司",
    "HK": "投资有限公司",
    "US": "公司",
}


def weighted(rng: random.Random, weights: dict[str, int] | Sequence[tuple[str, int]]) -> str:
    """One key drawn with the given integer weights."""
    items = list(weights.items()) if isinstance(weights, dict) else list(weights)
    keys = [k for k, _ in items]
    return rng.choices(keys, weights=[w for _, w in items], k=1)[0]


def org_code(body: str) -> str:
    """The 9-character organisation code (GB 11714): 8 digits and their check character."""
    total = sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def uscc_for(division_code: str, serial: int) -> str:
    """A well-formed 统一社会信用代码 for an enterprise (登记管理部门 9, 机构类别 1).

    `serial` (0 … 99,999,999) makes the organisation code, so distinct serials give distinct
    codes; the final check digit comes from python-stdnum.
    """
    body = "91" + division_code + org_code(f"{serial:08d}")
    return body + uscc_std.calc_check_digit(body)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


CONTACT_TITLES = ("董事长", "总经理", "副总经理", "投资总监", "战略发展部经理", "办公室主任")


def fictional_mobile(rng: random.Random) -> str:
    """An 11-digit number starting 100: shaped like a mobile number, but no one's mobile (China's
    mobile segments start 13–19; numbers starting 10 are the carriers' own service lines)."""
    return f"100{rng.randrange(10**8):08d}"


def fictional_email(serial: int) -> str:
    """An address on example.com, a domain reserved for examples (RFC 2606)."""
    return f"tz{serial:04d}@example.com"


def brand(rng: random.Random) -> str:
    """Two distinct characters, the way Chinese company brands (字号) are usually built."""
    first, second = rng.sample(BRAND_CHARS, 2)
    return first + second


def company_name(rng: random.Random, *, city: str, brand_name: str, word: str) -> str:
    suffix = weighted(rng, COMPANY_SUFFIXES)
    if word.endswith("科技") and suffix == "科技有限公司":
        suffix = "有限公司"
    return f"{city}{brand_name}{word}{suffix}"


def foreign_company_name(rng: random.Random, *, country: str, brand_name: str, word: str) -> str:
    prefix = dict(FOREIGN_ORIGINS)[country]
    return f"{prefix}{brand_name}{word}{_FOREIGN_FORMS[country]}"


PROJECT_TEMPLATES: tuple[str, ...] = (
    "{brand}{product}生产基地项目",
    "{brand}{product}产业园项目",
    "年产{qty}万件{product}项目",
    "{product}智能制造项目",
    "{brand}{product}扩能技改项目",
    "{brand}{product}二期项目",
    "{product}数字化车间项目",
)
_QTY_UNSUITED = ("电站", "平台", "数据中心", "加氢站", "冷链", "一体化", "预制菜")


def project_name(rng: random.Random, *, direction: DirectionSpec, brand_name: str) -> str:
    return project_name_for(rng, product=rng.choice(direction.products), brand_name=brand_name)


def project_name_for(rng: random.Random, *, product: str, brand_name: str) -> str:
    """A project name such as 恒瑞精密无缝钢管生产基地项目 or 年产10万件轴承保持架项目."""
    template = rng.choice(PROJECT_TEMPLATES)
    if "{qty}" in template and product.endswith(_QTY_UNSUITED):
        template = PROJECT_TEMPLATES[0]
    return template.format(brand=brand_name, product=product, qty=rng.choice((5, 10, 20, 30, 50)))


def team(rng: random.Random, unit_short_name: str) -> str:
    members = "、".join(person_name(rng) for _ in range(rng.randint(2, 4)))
    return f"{unit_short_name}招商专班：{members}"
