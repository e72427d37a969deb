"""Writes on the enterprise record: validation of codes and amounts, derived flags, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import require
from zhaoshang.geo import divisions

from ..importing.parsing import ParseError, parse_industry_code
from ..models import Enterprise, RevenueBand, StaffBand, Tag

# Fields a person may set besides name, code, division, country, address and tags.
DETAIL_FIELDS = (
    "legal_representative",
    "registered_capital_wan",
    "founded_on",
    "industry_code",
    "business_scope",
    "revenue_band",
    "staff_band",
    "annual_output_wan",
    "founder_native_code",
    "group_name",
    "parent",
)
_TEXT_FIELDS = ("legal_representative", "business_scope", "group_name", "address")


def clean_uscc(value: str) -> str:
    """The compact 18-character code, or a ValidationError explaining what is wrong."""
    value = (value or "").strip().upper()
    try:
        return uscc_std.validate(value)
    except StdnumError as exc:
        kind = type(exc).__name__
        messages = {
            "InvalidLength": "统一社会信用代码应为18位",
            "InvalidFormat": "统一社会信用代码含有非法字符",
            "InvalidChecksum": "统一社会信用代码校验位错误",
            "InvalidComponent": "统一社会信用代码中的登记管理部门或机构类别无效",
        }
        raise ValidationError(messages.get(kind, "统一社会信用代码无效"), code="invalid") from exc


def clean_division_code(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if divisions.lookup(value) is None:
        raise ValidationError(f"未知的行政区划代码：{value}", code="invalid")
    return value


def _derive(enterprise: Enterprise) -> None:
    code = enterprise.division_code
    enterprise.province_code = code[:2] if code else ""
    enterprise.is_local = enterprise.country == "CN" and divisions.is_home_city(code)


def _amount(value: Any, label: str, errors: dict[str, list[str]], key: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors.setdefault(key, []).append(f"{label}应为数字")
        return None
    if not amount.is_finite():
        errors.setdefault(key, []).append(f"{label}应为数字")
        return None
    if amount < 0:
        errors.setdefault(key, []).append(f"{label}不能为负数")
    return amount


def _validate_details(fields: dict[str, Any], *, enterprise: Enterprise | None) -> dict[str, Any]:
    """Checks the detail fields present in `fields`; returns them cleaned."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(fields)
    for key, label in (("registered_capital_wan", "注册资本"), ("annual_output_wan", "年产值")):
        if key in cleaned:
            cleaned[key] = _amount(cleaned[key], label, errors, key)
    if cleaned.get("founded_on"):
        founded = cleaned["founded_on"]
        if isinstance(founded, str):
            try:
                founded = dt.date.fromisoformat(founded)
            except ValueError:
                errors.setdefault("founded_on", []).append("成立日期格式应为 2024-03-05")
        if isinstance(founded, dt.date) and founded > timezone.localdate():
            errors.setdefault("founded_on", []).append("成立日期不能晚于今天")
        cleaned["founded_on"] = founded
    elif "founded_on" in cleaned:
        cleaned["founded_on"] = None
    if cleaned.get("industry_code"):
        try:
            cleaned["industry_code"] = parse_industry_code(cleaned["industry_code"])
        except ParseError as exc:
            errors.setdefault("industry_code", []).append(str(exc))
    if cleaned.get("founder_native_code"):
        try:
            cleaned["founder_native_code"] = clean_division_code(cleaned["founder_native_code"])
        except ValidationError as exc:
            errors.setdefault("founder_native_code", []).extend(exc.messages)
    for key, choices in (("revenue_band", RevenueBand), ("staff_band", StaffBand)):
        if cleaned.get(key) and cleaned[key] not in choices.values:
            errors.setdefault(key, []).append("请选择列表中的规模")
    parent = cleaned.get("parent")
    if parent is not None and enterprise is not None and enterprise.pk:
        seen = {enterprise.pk}
        node: Enterprise | None = parent
        while node is not None:
            if node.pk in seen:
                errors.setdefault("parent", []).append("母公司不能是本企业或其下属企业")
                break
            seen.add(node.pk)
            node = node.parent
    for key in _TEXT_FIELDS:
        if key in cleaned and cleaned[key] is None:
            cleaned[key] = ""
    if errors:
        raise ValidationError(errors)
    return cleaned


def _validate(fields: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = dict(fields)
    if not (cleaned.get("name") or "").strip():
        errors.setdefault("name", []).append("请填写企业名称")
    if cleaned.get("uscc"):
        try:
            cleaned["uscc"] = clean_uscc(cleaned["uscc"])
        except ValidationError as exc:
            errors.setdefault("uscc", []).extend(exc.messages)
    else:
        cleaned["uscc"] = None
    if "division_code" in cleaned:
        try:
            cleaned["division_code"] = clean_division_code(cleaned["division_code"])
        except ValidationError as exc:
            errors.setdefault("division_code", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _collect(*validators) -> None:
    """Run every validator and raise all their field errors together."""
    errors: dict[str, list[str]] = {}
    for validate in validators:
        try:
            validate()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def enterprise_create(
    *,
    actor,
    name: str,
    uscc: str = "",
    division_code: str = "",
    country: str = "CN",
    address: str = "",
    tags: Iterable[Tag] = (),
    is_sample: bool = False,
    **details: Any,
) -> Enterprise:
    """Register an enterprise; codes, amounts and dates are validated, local/province derived.

    `details` are the optional fields of `DETAIL_FIELDS` (legal representative, capital …).
    """
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    result: dict[str, Any] = {}

    def base() -> None:
        result["fields"] = _validate({"name": name, "uscc": uscc, "division_code": division_code})

    def extra() -> None:
        result["details"] = _validate_details(details, enterprise=None)

    _collect(base, extra)
    fields, details = result["fields"], result["details"]
    enterprise = Enterprise(
        name=fields["name"].strip(),
        uscc=fields["uscc"],
        division_code=fields["division_code"],
        country=(country or "CN").upper(),
        address=(address or "").strip(),
        is_sample=is_sample,
        **details,
    )
    require(actor, "add", enterprise)
    if enterprise.uscc and Enterprise.objects.filter(uscc=enterprise.uscc).exists():
        raise ValidationError({"uscc": ["该统一社会信用代码的企业已存在"]})
    _derive(enterprise)
    with transaction.atomic():
        enterprise.save()
        enterprise.tags.set(list(tags))
        audit.record_create(actor=actor, obj=enterprise)
    return enterprise


def enterprise_update(
    *,
    actor,
    enterprise: Enterprise,
    tags: Iterable[Tag] | None = None,
    version: str | Iterable[str] | None = None,
    **changes,
):
    """Change an enterprise's fields (validated as on creation); audited before and after.

    `version` is the enterprise's version the editor read (`core.concurrency`): when another
    save changed one of its fields since, nothing is written and the conflict names each field.
    """
    require(actor, "change", enterprise)
    unknown = (
        set(changes) - {"name", "uscc", "division_code", "country", "address"} - set(DETAIL_FIELDS)
    )
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    before = audit.snapshot(enterprise)
    merged = {
        "name": changes.get("name", enterprise.name),
        "uscc": changes.get("uscc", enterprise.uscc or ""),
        "division_code": changes.get("division_code", enterprise.division_code),
    }
    result: dict[str, Any] = {}

    def base() -> None:
        result["fields"] = _validate(merged)

    def extra() -> None:
        result["details"] = _validate_details(
            {k: v for k, v in changes.items() if k in DETAIL_FIELDS}, enterprise=enterprise
        )

    _collect(base, extra)
    fields, details = result["fields"], result["details"]
    if (
        fields["uscc"]
        and Enterprise.objects.filter(uscc=fields["uscc"]).exclude(pk=enterprise.pk).exists()
    ):
        raise ValidationError({"uscc": ["该统一社会信用代码的企业已存在"]})
    for key in ("country", "address"):
        if key in changes:
            value = changes[key] or ""
            setattr(enterprise, key, value.upper() if key == "country" else value.strip())
    for key, value in details.items():
        setattr(enterprise, key, value)
    enterprise.name = fields["name"].strip()
    enterprise.uscc = fields["uscc"]
    enterprise.division_code = fields["division_code"]
    _derive(enterprise)
    with transaction.atomic():
        stored = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        check_version(
            stored, version, submitted={**changes, **({"tags": tags} if tags is not None else {})}
        )
        enterprise.save()
        if tags is not None:
            enterprise.tags.set(list(tags))
        audit.record_update(actor=actor, obj=enterprise, before=before)
    return enterprise
