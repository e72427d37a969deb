"""Forms of the targeting pages: ad-hoc weights, scoring profiles, the unit's decision."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoshang.core.forms import VersionedFormMixin
from zhaoshang.projects.models import Campaign

from .models import ScoringProfile
from .scoring.factors import FACTORS, MAX_WEIGHT


def _weight_field(label: str, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=MAX_WEIGHT,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "1"}),
    )


class WeightsForm(forms.Form):
    """Weights for one ranking (GET parameters w_<factor>), starting from a profile's."""

    def __init__(self, *args: Any, initial_weights: dict[str, float], months: int, **kwargs):
        super().__init__(*args, **kwargs)
        for f in FACTORS:
            field = _weight_field(f.label, f.help)
            field.initial = initial_weights.get(f.code, f.default_weight)
            self.fields[f"w_{f.code}"] = field
        self.fields["months"] = forms.IntegerField(
            label="近期接触（月）",
            min_value=1,
            max_value=60,
            required=False,
            initial=months,
            widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
        )

    def weights(self) -> dict[str, float] | None:
        """The weights typed (None when the form was not submitted or left as it was)."""
        if not self.is_bound or not self.is_valid():
            return None
        typed = {
            f.code: self.cleaned_data[f"w_{f.code}"]
            for f in FACTORS
            if self.cleaned_data.get(f"w_{f.code}") is not None
        }
        return typed or None


class ProfileForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ScoringProfile
        fields = ["name", "campaign", "recent_contact_months", "is_default", "note"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "campaign": forms.Select(attrs={"class": "form-select"}),
            "recent_contact_months": forms.NumberInput(attrs={"class": "form-control"}),
            "is_default": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "note": forms.TextInput(attrs={"class": "form-control"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.all()
        self.fields["campaign"].required = False
        weights = (self.instance.weights if self.instance.pk else None) or {}
        for f in FACTORS:
            field = _weight_field(f.label, f.help)
            field.required = True
            field.initial = weights.get(f.code, f.default_weight)
            self.fields[f"w_{f.code}"] = field

    def weights(self) -> dict[str, float]:
        return {f.code: self.cleaned_data[f"w_{f.code}"] for f in FACTORS}


class AcceptForm(forms.Form):
    note = forms.CharField(
        label="说明",
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "接收说明（可选）"}
        ),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=300,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "退回原因（必填）"}
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因",
        max_length=300,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "撤回原因（必填）"}
        ),
    )


class PushForm(forms.Form):
    """The city's push of one recommended enterprise: the receiving unit is chosen explicitly
    (nothing preselected), with a note and a deadline (working days from today, or a date)."""

    DEADLINE_KINDS = [("workdays", "工作日数"), ("date", "指定日期")]
    # The server answers a missing unit in Chinese at the field, whatever the browser's language.
    use_required_attribute = False

    enterprise = forms.IntegerField(widget=forms.HiddenInput)
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ranking = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(
        label="接收单位",
        queryset=None,
        to_field_name="code",
        empty_label="请选择接收单位",
        error_messages={
            "required": "请选择接收单位",
            "invalid_choice": "请从列表中选择接收单位",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label="推送说明",
        max_length=500,
        required=False,
        help_text="给接收单位的说明，如对接建议、联系人线索（可选）",
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    deadline_kind = forms.ChoiceField(
        label="接收期限",
        choices=DEADLINE_KINDS,
        initial="workdays",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    deadline_workdays = forms.IntegerField(
        label="工作日数",
        min_value=1,
        max_value=60,
        required=False,
        initial=10,
        help_text="自今天起的工作日数（按法定节假日和调休计算）",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    deadline = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("deadline_kind")
        if kind == "date":
            if not data.get("deadline"):
                self.add_error("deadline", "请填写截止日期")
            data["deadline_workdays"] = None
        elif kind == "workdays":
            if data.get("deadline_workdays") is None and "deadline_workdays" not in self.errors:
                self.add_error("deadline_workdays", "请填写工作日数")
            data["deadline"] = None
        return data
