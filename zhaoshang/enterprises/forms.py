"""Forms of the enterprise library pages. Validation of codes and rules lives in the services;
these forms only shape what a person types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin

from .models import (
    Enterprise,
    PlacementStatus,
    RelationKind,
    RevenueBand,
    SignalKind,
    StaffBand,
    Tag,
    TargetStatus,
)

# Registered country or region (ISO 3166-1 alpha-2); the most frequent investors' origins.
COUNTRIES = [
    ("CN", "中国（境内）"),
    ("HK", "中国香港"),
    ("MO", "中国澳门"),
    ("TW", "中国台湾"),
    ("US", "美国"),
    ("JP", "日本"),
    ("KR", "韩国"),
    ("SG", "新加坡"),
    ("DE", "德国"),
    ("GB", "英国"),
    ("FR", "法国"),
    ("NL", "荷兰"),
    ("CH", "瑞士"),
    ("IT", "意大利"),
    ("SE", "瑞典"),
    ("CA", "加拿大"),
    ("AU", "澳大利亚"),
    ("MY", "马来西亚"),
    ("TH", "泰国"),
    ("AE", "阿联酋"),
    ("VG", "英属维尔京群岛"),
    ("KY", "开曼群岛"),
]

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="企业名称", max_length=200)
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        required=False,
        help_text="18位，境内企业请填写；系统校验格式和校验位。",
    )
    division_code = forms.CharField(
        label="注册地行政区划代码",
        max_length=12,
        required=False,
        help_text="6位 GB/T 2260 代码，如 371581（临清市）；决定是否本市企业、省外企业。",
    )
    country = forms.ChoiceField(label="注册国家/地区", choices=COUNTRIES, initial="CN")
    address = forms.CharField(label="注册地址", max_length=300, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    registered_capital_wan = forms.DecimalField(
        label="注册资本（万元）", max_digits=16, decimal_places=2, required=False
    )
    founded_on = forms.DateField(label="成立日期", required=False, widget=DATE_WIDGET)
    industry_code = forms.CharField(
        label="所属行业代码（GB/T 4754）",
        max_length=30,
        required=False,
        help_text="如 C3351 或 3351（铝压延加工）",
    )
    business_scope = forms.CharField(
        label="经营范围", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    revenue_band = forms.ChoiceField(
        label="营收规模", required=False, choices=[("", "—"), *RevenueBand.choices]
    )
    staff_band = forms.ChoiceField(
        label="人员规模", required=False, choices=[("", "—"), *StaffBand.choices]
    )
    annual_output_wan = forms.DecimalField(
        label="年产值（万元）", max_digits=16, decimal_places=2, required=False
    )
    founder_native_code = forms.CharField(
        label="创始人籍贯（行政区划代码）",
        max_length=12,
        required=False,
        help_text="乡贤招商：创始人或实际控制人的籍贯，如 371502（东昌府区）",
    )
    group_name = forms.CharField(label="所属集团", max_length=200, required=False)
    parent_uscc = forms.CharField(
        label="母公司统一社会信用代码",
        max_length=30,
        required=False,
        help_text="母公司须已在企业库中登记",
    )
    tags = forms.ModelMultipleChoiceField(
        label="标签",
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.initial.get("country") or self.data.get("country")
        if current and current not in dict(COUNTRIES):
            self.fields["country"].choices = [*COUNTRIES, (current, current)]
        for name in ("uscc", "parent_uscc"):
            self.fields[name].widget.attrs.update(
                {
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "class": "form-control font-monospace",
                }
            )
        for name in ("division_code", "founder_native_code"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict[str, Any]:
        return {
            "name": enterprise.name,
            "uscc": enterprise.uscc or "",
            "division_code": enterprise.division_code,
            "country": enterprise.country,
            "address": enterprise.address,
            "legal_representative": enterprise.legal_representative,
            "registered_capital_wan": enterprise.registered_capital_wan,
            "founded_on": enterprise.founded_on,
            "industry_code": enterprise.industry_code,
            "business_scope": enterprise.business_scope,
            "revenue_band": enterprise.revenue_band,
            "staff_band": enterprise.staff_band,
            "annual_output_wan": enterprise.annual_output_wan,
            "founder_native_code": enterprise.founder_native_code,
            "group_name": enterprise.group_name,
            "parent_uscc": enterprise.parent.uscc if enterprise.parent_id else "",
            "tags": list(enterprise.tags.values_list("pk", flat=True)),
        }

    def clean_parent_uscc(self) -> Enterprise | None:
        code = (self.cleaned_data.get("parent_uscc") or "").strip().upper()
        if not code:
            return None
        parent = Enterprise.objects.filter(uscc=code).first()
        if parent is None:
            raise forms.ValidationError("企业库中没有该统一社会信用代码的企业")
        return parent


class EnterpriseFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="名称或代码", required=False)
    tag = forms.ChoiceField(label="标签", required=False)
    is_local = forms.ChoiceField(
        label="本市企业",
        required=False,
        choices=[("", "全部"), ("true", "本市企业"), ("false", "非本市企业")],
    )
    province = forms.ChoiceField(label="注册省份", required=False)
    industry = forms.CharField(label="行业代码（前缀）", required=False, max_length=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhaoshang.geo import divisions

        self.fields["tag"].choices = [("", "全部标签"), *Tag.objects.values_list("code", "name")]
        self.fields["q"].widget.attrs["placeholder"] = "企业名称或统一社会信用代码"
        provinces = []
        for prefix in PROVINCE_PREFIXES:
            division = divisions.lookup(f"{prefix}0000")
            if division is not None:
                provinces.append((prefix, division.province))
        self.fields["province"].choices = [("", "全部省份"), *provinces]
        self.fields["industry"].widget.attrs["placeholder"] = "如 C33 或 3351"


PROVINCE_PREFIXES = [
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
]


class ContactForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    title = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="电话", max_length=30, required=False)
    email = forms.EmailField(label="邮箱", required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)


# On the enterprise's own page a relation is entered from its point of view.
RELATION_CHOICES = [
    ("supplier", "本企业是对方的供应商"),
    ("customer", "本企业是对方的客户"),
    ("investor", "本企业投资了对方"),
    ("subsidiary", "对方是本企业的子公司"),
    ("in:supplier", "对方是本企业的供应商"),
    ("in:customer", "对方是本企业的客户"),
    ("in:investor", "对方投资了本企业"),
    ("in:subsidiary", "本企业是对方的子公司"),
]


class RelationForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="关系", choices=RELATION_CHOICES)
    other_uscc = forms.CharField(
        label="对方企业统一社会信用代码",
        max_length=30,
        help_text="对方须已在企业库中登记",
    )
    since = forms.DateField(label="起始日期", required=False, widget=DATE_WIDGET)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean_other_uscc(self) -> Enterprise:
        code = (self.cleaned_data.get("other_uscc") or "").strip().upper()
        other = Enterprise.objects.filter(uscc=code).first()
        if other is None:
            raise forms.ValidationError("企业库中没有该统一社会信用代码的企业")
        return other

    def direction(self) -> tuple[str, bool]:
        """(relation kind, whether this enterprise is the target)."""
        value = self.cleaned_data["kind"]
        return (value[3:], True) if value.startswith("in:") else (value, False)


assert {k.removeprefix("in:") for k, _ in RELATION_CHOICES} == set(RelationKind.values)


class SignalForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=SignalKind.choices)
    on = forms.DateField(label="日期", widget=DATE_WIDGET)
    title = forms.CharField(label="摘要", max_length=200)
    source = forms.CharField(label="来源", max_length=200, required=False)
    amount_wan = forms.DecimalField(
        label="涉及金额（万元）", max_digits=16, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class PlacementForm(BootstrapFormMixin, forms.Form):
    node = forms.ModelChoiceField(label="产业链环节", queryset=None)
    status = forms.ChoiceField(
        label="判断",
        choices=[
            (PlacementStatus.CONFIRMED, "确认：企业在该环节"),
            (PlacementStatus.REJECTED, "否定：企业不在该环节"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhaoshang.industries.models import ChainNode

        self.fields["node"].queryset = ChainNode.objects.select_related(
            "direction", "direction__industry"
        ).order_by("direction__industry__sort_order", "direction__sort_order", "sort_order", "id")
        self.fields["node"].label_from_instance = lambda n: f"{n.direction.name} · {n.name}"


class TargetEntryForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    """All fields for the curator; the owner unit's form shows only status and next step."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    enterprise_uscc = forms.CharField(label="企业统一社会信用代码", max_length=30)
    direction = forms.ModelChoiceField(label="产业链（细分方向）", queryset=None)
    node = forms.ModelChoiceField(label="环节", queryset=None, required=False)
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=None)
    status = forms.ChoiceField(label="状态", choices=TargetStatus.choices)
    next_step = forms.CharField(label="下一步", max_length=200, required=False)
    next_step_due = forms.DateField(label="下一步时限", required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, curator: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhaoshang.accounts.models import Unit
        from zhaoshang.industries.models import ChainNode, Direction

        self.fields["direction"].queryset = Direction.objects.select_related("industry")
        self.fields["node"].queryset = ChainNode.objects.select_related("direction")
        self.fields["node"].label_from_instance = lambda n: f"{n.direction.name} · {n.name}"
        self.fields["owner_unit"].queryset = Unit.objects.all()
        self.fields["year"].initial = timezone.localdate().year
        if not curator:
            for name in ("year", "enterprise_uscc", "direction", "node", "owner_unit"):
                del self.fields[name]

    def clean_enterprise_uscc(self) -> Enterprise:
        code = (self.cleaned_data.get("enterprise_uscc") or "").strip().upper()
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError("企业库中没有该统一社会信用代码的企业，请先登记或导入")
        return enterprise


class TargetFilterForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    direction = forms.ModelChoiceField(label="产业链", queryset=None, required=False)
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=None, required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *TargetStatus.choices]
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhaoshang.accounts.models import Unit
        from zhaoshang.industries.models import Direction

        self.fields["direction"].queryset = Direction.objects.select_related("industry")
        self.fields["owner_unit"].queryset = units if units is not None else Unit.objects.all()


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="导入文件",
        help_text="Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码），第一行为列名；先校验，确认后再导入。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError("请上传 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）")
        return upload


def today() -> dt.date:
    return timezone.localdate()
