"""The download token: a link's ``download_token`` comes back as a cookie on the answer (the
page's 正在生成… ends when it appears), and no view sees the parameter."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from zhaoshang.core.exports import DownloadTokenMiddleware
from zhaoshang.core.models import AuditAction, AuditEntry


def run(path: str):
    seen = {}

    def view(request):
        seen["GET"] = request.GET.dict()
        seen["path"] = request.get_full_path()
        return HttpResponse(b"%PDF-1.7", content_type="application/pdf")

    response = DownloadTokenMiddleware(view)(RequestFactory().get(path))
    return response, seen


def test_the_token_comes_back_as_a_cookie_and_the_view_never_sees_it():
    response, seen = run("/goals/rankings/2024Q1/notice.pdf?scheme=test&download_token=m1x2-y_3")
    cookie = response.cookies["download_token"]
    assert cookie.value == "m1x2-y_3"
    assert (cookie["max-age"], cookie["path"], cookie["samesite"]) == (60, "/", "Lax")
    assert not cookie["httponly"]
    assert seen == {
        "GET": {"scheme": "test"},
        "path": "/goals/rankings/2024Q1/notice.pdf?scheme=test",
    }


def test_without_a_token_no_cookie_is_set():
    response, seen = run("/projects/export/?stage=signed")
    assert "download_token" not in response.cookies
    assert seen["path"] == "/projects/export/?stage=signed"


@pytest.mark.parametrize("token", ["", "a" * 41, "<script>", "a;b=c", "令牌"])
def test_a_malformed_token_is_dropped_and_not_echoed(token):
    response, seen = run(f"/projects/export/?download_token={token}&stage=signed")
    assert "download_token" not in response.cookies
    assert seen == {"GET": {"stage": "signed"}, "path": "/projects/export/?stage=signed"}


@pytest.mark.django_db
def test_a_real_excel_export_sets_the_cookie(client, users):
    client.force_login(users["city"])
    response = client.get("/projects/export.xlsx", {"download_token": "t0k3n"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.cookies["download_token"].value == "t0k3n"
    # the export's audit entry records the query as the user's filters, without the token
    export = AuditEntry.objects.filter(action=AuditAction.EXPORT).get()
    assert "t0k3n" not in f"{export.before}{export.after}{export.note}"
