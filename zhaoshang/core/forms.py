"""Form helpers shared by the page forms: Bootstrap classes, invalid fields marked."""

from __future__ import annotations

from typing import Any

from django import forms

from .concurrency import STALE_PAGE


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


class VersionedFormMixin:
    """The version of the record being edited, carried in a hidden field `version`.

    The view passes ``version=version_of(record)`` every time it builds an edit form (a form
    that creates a record passes none and has no such field): a GET shows it, a POST submits the
    one the page was read at, and the service checks that one under its lock
    (`core.concurrency.check_version`). A POST without it (a page older than this field) is
    refused with `STALE_PAGE`. After a refusal the field takes the current version, so the user,
    having seen what changed, may submit again on purpose.
    """

    def __init__(self, *args: Any, version: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_version = version
        if version:
            self.fields["version"] = forms.CharField(  # type: ignore[attr-defined]
                widget=forms.HiddenInput, required=False, initial=version
            )

    def clean_version(self) -> str:
        value = self.cleaned_data.get("version", "")  # type: ignore[attr-defined]
        if not value:
            self.add_error(None, STALE_PAGE)  # type: ignore[attr-defined]
            self.refresh_version(self.current_version)
        return value

    def refresh_version(self, current: str) -> None:
        """Put the version stored now in the hidden field (after a refusal)."""
        if self.is_bound:  # type: ignore[attr-defined]
            data = self.data.copy()  # type: ignore[attr-defined]
            data[self.add_prefix("version")] = current  # type: ignore[attr-defined]
            self.data = data
