"""Form helpers shared by the page forms: Bootstrap classes, invalid fields marked."""

from __future__ import annotations

from typing import Any

from django import forms


def _bootstrap_class(widget: forms.Widget) -> str:
    """The class Bootstrap wants on this widget; "" for widgets that lay out their own parts
    (checkbox and radio lists, or any widget declaring `bootstrap_class = ""`)."""
    if hasattr(widget, "bootstrap_class"):
        return widget.bootstrap_class
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def _add_class(widget: forms.Widget, css: str) -> None:
    classes = widget.attrs.get("class", "").split()
    if css and css not in classes:
        widget.attrs["class"] = " ".join([*classes, css])


class BootstrapFormMixin:
    """Every widget gets its Bootstrap class when the form is made and again when its field is
    taken for rendering (so a widget a form swaps in after `__init__` is styled too; each class
    once), and a field in error — from its own validation, the form's `clean` or a service
    error put on it — is marked `is-invalid` and `aria-invalid="true"`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            _add_class(field.widget, _bootstrap_class(field.widget))

    def __getitem__(self, name: str) -> forms.BoundField:
        bound = super().__getitem__(name)  # type: ignore[misc]
        _add_class(bound.field.widget, _bootstrap_class(bound.field.widget))
        return bound

    def add_error(self, field: str | None, error: Any) -> None:
        names = [field] if field else []
        if isinstance(error, dict):
            names = list(error)
        elif hasattr(error, "error_dict"):
            names = list(error.error_dict)
        super().add_error(field, error)  # type: ignore[misc]
        for name in names:
            bound = self.fields.get(name)  # type: ignore[attr-defined]
            if bound is not None:
                _add_class(bound.widget, "is-invalid")
                bound.widget.attrs["aria-invalid"] = "true"
