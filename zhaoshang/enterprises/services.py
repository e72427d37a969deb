"""Writes on the enterprise registry: validation of 统一社会信用代码 and division, derived flags."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from zhaoshang.core import audit
from zhaoshang.core.permissions import require
from zhaoshang.geo import divisions

from .models import Enterprise, Tag


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
) -> Enterprise:
    """Register an enterprise; the code and division are validated, local/province derived."""
    fields = _validate({"name": name, "uscc": uscc, "division_code": division_code})
    enterprise = Enterprise(
        name=fields["name"].strip(),
        uscc=fields["uscc"],
        division_code=fields["division_code"],
        country=(country or "CN").upper(),
        address=address,
        is_sample=is_sample,
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
    *, actor, enterprise: Enterprise, tags: Iterable[Tag] | None = None, **changes
):
    """Change an enterprise's fields (validated as on creation); audited before and after."""
    require(actor, "change", enterprise)
    before = audit.snapshot(enterprise)
    merged = {
        "name": changes.get("name", enterprise.name),
        "uscc": changes.get("uscc", enterprise.uscc or ""),
        "division_code": changes.get("division_code", enterprise.division_code),
    }
    fields = _validate(merged)
    if (
        fields["uscc"]
        and Enterprise.objects.filter(uscc=fields["uscc"]).exclude(pk=enterprise.pk).exists()
    ):
        raise ValidationError({"uscc": ["该统一社会信用代码的企业已存在"]})
    for key in ("country", "address"):
        if key in changes:
            setattr(enterprise, key, changes[key])
    enterprise.name = fields["name"].strip()
    enterprise.uscc = fields["uscc"]
    enterprise.division_code = fields["division_code"]
    _derive(enterprise)
    with transaction.atomic():
        enterprise.save()
        if tags is not None:
            enterprise.tags.set(list(tags))
        audit.record_update(actor=actor, obj=enterprise, before=before)
    return enterprise
