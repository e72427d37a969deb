"""Fixtures every app's tests share: the organisation, one user per role, files, clients."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.accounts.reference import org_load
from zhaoshang.accounts.roles import Role
from zhaoshang.core.tests.support import PASSWORD, pdf_file  # noqa: F401 (tests above import it from here)

# CI sets this: a test that would skip because a part is missing (chromium, a parameter set,
# …) fails instead. Only PostgreSQL-only tests may skip, on SQLite: CI's PostgreSQL run has them.
REQUIRE_ALL = os.environ.get("ZHAOSHANG_REQUIRE_ALL") == "1"


def pytest_configure(config):
    """WhiteNoise warns on every request handler when STATIC_ROOT does not exist yet."""
    from django.conf import settings

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def _on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    if _on_postgresql():
        return
    skip = pytest.mark.skip(reason="PostgreSQL only: runs in CI's PostgreSQL run")
    for item in items:
        if item.get_closest_marker("postgresql"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With ZHAOSHANG_REQUIRE_ALL=1 a skip is a failure, except a PostgreSQL-only test on SQLite."""
    report = yield
    if not (REQUIRE_ALL and report.skipped) or hasattr(report, "wasxfail"):
        return report
    if item.get_closest_marker("postgresql") and not _on_postgresql():
        return report
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped, but ZHAOSHANG_REQUIRE_ALL=1 requires every test to run: {reason}"
    return report


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture
def org(db) -> dict[str, Unit]:
    """All units by short code: city, linqing, dongchangfu, chiping …"""
    org_load()
    units = {u.code: u for u in Unit.objects.all()}
    return {
        "city": units["371500"],
        "linqing": units["371581"],
        "dongchangfu": units["371502"],
        "chiping": units["371503"],
        "zone": units["LCZ01"],
    }


def _make(username: str, role: str, unit: Unit | None = None, dept: Department | None = None):
    user = User(username=username, role=role, unit=unit, department=dept, display_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def users(org) -> dict[str, User]:
    """One user per role, named like the demo logins."""
    land = Department.objects.get(code="zrzy")
    return {
        "city": _make("city", Role.CITY_ADMIN, org["city"]),
        "city2": _make("city2", Role.CITY_ADMIN, org["city"]),
        "linqing": _make("linqing", Role.UNIT_STAFF, org["linqing"]),
        "dongchangfu": _make("dongchangfu", Role.UNIT_STAFF, org["dongchangfu"]),
        "leader": _make("leader", Role.LEADER, org["city"]),
        "linqing_leader": _make("linqing_leader", Role.LEADER, org["linqing"]),
        "commissioner": _make("commissioner", Role.COMMISSIONER, org["city"]),
        "dept_land": _make("dept_land", Role.DEPT_STAFF, dept=land),
        "inspector": _make("inspector", Role.INSPECTOR, org["city"]),
        "auditor": _make("auditor", Role.AUDITOR),
        "sysadmin": _make("sysadmin", Role.SYSADMIN),
        "secadmin": _make("secadmin", Role.SECADMIN),
        "norole": _make("norole", ""),
    }


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def make_project(users):
    """Create a project through the service, as the unit's staff by default."""
    from zhaoshang.projects.services import project_create

    def factory(unit_user: str = "linqing", **fields):
        actor = users[unit_user]
        defaults = dict(
            name=fields.pop("name", "高端轴承项目"),
            unit=fields.pop("unit", actor.unit),
            total_investment_wan=fields.pop("total_investment_wan", Decimal("20000")),
            lead_on=fields.pop("lead_on", timezone.localdate() - dt.timedelta(days=60)),
        )
        return project_create(actor=actor, **defaults, **fields)

    return factory


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download: executable_path)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test
    # body are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
