"""Form helpers shared by the page forms: Bootstrap classes, invalid fields marked."""

from __future__ import annotations

from typing import Any

from django import forms


class BootstrapFormMixin:
    """Gives every widget its Bootstrap class and marks fields with errors as invalid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        names = [field] if field else []
        if isinstance(error, dict):
            names = list(error)
        elif hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            bound = self.fields.get(name)  # type: ignore[attr-defined]
            if bound is not None and "is-invalid" not in bound.widget.attrs.get("class", ""):
                bound.widget.attrs["class"] = f"{bound.widget.attrs.get('class', '')} is-invalid"
