"""One dialog helper for every app: the modal's content for htmx, a page of its own otherwise."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from zhaoshang.core.htmx import render_dialog

pytestmark = pytest.mark.django_db


class NoteForm(forms.Form):
    note = forms.CharField(label="备注")


def _render(user, *, headers: dict[str, str]):
    request = RequestFactory().get("/things/7/note/?from=list", headers=headers)
    request.user = user
    request.htmx = HtmxDetails(request)
    form = NoteForm({"note": ""})
    form.is_valid()
    return render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title="填写备注",
        back_url="/things/7/",
        breadcrumbs=[("事项", "/things/"), ("第七件", "/things/7/")],
    )


def test_without_htmx_the_dialog_is_a_page_under_its_breadcrumbs(users):
    response = _render(users["city"], headers={})

    html = response.content.decode()
    assert "<html" in html
    assert '<li class="breadcrumb-item"><a href="/things/">事项</a></li>' in html
    assert '<li class="breadcrumb-item"><a href="/things/7/">第七件</a></li>' in html
    assert '<li class="breadcrumb-item active" aria-current="page">填写备注</li>' in html
    assert '<a class="btn btn-outline-secondary" href="/things/7/">返回</a>' in html
    assert 'action="/things/7/note/?from=list"' in html
    assert "请按提示修改标红的内容后再提交。" in html
    assert response["Vary"] == "HX-Request"


def test_in_the_modal_the_dialog_is_only_its_content_with_a_close_button(users):
    response = _render(users["city"], headers={"HX-Request": "true", "HX-Target": "modal-content"})

    html = response.content.decode()
    assert "<html" not in html
    assert "breadcrumb" not in html
    assert html.lstrip().startswith('<div class="modal-header">')
    assert 'data-bs-dismiss="modal" aria-label="关闭"' in html
    assert "返回" not in html
    assert response["Vary"] == "HX-Request"
