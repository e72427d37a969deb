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
