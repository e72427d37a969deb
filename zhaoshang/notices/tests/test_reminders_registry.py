import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.notices import reminders
from zhaoshang.notices.models import Notification
from zhaoshang.notices.services import notify

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 10, 8)


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' producers are put back afterwards)."""
    monkeypatch.setattr(reminders, "_PRODUCERS", {})
    monkeypatch.setattr(reminders, "_SOURCES", [])
    return reminders


def test_a_producer_runs_with_the_day_and_its_keys_make_a_rerun_send_nothing(registry, users):
    seen = []

    def produce(*, today):
        seen.append(today)
        return notify(
            recipients=[users["commissioner"]], kind="test_kind", title="到期", key=f"t:{today}"
        )

    registry.register("test.due", "测试到期", produce)
    first = registry.run(today=DAY)
    second = registry.run(today=DAY)
    assert (first.created, second.created) == ({"test.due": 1}, {"test.due": 0})
    assert seen == [DAY, DAY]
    assert Notification.objects.count() == 1


def test_a_failing_producer_is_reported_and_the_others_still_run(registry, users):
    def broken(*, today):
        notify(recipients=[users["leader"]], kind="test_kind", title="半途")
        raise RuntimeError("boom")

    registry.register("a.broken", "坏的", broken)
    registry.register("b.fine", "好的", lambda *, today: 3)
    report = registry.run(today=DAY)
    assert report.created == {"b.fine": 3}
    assert report.failed == {"a.broken": "RuntimeError: boom"}
    # The broken producer's own writes are rolled back with it.
    assert not Notification.objects.exists()


def test_thresholds_default_to_the_declared_value_and_settings_override_them(registry, settings):
    registry.register("test.stale", "测试", lambda *, today: 0, thresholds={"days": 30})
    assert registry.threshold("test.stale", "days") == 30
    settings.REMINDER_THRESHOLDS = {"test.stale.days": 45}
    assert registry.threshold("test.stale", "days") == 45
    with pytest.raises(LookupError):
        registry.threshold("test.stale", "weeks")


def test_a_threshold_source_is_asked_before_the_settings(registry, settings):
    registry.register("test.stale", "测试", lambda *, today: 0, thresholds={"days": 30})
    settings.REMINDER_THRESHOLDS = {"test.stale.days": 45}
    registry.threshold_source(lambda code, name: 60 if code == "test.stale" else None)
    assert registry.threshold("test.stale", "days") == 60


def test_registering_another_producer_under_a_taken_code_fails(registry):
    registry.register("test.x", "测试", lambda *, today: 0)
    with pytest.raises(ValueError):
        registry.register("test.x", "测试", lambda *, today: 1)


def test_the_command_runs_the_producers_of_a_given_day(registry, users, capsys):
    days = []
    registry.register("test.cmd", "测试命令", lambda *, today: days.append(today) or 2)
    call_command("run_reminders", "--date", "2024-10-08")
    assert days == [DAY]
    assert "test.cmd: 2 条" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_producer_and_a_bad_date(registry):
    with pytest.raises(CommandError):
        call_command("run_reminders", "--only", "no.such")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_reminders", "--date", "10/08/2024")
