"""Role groups: what each role's group holds after migration."""

import pytest

pytestmark = pytest.mark.django_db


def test_inspector_reads_business_records_but_not_contact_phones(users):
    inspector = users["inspector"]
    assert inspector.has_perm("enterprises.view_contact")
    assert inspector.has_perm("projects.view_fundsrecord")
    assert not inspector.has_perm("enterprises.view_contact_phone")
    assert not inspector.has_perm("projects.change_project")
    assert not inspector.has_perm("core.view_auditentry")


def test_audit_administrator_reads_the_audit_log_and_no_business_record(users):
    auditor = users["auditor"]
    assert auditor.has_perm("core.view_auditentry")
    assert not auditor.has_perm("enterprises.view_contact")
    assert not auditor.has_perm("projects.view_project")
    assert not auditor.has_perm("projects.view_fundsrecord")
    assert not auditor.has_perm("core.view_periodclose")


def test_city_admin_may_see_contact_phones(users):
    assert users["city"].has_perm("enterprises.view_contact_phone")
