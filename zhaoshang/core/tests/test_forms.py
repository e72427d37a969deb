"""The one Bootstrap form mixin: every widget its class, once; fields in error marked invalid."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from zhaoshang.core.forms import BootstrapFormMixin


class OwnRows(forms.TextInput):
    bootstrap_class = ""


class SampleForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="名称", widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")])
    agreed = forms.BooleanField(label="同意", required=False)
    colours = forms.MultipleChoiceField(
        label="颜色", choices=[("r", "红")], required=False, widget=forms.CheckboxSelectMultiple
    )
    rows = forms.CharField(label="明细", required=False, widget=OwnRows)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"] = forms.CharField(label="说明", required=False)  # added after init

    def clean(self):
        if self.cleaned_data.get("kind") == "b":
            raise ValidationError({"agreed": "选乙须同意"})
        return self.cleaned_data


def _classes(form, name):
    return form[name].field.widget.attrs.get("class", "")


def test_an_unbound_form_has_each_bootstrap_class_once_even_on_fields_added_after_init():
    form = SampleForm()
    assert _classes(form, "name") == "form-control"
    assert _classes(form, "kind") == "form-select"
    assert _classes(form, "agreed") == "form-check-input"
    assert _classes(form, "colours") == ""
    assert _classes(form, "rows") == ""
    assert _classes(form, "note") == "form-control"
    assert 'class="form-control"' in str(form["note"])


def test_fields_failing_their_own_or_the_forms_validation_are_marked_invalid():
    form = SampleForm({"name": "", "kind": "b"})
    assert not form.is_valid()
    assert _classes(form, "name") == "form-control is-invalid"
    assert _classes(form, "agreed") == "form-check-input is-invalid"
    assert form["agreed"].field.widget.attrs["aria-invalid"] == "true"
    assert _classes(form, "kind") == "form-select"
    assert "aria-invalid" not in form["kind"].field.widget.attrs


def test_a_service_error_put_on_a_field_marks_it_invalid_once():
    form = SampleForm({"name": "甲", "kind": "a"})
    assert form.is_valid()
    form.add_error("kind", "该类型已停用")
    form.add_error(None, ValidationError({"kind": ["该类型已停用"]}))
    assert _classes(form, "kind") == "form-select is-invalid"
    assert form.errors == {"kind": ["该类型已停用", "该类型已停用"]}
