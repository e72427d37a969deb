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


TRIPS_VIEW = ("activities.view_trip", "activities.view_event")
TRIPS_WRITE = ("activities.add_trip", "activities.change_trip", "activities.add_event",
               "activities.change_event")  # fmt: skip


@pytest.mark.parametrize(
    ("who", "reads", "writes"),
    [
        ("city", True, True),
        ("linqing", True, True),
        ("leader", True, False),
        ("linqing_leader", True, False),
        ("inspector", True, False),
        ("commissioner", False, False),
        ("dept_land", False, False),
        ("auditor", False, False),
    ],
)
def test_trips_and_events_are_read_and_written_like_visits(users, who, reads, writes):
    user = users[who]
    assert [user.has_perm(p) for p in TRIPS_VIEW] == [reads] * len(TRIPS_VIEW)
    assert [user.has_perm(p) for p in TRIPS_WRITE] == [writes] * len(TRIPS_WRITE)
    assert user.has_perm("activities.view_visit") is reads
