"""Forms of the enterprise registry pages. Validation of codes lives in enterprises.services."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoshang.core.forms import BootstrapFormMixin

from .models import Enterprise, Tag

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


class EnterpriseForm(BootstrapFormMixin, forms.Form):
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
        self.fields["uscc"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "class": "form-control font-monospace"}
        )
        self.fields["division_code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict[str, Any]:
        return {
            "name": enterprise.name,
            "uscc": enterprise.uscc or "",
            "division_code": enterprise.division_code,
            "country": enterprise.country,
            "address": enterprise.address,
            "tags": list(enterprise.tags.values_list("pk", flat=True)),
        }


class EnterpriseFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="名称或代码", required=False)
    tag = forms.ChoiceField(label="标签", required=False)
    local = forms.ChoiceField(
        label="本市企业",
        required=False,
        choices=[("", "全部"), ("1", "本市企业"), ("0", "非本市企业")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "全部标签"), *Tag.objects.values_list("code", "name")]
        self.fields["q"].widget.attrs["placeholder"] = "企业名称或统一社会信用代码"
