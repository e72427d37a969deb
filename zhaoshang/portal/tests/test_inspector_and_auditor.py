"""三员分立: the audit administrator reads the audit log and no business record; the inspector
(审计/统计, a business role) reads every business record and writes none."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse

from zhaoshang.accounts.models import RoleDefaultGrant
from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.selectors import role_default_labels, role_permission_labels
from zhaoshang.accounts.services import role_groups_sync
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db

BUSINESS_PAGES = ("projects:list", "projects:funds-list", "enterprises:list", "goals:cockpit")
BUSINESS_API = ("/api/projects/", "/api/funds/", "/api/enterprises/")


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_the_audit_administrator_reads_the_audit_log_but_no_business_page_or_api(
    client, users, make_project
):
    project = make_project()
    client.force_login(users["auditor"])
    pages = [*BUSINESS_PAGES, ("projects:detail", project.pk)]
    got = {
        str(page): client.get(
            reverse(page[0], args=[page[1]]) if isinstance(page, tuple) else reverse(page)
        ).status_code
        for page in pages
    }
    assert got == {str(page): 403 for page in pages}
    api = client_for(users["auditor"])
    assert {url: api.get(url).status_code for url in BUSINESS_API} == dict.fromkeys(
        BUSINESS_API, 403
    )
    assert api.get(f"/api/projects/{project.pk}/").status_code == 403
    assert client.get(reverse("core:audit-log")).status_code == 200
    assert client.get(reverse("core:audit-admin")).status_code == 200


def test_the_audit_log_links_a_record_only_for_a_reader_of_such_records(
    client, users, make_project
):
    project = make_project()
    link = f'href="{reverse("projects:detail", args=[project.pk])}"'
    client.force_login(users["auditor"])
    html = client.get(reverse("core:audit-log")).content.decode()
    assert project.name in html and link not in html
    client.force_login(users["city"])
    assert link in client.get(reverse("core:audit-log")).content.decode()


def test_the_inspector_reads_every_business_page_and_api_but_writes_nothing(
    client, users, make_project
):
    project = make_project()
    client.force_login(users["inspector"])
    for name in BUSINESS_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert client.get(reverse("core:audit-log")).status_code == 403
    api = client_for(users["inspector"])
    for url in BUSINESS_API:
        assert api.get(url).status_code == 200, url
    before = AuditEntry.objects.exclude(action__in=["login", "logout"]).count()
    edit = reverse("projects:edit", args=[project.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "检查改名"}).status_code == 403
    assert client.post(reverse("projects:create"), {"name": "检查新建"}).status_code == 403
    assert (
        api.patch(f"/api/projects/{project.pk}/", {"name": "x"}, format="json").status_code == 403
    )
    assert api.post("/api/enterprises/", {"name": "x"}, format="json").status_code == 403
    assert AuditEntry.objects.exclude(action__in=["login", "logout"]).count() == before
    assert Project.objects.get().name == project.name


def test_an_old_database_gets_the_inspector_group_and_the_auditor_loses_business_data_audited(
    users,
):
    """Before the split the audit administrator read every business record: the migration gives
    the inspector its group, and the same `migrate` (role_groups_sync) cuts the auditor back to
    the audit log with an audit entry naming what it lost."""
    migration = importlib.import_module("zhaoshang.accounts.migrations.0007_inspector")
    Group.objects.get(name="inspector").delete()
    RoleDefaultGrant.objects.filter(role="inspector").delete()
    old = ["projects.view_project", "projects.view_fundsrecord", "core.view_periodclose"]
    Group.objects.get(name="auditor").permissions.add(*map(perm, old))
    since = AuditEntry.objects.count()
    editor = type("Editor", (), {"connection": connection})()
    migration.forwards(apps, editor)
    assert role_permission_labels(role=Role.INSPECTOR) == role_default_labels(role=Role.INSPECTOR)
    assert "projects.view_fundsrecord" in role_permission_labels(role=Role.INSPECTOR)
    assert "enterprises.view_contact_phone" not in role_permission_labels(role=Role.INSPECTOR)
    role_groups_sync()
    assert role_permission_labels(role=Role.AUDITOR) == role_default_labels(role=Role.AUDITOR)
    assert role_permission_labels(role=Role.INSPECTOR) == role_default_labels(role=Role.INSPECTOR)
    (entry,) = AuditEntry.objects.filter(pk__gt=0).order_by("id")[since:]
    assert entry.object_repr == "角色：审计管理员"
    assert entry.note == "按三员分立规则校正管理员角色的权限"
    assert set(entry.before["permissions"]) - set(entry.after["permissions"]) == set(old)
