"""The optimistic-concurrency harness: every editable model declares its edit and gets the cases.

A test class subclasses `VersionedFormCases` (its edit page) and, where the API can change
it, `VersionedApiCases` (its PATCH), and provides an `edit` fixture returning an `Edit`: the
record, who edits it, a valid change of one field, and another user's save of that same field
through the service. Each class then asserts:

- the form carries the version it was read at, and a current form is saved;
- a stale form is refused: nothing written (record and audit log unchanged), the page shows the
  conflict naming the field with both values, and its hidden version is now the current one,
  so submitting again saves on purpose;
- a form without its version (a page from before) is refused and writes nothing;
- the API's detail sends an ``ETag``; a PATCH with a stale ``If-Match`` is 412 naming the field
  and writes nothing; with the current one (or none: clients predating ETags) it is saved and
  the answer carries the new ``ETag``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.test import Client

from zhaoshang.core import audit
from zhaoshang.core.concurrency import CONFLICT, STALE_PAGE, etag, version_of
from zhaoshang.core.models import AuditEntry


@dataclass
class Edit:
    """One editable record and a conflicting pair of saves of one of its fields."""

    record: models.Model
    user: Any  # who edits (page and API)
    url: str  # the edit page
    data: dict[str, Any]  # a valid POST of the edit form (without `version`)
    label: str  # the label of the field both saves change, as the conflict names it
    theirs: Callable[[], Any]  # another user's save of that field, through the service
    mine: str = ""  # how the submitted value reads in the conflict message ("" → not checked)
    api_url: str = ""  # the record's API detail
    api_data: dict[str, Any] = field(default_factory=dict)  # a valid PATCH body

    def stored(self) -> dict[str, Any] | None:
        return audit.snapshot(type(self.record)._default_manager.get(pk=self.record.pk))


def _writes() -> int:
    return AuditEntry.objects.exclude(action__in=["login", "logout", "reveal"]).count()


def _hidden_version(html: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="([^"]*)"', html)
    assert found, "the form carries no hidden version"
    return found.group(1)


class VersionedFormCases:
    """Subclass as `Test…` and define an `edit` fixture (an `Edit`)."""

    def test_the_form_carries_the_version_it_was_read_at(self, client: Client, edit: Edit):
        client.force_login(edit.user)
        page = client.get(edit.url)
        assert page.status_code == 200
        assert _hidden_version(page.content.decode()) == version_of(edit.record)

    def test_a_current_form_is_saved(self, client: Client, edit: Edit):
        client.force_login(edit.user)
        version = _hidden_version(client.get(edit.url).content.decode())
        before = edit.stored()
        response = client.post(edit.url, {**edit.data, "version": version})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert edit.stored() != before

    def test_a_stale_form_is_refused_naming_the_field_and_writes_nothing(
        self, client: Client, edit: Edit
    ):
        client.force_login(edit.user)
        version = _hidden_version(client.get(edit.url).content.decode())
        edit.theirs()
        stored, writes = edit.stored(), _writes()

        response = client.post(edit.url, {**edit.data, "version": version})

        assert response.status_code == 200
        html = response.content.decode()
        assert CONFLICT in html
        assert f"{edit.label}：您填写" in html
        if edit.mine:
            assert f"您填写“{edit.mine}”" in html
        assert "他人已改为" in html
        assert (edit.stored(), _writes()) == (stored, writes)
        # The page now holds the version stored, so a second submit is a deliberate overwrite.
        current = _hidden_version(html)
        assert current == version_of(type(edit.record)._default_manager.get(pk=edit.record.pk))
        again = client.post(edit.url, {**edit.data, "version": current})
        assert again.status_code == 302
        assert edit.stored() != stored

    def test_a_form_without_its_version_is_refused(self, client: Client, edit: Edit):
        client.force_login(edit.user)
        stored, writes = edit.stored(), _writes()
        response = client.post(edit.url, edit.data)
        assert response.status_code == 200
        assert STALE_PAGE in response.content.decode()
        assert (edit.stored(), _writes()) == (stored, writes)


class VersionedApiCases:
    """Subclass beside `VersionedFormCases` for a model the API can PATCH (set `api_url`)."""

    def _api(self, edit: Edit) -> Client:
        client = Client()
        client.force_login(edit.user)
        return client

    def test_the_api_detail_sends_the_version_as_etag(self, edit: Edit):
        response = self._api(edit).get(edit.api_url)
        assert response.status_code == 200
        assert response["ETag"] == etag(edit.record)

    def test_a_stale_if_match_is_412_naming_the_field_and_writes_nothing(self, edit: Edit):
        api = self._api(edit)
        tag = api.get(edit.api_url)["ETag"]
        edit.theirs()
        stored, writes = edit.stored(), _writes()

        response = api.patch(
            edit.api_url, edit.api_data, content_type="application/json", headers={"If-Match": tag}
        )

        assert response.status_code == 412
        body = response.json()
        assert body["detail"] == CONFLICT
        assert edit.label in [change["label"] for change in body["changes"]]
        assert (edit.stored(), _writes()) == (stored, writes)
        assert body["etag"] == api.get(edit.api_url)["ETag"] != tag

    def test_a_current_if_match_is_saved_and_answered_with_the_new_etag(self, edit: Edit):
        api = self._api(edit)
        tag = api.get(edit.api_url)["ETag"]
        response = api.patch(
            edit.api_url, edit.api_data, content_type="application/json", headers={"If-Match": tag}
        )
        assert response.status_code == 200, response.content
        assert response["ETag"] == api.get(edit.api_url)["ETag"] != tag

    def test_a_patch_without_if_match_is_saved(self, edit: Edit):
        before = edit.stored()
        response = self._api(edit).patch(
            edit.api_url, edit.api_data, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert edit.stored() != before
