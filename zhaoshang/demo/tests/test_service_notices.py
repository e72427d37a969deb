"""The demo's notifications: a year of weekly reminders, the reference date's left unread."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhaoshang.demo.reference import REFERENCE_DATE
from zhaoshang.notices import reminders
from zhaoshang.notices.models import Notification


def load(**options) -> None:
    call_command("load_demo", stdout=io.StringIO(), enterprises=30, projects_count=40, **options)


def _all() -> list[tuple]:
    return list(
        Notification.objects.order_by("created_at", "recipient__username", "key").values_list(
            "recipient__username", "kind", "title", "key", "created_at", "read_at"
        )
    )


@pytest.fixture
def demo(db) -> list[tuple]:
    load()
    return _all()


def test_the_demo_has_reminders_over_the_year_read_except_the_last_weeks(demo):
    assert len(demo) > 10
    created = [timezone.localdate(row[4]) for row in demo]
    assert min(created) >= dt.date(2024, 1, 1) and max(created) == REFERENCE_DATE
    for _user, _kind, _title, _key, at, read_at in demo:
        if timezone.localdate(at) < REFERENCE_DATE - dt.timedelta(days=14):
            assert read_at is not None and read_at >= at
    unread = Notification.objects.filter(read_at__isnull=True)
    # (In the full demo `commissioner` and `leader` have unread ones too; 40 projects are few.)
    assert unread.filter(recipient__username__in=["city", "city_verifier"]).exists()
    # Administrators get none; every notice is a registered kind with a key.
    assert not Notification.objects.filter(
        recipient__username__in=["sysadmin", "secadmin", "auditor"]
    ).exists()
    assert not Notification.objects.filter(key="").exists()


def test_running_the_reminders_again_on_the_reference_date_sends_nothing(demo):
    assert reminders.run(today=REFERENCE_DATE).total == 0


def test_a_reset_reloads_the_same_notices(demo):
    load(reset=True)
    # The same notices, read at the same moments (record ids, hence keys, differ).
    assert sorted(row[:3] + row[4:] for row in _all()) == sorted(row[:3] + row[4:] for row in demo)
