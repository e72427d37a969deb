"""Fixtures of the 联评联审 tests (imported by each test_reviews_* module)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.conftest import PASSWORD
from zhaoshang.service.models import ReviewPolicy

# A Monday in a week without holidays: five working days later is the next Monday.
SENT_ON = dt.date(2024, 3, 4)


def _dept_user(username: str, code: str) -> User:
    user = User(
        username=username,
        role=Role.DEPT_STAFF,
        department=Department.objects.get(code=code),
        display_name=username,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def reviewers(users) -> dict[str, User]:
    """One staff member per default reviewing department (dept_land is 自然资源和规划)."""
    return {
        "zrzy": users["dept_land"],
        "sthj": _dept_user("dept_env", "sthj"),
        "fgw": _dept_user("dept_dev", "fgw"),
        "gxj": _dept_user("dept_ind", "gxj"),
        "yjj": _dept_user("dept_safety", "yjj"),
        "sww": _dept_user("dept_commerce", "sww"),  # not a reviewing department
    }


@pytest.fixture
def major(make_project):
    """A proposed 12亿元 project of 临清 (above the 10亿 threshold)."""
    return make_project(
        name="新能源电池材料项目",
        total_investment_wan=Decimal("120000"),
        lead_on=SENT_ON - dt.timedelta(days=30),
    )


@pytest.fixture
def gate_on(db):
    ReviewPolicy.objects.update_or_create(pk=1, defaults={"gates_signing": True})


def departments(*codes: str) -> list[Department]:
    return list(Department.objects.filter(code__in=codes).order_by("sort_order"))
