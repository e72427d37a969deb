"""The audit log is append-only: no admin screen and no database statement can rewrite it."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(users):
    return audit.record(actor=users["city"], action=AuditAction.LOGIN, obj=users["city"])


def test_database_refuses_to_update_audit_entry(entry):
    with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(note="x")
    entry.refresh_from_db()
    assert entry.note == ""


def test_database_refuses_to_save_changed_audit_entry(entry):
    entry.username = "someone-else"
    with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).username == "city"


@pytest.mark.postgresql  # SQLite keeps DELETE for flushes
def test_postgresql_refuses_to_delete_audit_entry(entry):
    with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_audit_entry_is_read_only(entry):
    superuser = get_user_model().objects.create_superuser("root", password="x-root-pass-123")
    request = RequestFactory().get("/")
    request.user = superuser
    admin = site._registry[AuditEntry]
    assert admin.has_add_permission(request) is False
    assert admin.has_change_permission(request, entry) is False
    assert admin.has_delete_permission(request, entry) is False
    assert admin.has_view_permission(request, entry) is True
    assert admin.get_actions(request) == {}
    assert set(admin.get_readonly_fields(request, entry)) >= {"at", "user", "before", "after"}


def test_admin_refuses_to_post_changes_to_audit_entry(client, entry):
    get_user_model().objects.create_superuser("root", password="x-root-pass-123")
    client.login(username="root", password="x-root-pass-123")
    url = f"/django-admin/core/auditentry/{entry.pk}/change/"
    assert client.get(url).status_code == 200  # viewable
    client.post(url, {"note": "x", "username": "x"})
    assert AuditEntry.objects.get(pk=entry.pk).note == ""
    assert client.post(f"/django-admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
