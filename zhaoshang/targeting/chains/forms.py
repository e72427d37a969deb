"""Forms of the chain pages. They only parse and type the input; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.industries.models import ChainNode, Direction, Stream

from ..models import GapThresholds
from .services import THRESHOLD_FIELDS

TERMS_HELP = "可用逗号、顿号、空格或换行分隔"


class ChainNodeForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="环节名称", max_length=60)
    stream = forms.ChoiceField(label="上中下游", choices=Stream.choices)
    keywords = forms.CharField(
        label="关键词",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"经营范围、企业名称中常见的词，用于企业自动归类；{TERMS_HELP}",
    )
    industry_codes = forms.CharField(
        label="国民经济行业代码",
        required=False,
        help_text=f"GB/T 4754-2017 的 2–4 位代码，如 3252、C3216；{TERMS_HELP}",
    )
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sort_order = forms.IntegerField(
        label="排序", min_value=0, max_value=32767, initial=0, help_text="同一列中由小到大排列"
    )

    @classmethod
    def initial_for(cls, node: ChainNode) -> dict[str, Any]:
        return {
            "name": node.name,
            "stream": node.stream,
            "keywords": "、".join(node.keywords or []),
            "industry_codes": "、".join(node.industry_codes or []),
            "description": node.description,
            "sort_order": node.sort_order,
        }


class ChainEdgeForm(BootstrapFormMixin, forms.Form):
    source = forms.ModelChoiceField(label="供给方环节", queryset=ChainNode.objects.none())
    target = forms.ModelChoiceField(label="需求方环节", queryset=ChainNode.objects.none())
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, direction: Direction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes = ChainNode.objects.filter(direction=direction).order_by("stream", "sort_order", "pk")
        for name in ("source", "target"):
            field = self.fields[name]
            field.queryset = nodes
            field.label_from_instance = lambda n: f"{n.name}（{n.get_stream_display()}）"


class GapThresholdsForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GapThresholds
        fields = list(THRESHOLD_FIELDS)
