"""The demo's service log: first contact a few working days after assignment, then regular
visits, all through the service (audited), dated within the demo's history."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.demo.reference import REFERENCE_DATE
from zhaoshang.projects.models import Project
from zhaoshang.service.models import ServiceLog
from zhaoshang.service.selectors.timings import first_contact_timings
from zhaoshang.service.selectors.workqueue import work_queue

from .test_load_demo import load


@pytest.fixture
def demo(db) -> str:
    return load()


def test_every_served_project_has_a_first_contact_within_ten_working_days(demo):
    served = Project.objects.filter(commissioner__isnull=False)
    assert served.exists()
    timings = first_contact_timings(projects=served, today=REFERENCE_DATE)
    done = [t for t in timings if t.days is not None]
    assert done and all(1 <= t.days <= 9 for t in done)
    # Projects dropped or producing before their first visit are the only ones never served.
    never = {t.object_id for t in timings if t.days is None}
    assert not ServiceLog.objects.filter(project_id__in=never).exists()


def test_service_log_entries_are_regular_audited_and_dated_in_the_history(demo):
    logs = ServiceLog.objects.all()
    assert logs.count() > Project.objects.filter(commissioner__isnull=False).count()
    assert max(logs.values_list("on", flat=True)) <= REFERENCE_DATE
    kinds = set(logs.values_list("kind__code", flat=True))
    assert kinds == {"visit", "call", "coordinate", "assist"}
    creates = AuditEntry.objects.filter(
        action=AuditAction.CREATE, content_type=ContentType.objects.get_for_model(ServiceLog)
    )
    assert creates.count() == logs.count()
    # Entered on the day: the audit entry is dated as the visit.
    sample = logs.order_by("id").first()
    entry = creates.get(object_id=str(sample.pk))
    assert entry.at.astimezone().date() == sample.on or entry.at.date() == sample.on
    assert all(p == "100" for p in {ph[:3] for ph in logs.exclude(contact_phone="")
                                     .values_list("contact_phone", flat=True)})  # fmt: skip


def test_the_commissioner_logs_in_to_a_full_day(demo, client):
    from zhaoshang.accounts.models import User

    commissioner = User.objects.get(username="commissioner")
    queue = work_queue(user=commissioner)
    assert queue.projects and (queue.milestones_overdue or queue.milestones_coming)
    client.force_login(commissioner)
    html = client.get("/").content.decode()
    assert "我服务的项目" in html
