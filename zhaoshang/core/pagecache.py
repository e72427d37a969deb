"""A per-user cache of the main pages, valid until anything is written.

Every write in the application goes through a service that records an audit entry in the same
transaction (DESIGN.md, principle 4), so the newest audit entry's id is a version of all the
data: a page rendered for a session at version N is still right while the newest entry is N, on
the same day (pages show figures "to today"). The key holds the session (so the user, their
permissions and their CSRF token), the full path, the htmx request headers, the version and the
date; an entry lives five minutes at most. Pages with a message to show are never served from
or stored in the cache, nor is anything but a plain 200.

Switched by ``settings.PAGE_CACHE`` (env ``PAGE_CACHE``; off under tests), for the views named
in ``settings.PAGE_CACHE_VIEWS``. It saves rendering a page again for a user who reloads it; it
does not make a first rendering any faster (`bench/throughput.py` measures with and without).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import AuditEntry

TIMEOUT_SECONDS = 300


def data_version() -> int:
    """The id of the newest audit entry (0 before any)."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _key(request: HttpRequest) -> str | None:
    session_key = request.session.session_key
    if not session_key:
        return None
    parts = [
        session_key,
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        str(data_version()),
        timezone.localdate().isoformat(),
        # What a page shows that no audit entry versions (the notification badge's count):
        # callables named in settings.PAGE_CACHE_KEY_PARTS, each `(request) -> str`.
        *(import_string(path)(request) for path in getattr(settings, "PAGE_CACHE_KEY_PARTS", ())),
    ]
    return "page2:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _has_messages(request: HttpRequest) -> bool:
    return bool(request.COOKIES.get("messages") or request.session.get("_messages"))


class PageCacheMiddleware:
    """Serves the views of PAGE_CACHE_VIEWS from the cache while the data has not changed."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(settings, "PAGE_CACHE", False) or request.method != "GET":
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.PAGE_CACHE_VIEWS:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _has_messages(request):
            return None
        key = _key(request)
        if key is None:
            return None
        cached = cache.get(key)
        if cached is not None:
            content, content_type, nonce = cached
            # The cached HTML carries the nonce it was rendered with; the policy must name it.
            request.csp_nonce = nonce
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not _has_messages(request)
        ):
            entry = (response.content, response["Content-Type"], getattr(request, "csp_nonce", ""))
            cache.set(key, entry, TIMEOUT_SECONDS)
        return response
