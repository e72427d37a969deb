"""A ranking scheme's rules as data: the JSON structure, its validation and normalisation.

A scheme version's ``config`` (validated on every save by ``scheme_config_clean``)::

    {
      "title": "2024年招商引资竞赛榜",          # shown on the ranking
      "years": [2024],                        # quarters it may rank (empty: any)
      "total_points": "100",                  # optional: indicator weights must add up to it
      "tracks": [                             # 赛道: by unit.track, or an explicit list of units
        {"name": "县市区", "track": "county"},
        {"name": "功能区", "units": ["LCZ01", "LCZ02", "LCZ03"]}
      ],
      "indicators": [                         # scored columns
        {"id": "funds", "indicator": "funds_verified", "label": "到位资金",
         "weight": "40", "method": "completion", "span": "ytd", "cap": "120",
         "options": {"exclude_same_city": true}},
        {"id": "funds_growth", "indicator": "funds_verified", "weight": "20",
         "method": "growth", "span": "quarter", "then": "efficacy", "growth_cap": "200"},
        {"id": "started", "indicator": "new_started_over_100m", "weight": "20",
         "method": "efficacy"},
        {"id": "signed", "indicator": "new_signed_count", "weight": "20",
         "method": "rank_points", "step": "2"}
      ],
      "bonuses": [                            # + points for each project counted
        {"id": "over_1bn", "label": "10亿元以上项目", "indicator": "signed_over_1bn",
         "points": "4", "exclude": ["over_5bn"]},
        {"id": "over_5bn", "label": "50亿元以上项目", "indicator": "signed_over_5bn", "points": "8"}
      ],
      "deductions": [                         # − points for each project counted
        {"id": "not_started", "label": "签约6个月未开工", "points": "0.1", "max": "2",
         "indicator": "signed_not_started_within_n_months", "options": {"months": 6}}
      ],
      "bonus_cap": "20",                      # optional cap on a unit's total bonus
      "tie_break": ["funds", "started"],      # equal totals: these scores, then unit code
      "preview": "own_unit"                   # before publication a unit sees its own row
    }

Methods (scoring.py): ``completion`` (actual ÷ the unit's goal × 100, capped at ``cap`` %, ×
weight ÷ 100; ``basis: "time"`` compares with the share of the goal due by the quarter's end),
``efficacy`` ((x − min) ÷ (max − min) × 40 + 60 within the track, × weight ÷ 100; all equal →
full marks), ``rank_points`` (first gets the weight, each next rank ``step`` less, never below
``floor``), ``growth`` (change against the same span last year in %, capped at ``growth_cap``,
then scored by ``then``: efficacy or rank_points). ``span`` is the stretch of the year the
figure covers: ``quarter`` (the quarter alone) or ``ytd`` (January to the quarter's end); the
default is ``ytd`` for completion and ``quarter`` otherwise.

Numbers are kept as strings in the normalised config so its hash never depends on float
formatting. Errors name the place they concern, in Chinese.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .indicators import INDICATORS, parse_options

METHODS = {
    "completion": "完成率",
    "efficacy": "功效系数",
    "rank_points": "位次赋分",
    "growth": "同比增幅",
}
SPANS = ("quarter", "ytd")
PREVIEW = {"city_only": "发布前仅市级可见", "own_unit": "发布前各单位可见本单位得分及明细"}
TRACK_VALUES = {"county": "县市区", "zone": "功能区"}
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TOP_KEYS = {
    "title",
    "years",
    "total_points",
    "tracks",
    "indicators",
    "bonuses",
    "deductions",
    "bonus_cap",
    "tie_break",
    "preview",
}
_ENTRY_KEYS = {
    "id",
    "indicator",
    "label",
    "weight",
    "method",
    "span",
    "options",
    "cap",
    "basis",
    "step",
    "floor",
    "growth_cap",
    "then",
}
_RULE_KEYS = {"id", "indicator", "label", "points", "span", "options", "exclude", "max"}


def canonical_json(value: Any) -> str:
    """The one serialisation every hash is taken over: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _text(value: Decimal) -> str:
    """A normalised number string: 40 → "40", 0.10 → "0.1", 1E+2 → "100"."""
    text = format(value.normalize(), "f")
    return text


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}：{message}" if where else message)


def _positive(raw: dict, key: str, where: str, errors: _Errors, *, zero_ok: bool = False) -> str:
    number = _number(raw.get(key))
    if number is None or number < 0 or (number == 0 and not zero_ok):
        errors.add(where, f"“{key}”须为{'非负' if zero_ok else '正'}数")
        return "0"
    return _text(number)


def _optional_positive(raw: dict, key: str, where: str, errors: _Errors) -> str | None:
    if raw.get(key) in (None, ""):
        return None
    return _positive(raw, key, where, errors)


def _unknown_keys(raw: dict, allowed: set[str], where: str, errors: _Errors) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        errors.add(where, f"未知字段 {'、'.join(extra)}")


def _indicator_and_options(raw: dict, where: str, errors: _Errors) -> tuple[str, dict]:
    key = raw.get("indicator")
    indicator = INDICATORS.get(key) if isinstance(key, str) else None
    if indicator is None:
        errors.add(where, f"未知指标“{key}”")
        return str(key), {}
    options_raw = raw.get("options") or {}
    if not isinstance(options_raw, dict):
        errors.add(where, "“options”须为对象")
        return key, {}
    try:
        options = parse_options(indicator, options_raw)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add(where, message)
        return key, {}
    return key, options.as_dict(indicator)


def _span(raw: dict, default: str, where: str, errors: _Errors) -> str:
    span = raw.get("span") or default
    if span not in SPANS:
        errors.add(where, "“span”须为 quarter（本季度）或 ytd（年初至本季度末）")
        return default
    return span


def _clean_entry(raw: Any, n: int, errors: _Errors) -> dict[str, Any] | None:
    where = f"第{n}个计分指标"
    if not isinstance(raw, dict):
        errors.add(where, "须为对象")
        return None
    if isinstance(raw.get("id"), str):
        where += f"（{raw['id']}）"
    _unknown_keys(raw, _ENTRY_KEYS, where, errors)
    key, options = _indicator_and_options(raw, where, errors)
    method = raw.get("method")
    if method not in METHODS:
        errors.add(where, f"计分方法须为 {'、'.join(METHODS)} 之一")
        method = "efficacy"
    entry: dict[str, Any] = {
        "id": raw.get("id"),
        "indicator": key,
        "label": str(raw.get("label") or (INDICATORS[key].label if key in INDICATORS else key)),
        "weight": _positive(raw, "weight", where, errors),
        "method": method,
        "span": _span(raw, "ytd" if method == "completion" else "quarter", where, errors),
        "options": options,
    }
    if method == "completion":
        cap = _number(raw.get("cap", 120))
        if cap is None or cap < 100:
            errors.add(where, "完成率封顶值“cap”须不小于100")
            cap = Decimal(120)
        entry["cap"] = _text(cap)
        basis = raw.get("basis", "annual")
        if basis not in ("annual", "time"):
            errors.add(where, "“basis”须为 annual（全年目标）或 time（按时序进度）")
        entry["basis"] = basis
    if method == "rank_points":
        entry["step"] = _positive(raw, "step", where, errors) if "step" in raw else "1"
        entry["floor"] = (
            _positive(raw, "floor", where, errors, zero_ok=True) if "floor" in raw else "0"
        )
    if method == "growth":
        then = raw.get("then", "efficacy")
        if then not in ("efficacy", "rank_points"):
            errors.add(where, "“then”须为 efficacy 或 rank_points")
        entry["then"] = then
        cap = _number(raw.get("growth_cap", 200))
        if cap is None or cap <= 0:
            errors.add(where, "增幅封顶值“growth_cap”须为正数（百分比）")
            cap = Decimal(200)
        entry["growth_cap"] = _text(cap)
        if then == "rank_points":
            entry["step"] = _positive(raw, "step", where, errors) if "step" in raw else "1"
            entry["floor"] = "0"
    return entry


def _clean_rule(raw: Any, n: int, kind: str, errors: _Errors) -> dict[str, Any] | None:
    where = f"第{n}个{kind}项"
    if not isinstance(raw, dict):
        errors.add(where, "须为对象")
        return None
    if isinstance(raw.get("id"), str):
        where += f"（{raw['id']}）"
    _unknown_keys(raw, _RULE_KEYS, where, errors)
    key, options = _indicator_and_options(raw, where, errors)
    if key in INDICATORS and INDICATORS[key].source != "projects":
        errors.add(where, "加分、扣分只能按项目计（请选择项目类指标）")
    exclude = raw.get("exclude") or []
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        errors.add(where, "“exclude”须为加分/扣分项代码的列表")
        exclude = []
    rule = {
        "id": raw.get("id"),
        "indicator": key,
        "label": str(raw.get("label") or (INDICATORS[key].label if key in INDICATORS else key)),
        "points": _positive(raw, "points", where, errors),
        "span": _span(raw, "quarter", where, errors),
        "options": options,
        "exclude": sorted(set(exclude)),
    }
    cap = _optional_positive(raw, "max", where, errors)
    if cap is not None:
        rule["max"] = cap
    return rule


def _clean_tracks(raw: Any, errors: _Errors, unit_codes: set[str] | None) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        errors.add("赛道", "至少设一个赛道（tracks）")
        return []
    tracks, names, seen_units = [], set(), {}
    for n, track in enumerate(raw, start=1):
        where = f"第{n}个赛道"
        if not isinstance(track, dict):
            errors.add(where, "须为对象")
            continue
        name = str(track.get("name") or "").strip()
        if not name:
            errors.add(where, "请填写赛道名称（name）")
        elif name in names:
            errors.add(where, f"赛道名称“{name}”重复")
        names.add(name)
        _unknown_keys(track, {"name", "track", "units"}, where, errors)
        if ("track" in track) == ("units" in track):
            errors.add(where, "须且只能指定 track（按单位的排名赛道）或 units（单位代码列表）之一")
            continue
        if "track" in track:
            if track["track"] not in TRACK_VALUES:
                errors.add(where, "“track”须为 county（县市区）或 zone（功能区）")
            tracks.append({"name": name, "track": track["track"]})
            continue
        units = track["units"]
        if not isinstance(units, list) or not units or not all(isinstance(u, str) for u in units):
            errors.add(where, "“units”须为非空的单位代码列表")
            continue
        for code in units:
            if unit_codes is not None and code not in unit_codes:
                errors.add(where, f"未知单位代码“{code}”")
            if code in seen_units:
                errors.add(where, f"单位“{code}”已在赛道“{seen_units[code]}”中")
            seen_units[code] = name
        tracks.append({"name": name, "units": list(dict.fromkeys(units))})
    kinds = [t.get("track") for t in tracks if "track" in t]
    if len(kinds) != len(set(kinds)):
        errors.add("赛道", "同一 track 不能设两个赛道")
    return tracks


def scheme_config_clean(raw: Any, *, unit_codes: set[str] | None = None) -> dict[str, Any]:
    """Validate a scheme's rules and return their normalised form; ValidationError on `config`.

    `unit_codes` (the known units) checks the explicit unit lists of the tracks.
    """
    errors = _Errors()
    if not isinstance(raw, dict):
        raise ValidationError({"config": ["考核办法规则须为JSON对象"]})
    _unknown_keys(raw, _TOP_KEYS, "", errors)
    config: dict[str, Any] = {"title": str(raw.get("title") or "").strip()}
    years = raw.get("years") or []
    if not isinstance(years, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) and 2000 <= y <= 2099 for y in years
    ):
        errors.add("适用年度", "“years”须为年份列表，如 [2024]")
        years = []
    config["years"] = sorted(set(years))
    config["tracks"] = _clean_tracks(raw.get("tracks"), errors, unit_codes)

    entries_raw = raw.get("indicators")
    if not isinstance(entries_raw, list) or not entries_raw:
        errors.add("计分指标", "至少设一个计分指标（indicators）")
        entries_raw = []
    entries = [e for n, r in enumerate(entries_raw, 1) if (e := _clean_entry(r, n, errors))]
    bonuses_raw = raw.get("bonuses") or []
    deductions_raw = raw.get("deductions") or []
    if not isinstance(bonuses_raw, list) or not isinstance(deductions_raw, list):
        errors.add("加扣分", "“bonuses”与“deductions”须为列表")
        bonuses_raw, deductions_raw = [], []
    bonuses = [b for n, r in enumerate(bonuses_raw, 1) if (b := _clean_rule(r, n, "加分", errors))]
    deductions = [
        d for n, r in enumerate(deductions_raw, 1) if (d := _clean_rule(r, n, "扣分", errors))
    ]
    config.update(indicators=entries, bonuses=bonuses, deductions=deductions)

    ids = [x["id"] for x in (*entries, *bonuses, *deductions)]
    for value in ids:
        if not isinstance(value, str) or not _ID.match(value):
            errors.add("代码", f"“{value}”无效：须以小写字母开头，仅含小写字母、数字和下划线")
    duplicates = sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1})
    if duplicates:
        errors.add("代码", f"重复：{'、'.join(duplicates)}")
    for group in (bonuses, deductions):
        own = {r["id"] for r in group}
        for rule in group:
            for other in rule["exclude"]:
                if other not in own or other == rule["id"]:
                    errors.add(f"“{rule['id']}”", f"exclude 中的“{other}”不是同类的其他项")

    total = raw.get("total_points")
    if total not in (None, ""):
        number = _number(total)
        weights = sum((_number(e["weight"]) or Decimal(0) for e in entries), Decimal(0))
        if number is None or number <= 0:
            errors.add("总分", "“total_points”须为正数")
        elif weights != number:
            errors.add("总分", f"各指标权重之和为{_text(weights)}，应等于总分{_text(number)}")
        else:
            config["total_points"] = _text(number)
    cap = raw.get("bonus_cap")
    if cap not in (None, ""):
        config["bonus_cap"] = _positive(raw, "bonus_cap", "加分上限", errors)

    tie_break = raw.get("tie_break") or []
    entry_ids = {e["id"] for e in entries}
    if not isinstance(tie_break, list) or any(t not in entry_ids for t in tie_break):
        errors.add("并列", "“tie_break”须为计分指标代码的列表")
        tie_break = []
    config["tie_break"] = list(dict.fromkeys(tie_break))
    preview = raw.get("preview", "city_only")
    if preview not in PREVIEW:
        errors.add("发布前可见性", "“preview”须为 city_only 或 own_unit")
        preview = "city_only"
    config["preview"] = preview
    if errors.messages:
        raise ValidationError({"config": errors.messages}, code="invalid_scheme")
    return config


def config_hash(config: dict[str, Any]) -> str:
    return sha256_of(config)
