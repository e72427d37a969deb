"""GB/T 2260 administrative division codes, from python-stdnum's table (no hand-kept list)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import stdnum
from stdnum import numdb

HOME_PROVINCE = "37"  # 山东省
HOME_CITY = "3715"  # 聊城市
_CODE = re.compile(r"^\d{6}$")
_SPAN = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@dataclass(frozen=True)
class Division:
    code: str
    province: str
    name: str
    abolished: bool

    @property
    def full_name(self) -> str:
        return self.name if self.name == self.province else f"{self.province}{self.name}"


@lru_cache(maxsize=8192)
def lookup(code: str) -> Division | None:
    """The division for a 6-digit code, or None when the code is unknown."""
    code = (code or "").strip()
    if not _CODE.match(code):
        return None
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    if "county" not in info or "province" not in info:
        return None
    # A code may have been reused; the last listed name is the current one.
    raw = info["county"].split(",")[-1]
    abolished = False
    name = raw
    match = _SPAN.match(raw)
    if match:
        name = match.group(3)
        abolished = bool(match.group(2))
    return Division(code=code, province=info["province"], name=name, abolished=abolished)


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every code `lookup` knows, read once from python-stdnum's table (a province line of two
    digits, then its indented four-digit suffixes). For set-based checks such as the import's."""
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    codes: set[str] = set()
    province = ""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line[:2].isdigit():
                province = line[:2]
            elif province and line[:1].isspace():
                suffix = line.strip()[:4]
                if suffix.isdigit() and lookup(province + suffix) is not None:
                    codes.add(province + suffix)
    return frozenset(codes)


def is_valid(code: str) -> bool:
    return lookup(code) is not None


def is_home_province(code: str) -> bool:
    return bool(code) and code.startswith(HOME_PROVINCE)


def is_home_city(code: str) -> bool:
    return bool(code) and code.startswith(HOME_CITY)
