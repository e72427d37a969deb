"""Every URL of the permission matrix, for every role, answers with the Content-Security-Policy,
and no HTML page holds what that policy refuses: an inline script or style element without the
request's nonce, an ``on…=`` handler, htmx's ``hx-on`` (eval) or a ``javascript:`` URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from zhaoshang.core.csp import HEADER
from zhaoshang.portal.tests.test_url_matrix import MATRIX, ROLES, objects, path_of  # noqa: F401

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")
INLINE = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+|hx-on[:-][\w:-]*)\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def refused(html: str, nonce: str) -> list[str]:
    """What the policy would refuse on this page."""
    found = []
    for tag, attrs in INLINE.findall(html):
        external = tag.lower() == "script" and re.search(r"\bsrc\s*=", attrs)
        data_block = re.search(r"""type\s*=\s*["']?application/(ld\+)?json""", attrs)
        if not (external or data_block or f'nonce="{nonce}"' in attrs):
            found.append(f"<{tag}{attrs}>")
    found += [f"handler {m.group(1)}" for m in HANDLER.finditer(html)]
    found += [f"javascript: URL {m.group(0)}" for m in JS_URL.finditer(html)]
    return found


def test_every_page_of_the_matrix_carries_the_policy_and_nothing_it_refuses(users, objects):  # noqa: F811
    client = Client()
    missing, offending, html_pages = [], [], 0
    for name in sorted(MATRIX):
        path = path_of(name, objects)
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            response = client.get(path)
            if HEADER not in response:
                missing.append((name, role, response.status_code))
                continue
            if response.streaming or "text/html" not in response.get("Content-Type", ""):
                continue
            html_pages += 1
            nonce = NONCE.search(response[HEADER]).group(1)
            bad = refused(response.content.decode(), nonce)
            if bad:
                offending.append((name, role, bad))
    assert missing == []
    assert offending == []
    assert html_pages > 200


def test_the_page_check_finds_what_the_policy_refuses():
    nonce = "n0nce"
    page = (
        '<script src="/static/a.js"></script><script type="application/json">{}</script>'
        f'<script nonce="{nonce}">ok()</script><style nonce="{nonce}"></style>'
    )
    assert refused(page, nonce) == []
    assert refused("<script>alert(1)</script>", nonce) == ["<script>"]
    assert refused("<style>p{}</style>", nonce) == ["<style>"]
    assert refused('<button onclick="go()">', nonce) == ["handler onclick"]
    assert refused('<input hx-on:keydown="x()">', nonce) == ["handler hx-on:keydown"]
    assert refused('<a href="javascript:go()">', nonce) == ['javascript: URL href="javascript:']
