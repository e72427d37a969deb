"""Content-Security-Policy on every response, with a nonce per request.

Django 5.2 has none built in. The policy is data: each directive and its sources, ``{nonce}``
standing for the request's nonce. Pages load scripts and style sheets from the server only
(``'self'``); an inline ``<script>`` or ``<style>`` runs only with ``nonce="{{ csp_nonce }}"``
(the context processor below), and no page uses ``on…=`` handlers, ``javascript:`` URLs or
``eval`` (htmx's ``hx-on`` is one: htmx is told ``allowEval: false`` in base.html).

Style attributes are allowed (``style-src-attr 'unsafe-inline'``) while style elements are not:
ECharts writes its HTML tooltips with ``style="…"`` (the coloured marker, the layout) and some
templates size bars and charts from the data. A style attribute cannot run script or load
anything from outside the server (``img-src``/``font-src`` fall back to ``'self'``).

A view may carry its own policy (``@csp_override({...})``): Redoc needs style elements.

The browser reports what it refused to ``/csp-report/`` (``report-uri``): one warning line in the
server log each, so a page broken by the policy, or an injection it stopped, is seen by the
operators. Reports come from anyone's browser: they are bounded, never stored in the database.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

HEADER = "Content-Security-Policy"
REPORT_PATH = "/csp-report/"
REPORT_MAX_BYTES = 16_384
REPORTED_FIELDS = (
    "document-uri",
    "violated-directive",
    "blocked-uri",
    "source-file",
    "line-number",
)

logger = logging.getLogger("zhaoshang.csp")

POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'", "'nonce-{nonce}'"),
    "style-src": ("'self'", "'nonce-{nonce}'"),
    "style-src-attr": ("'unsafe-inline'",),
    "img-src": ("'self'", "data:"),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "frame-ancestors": ("'none'",),
    "form-action": ("'self'",),
    "report-uri": (REPORT_PATH,),
}


def policy_header(policy: dict[str, tuple[str, ...]], nonce: str) -> str:
    """The header value: directives in order, ``{nonce}`` replaced by the request's nonce."""
    return "; ".join(
        " ".join((directive, *(source.format(nonce=nonce) for source in sources)))
        for directive, sources in policy.items()
    )


def csp_override(changes: dict[str, tuple[str, ...]]) -> Callable:
    """Give one view its own directives (replacing the default's for each directive named)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
            return view(*args, **kwargs)

        wrapped.csp_policy = {**POLICY, **changes}  # type: ignore[attr-defined]
        return wrapped

    return decorate


class ContentSecurityPolicyMiddleware:
    """Draws the request's nonce, then sets the policy on the response (unless a view did).

    The nonce is read back from the request after the view: a page served from the page cache
    puts back the nonce its cached HTML was rendered with (core/pagecache.py).
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if HEADER not in response:
            policy = getattr(request, "csp_policy", POLICY)
            response[HEADER] = policy_header(policy, request.csp_nonce)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        policy = getattr(view_func, "csp_policy", None)
        if policy is not None:
            request.csp_policy = policy


def nonce(request: HttpRequest) -> dict[str, str]:
    """Context processor: ``{{ csp_nonce }}`` for an inline script or style element."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


@csrf_exempt
@require_POST
def violation_report(request: HttpRequest) -> HttpResponse:
    """A browser's report of a refusal: logged as one bounded line, answered 204 whatever it holds."""
    raw = request.read(REPORT_MAX_BYTES + 1)
    if len(raw) > REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(raw).get("csp-report", {})
    except (ValueError, AttributeError):
        report = {}
    if isinstance(report, dict) and report:
        fields = {key: str(report.get(key, ""))[:300] for key in REPORTED_FIELDS}
        logger.warning("CSP refused: %s", json.dumps(fields, ensure_ascii=False))
    return HttpResponse(status=204)
