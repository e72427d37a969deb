"""View helpers every app shares: permission gates, service errors onto forms, htmx dialogs.

A dialog is the modal's content when htmx asks for it and a full page otherwise, so every
form also works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from .concurrency import VersionConflict
from .permissions import has_model_permission


class CountedPaginator(Paginator):
    """A paginator told the row count the page already computed (saves a second COUNT)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def require_model_permission(
    user: Any, action: str, model: type[models.Model], message: str = ""
) -> None:
    """403 unless the user's role may perform `action` on this kind of record at all."""
    if not has_model_permission(user, action, model):
        raise PermissionDenied(message or "您的角色没有此项操作权限")


def apply_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show each message of a service's ValidationError at the field it names.

    Keys the form does not know (after `aliases`) become non-field errors, so nothing is lost.
    A stale save (`VersionConflict`) also puts the version stored now in the form's hidden
    `version`, so submitting again, after reading what changed, is a deliberate overwrite.
    """
    aliases = aliases or {}
    if isinstance(error, VersionConflict):
        if hasattr(form, "refresh_version"):
            form.refresh_version(error.current)
        for message in error.messages:
            form.add_error(None, message)
        for name, _label, _yours, theirs in error.changes:  # each changed field marked too
            if name in form.fields:
                form.add_error(name, f"他人已改为“{theirs}”")
        return
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            field = aliases.get(key, key)
            target = field if field in form.fields else None
            for message in ValidationError(errors).messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def is_partial(request: HttpRequest, target: str) -> bool:
    """An htmx request that only wants the element `target` refreshed."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == target


def render_dialog(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    back_url: str,
    breadcrumbs: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """A small form: the modal's content for htmx; otherwise a page of its own, under
    `breadcrumbs` (label, url) pairs ending with the title, so the form works without JavaScript.

    `template` usually extends "core/dialogs/_shell.html" (or is "core/dialogs/form.html").
    """
    htmx = getattr(request, "htmx", None)
    in_modal = bool(htmx) and htmx.target == "modal-content"
    context = {**context, "dialog_title": title, "back_url": back_url, "in_modal": in_modal}
    if htmx and not htmx.history_restore_request:
        response = render(request, template, context)
    else:
        page = {**context, "dialog_template": template, "breadcrumbs": list(breadcrumbs)}
        response = render(request, "core/dialog_page.html", page)
    patch_vary_headers(response, ["HX-Request"])
    return response


def done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: reload the page behind the dialog, or redirect."""
    if getattr(request, "htmx", None):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def submitted(
    request: HttpRequest,
    form: forms.Form,
    write: Callable[[], str],
    *,
    back_url: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """The POST half of every form dialog: when the form is valid, `write()` calls the service
    and returns the success message, then the page behind the dialog reloads (`done`); a
    ValidationError of the service lands on the form (`apply_service_errors`). None when the
    dialog is to be shown: a GET, an invalid form or a refused write."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        message = write()
    except ValidationError as exc:
        apply_service_errors(form, exc, aliases)
        return None
    messages.success(request, message)
    return done(request, back_url)
