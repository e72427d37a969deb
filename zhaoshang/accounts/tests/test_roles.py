"""Role groups: what each role's group holds after migration."""

import pytest

pytestmark = pytest.mark.django_db


def test_auditor_reads_business_records_but_not_contact_phones(users):
    auditor = users["auditor"]
    assert auditor.has_perm("enterprises.view_contact")
    assert auditor.has_perm("projects.view_fundsrecord")
    assert not auditor.has_perm("enterprises.view_contact_phone")
    assert not auditor.has_perm("projects.change_project")


def test_city_admin_may_see_contact_phones(users):
    assert users["city"].has_perm("enterprises.view_contact_phone")
