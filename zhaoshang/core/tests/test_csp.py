"""The Content-Security-Policy (core/csp.py): every response carries it, with a fresh nonce per
request that the page's own inline elements carry; scripts only from the server or with that
nonce, never eval; the API docs page keeps working under it; a cached page keeps its nonce."""

import json
import re

import pytest
from django.core.cache import cache

from zhaoshang.core.csp import HEADER

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{16,})'")


def directives(response) -> dict[str, list[str]]:
    return {
        name: sources for name, *sources in (part.split() for part in response[HEADER].split(";"))
    }


def test_a_page_forbids_inline_script_eval_plugins_framing_and_outside_hosts(client, users):
    client.force_login(users["city"])
    got = directives(client.get("/"))
    nonce = NONCE.search(" ".join(got["script-src"])).group(1)
    assert got == {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "report-uri": ["/csp-report/"],
    }


def test_each_request_draws_its_own_nonce(client):
    first = NONCE.search(client.get("/accounts/login/")[HEADER]).group(1)
    second = NONCE.search(client.get("/accounts/login/")[HEADER]).group(1)
    assert first != second


def test_errors_json_and_anonymous_answers_carry_the_policy_too(client, users):
    assert HEADER in client.get("/no-such-page/")
    assert HEADER in client.get("/projects/")  # anonymous: redirected to the login page
    client.force_login(users["city"])
    assert HEADER in client.get("/api/projects/")


def test_the_api_docs_run_their_inline_start_up_code_with_the_nonce(client, users):
    client.force_login(users["city"])
    for path in ("/api/docs/", "/api/redoc/"):
        response = client.get(path)
        assert response.status_code == 200
        nonce = NONCE.search(response[HEADER]).group(1)
        html = response.content.decode()
        inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline, path
        assert all(f'nonce="{nonce}"' in attrs for _, attrs in inline), (path, inline)


def test_redoc_alone_may_add_style_elements_and_still_runs_no_outside_or_inline_script(
    client, users
):
    client.force_login(users["city"])
    redoc = directives(client.get("/api/redoc/"))
    assert redoc["style-src"] == ["'self'", "'unsafe-inline'"]
    assert redoc["script-src"][0] == "'self'" and len(redoc["script-src"]) == 2
    assert "'nonce-" in redoc["script-src"][1]
    assert directives(client.get("/api/docs/"))["style-src"][1].startswith("'nonce-")


def test_a_page_served_from_the_page_cache_names_the_nonce_it_was_rendered_with(
    client, users, settings
):
    settings.PAGE_CACHE = True
    cache.clear()
    client.force_login(users["linqing"])
    first = client.get("/")
    again = client.get("/")
    assert again["X-Page-Cache"] == "hit"
    nonce = NONCE.search(first[HEADER]).group(1)
    assert NONCE.search(again[HEADER]).group(1) == nonce
    cache.clear()


def test_templates_get_the_request_nonce(rf):
    from django.template import engines

    request = rf.get("/")
    request.csp_nonce = "abcdefghijklmnop"
    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}"></script>')
    assert template.render({}, request) == '<script nonce="abcdefghijklmnop"></script>'


def test_a_browser_report_is_logged_as_one_bounded_line_and_stored_nowhere(client, caplog):
    from django.urls import reverse

    from zhaoshang.core.models import AuditEntry

    assert reverse("core:csp-report") == "/csp-report/"
    before = AuditEntry.objects.count()
    report = {
        "csp-report": {
            "document-uri": "http://testserver/projects/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
            "original-policy": "x" * 5000,
        }
    }
    with caplog.at_level("WARNING", logger="zhaoshang.csp"):
        response = client.post(
            "/csp-report/", data=json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    (line,) = [r.getMessage() for r in caplog.records if r.name == "zhaoshang.csp"]
    assert line.startswith("CSP refused: ")
    assert '"violated-directive": "script-src-elem"' in line and "xxxx" not in line
    assert AuditEntry.objects.count() == before


def test_a_report_that_is_not_one_is_answered_and_ignored_and_a_huge_one_refused(client, caplog):
    with caplog.at_level("WARNING", logger="zhaoshang.csp"):
        assert (
            client.post("/csp-report/", data="not json", content_type="text/plain").status_code
            == 204
        )
        assert (
            client.post("/csp-report/", data="[1]", content_type="application/json").status_code
            == 204
        )
        huge = json.dumps({"csp-report": {"blocked-uri": "y" * 20_000}})
        assert (
            client.post("/csp-report/", data=huge, content_type="application/json").status_code
            == 413
        )
    assert [r for r in caplog.records if r.name == "zhaoshang.csp"] == []
    assert client.get("/csp-report/").status_code == 405
