"""Fixtures of the problems tests: the categories, a second department's user, a clock."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from zhaoshang.accounts.models import Department
from zhaoshang.accounts.roles import Role
from zhaoshang.conftest import _make
from zhaoshang.service.models import ProblemCategory
from zhaoshang.service.services.problems import problem_categories_load, problem_raise


@contextmanager
def on_day(day: dt.date):
    """Every service call inside runs on `day` at 10:00 Beijing time."""
    moment = dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC)
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def jpeg(name: str = "现场.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def categories(org) -> dict[str, ProblemCategory]:
    problem_categories_load()
    return {c.code: c for c in ProblemCategory.objects.all()}


@pytest.fixture
def people(users, org, make_project):
    """The users plus another department's staff and a project served by `commissioner`."""
    env = dict(users)
    env["dept_env"] = _make("dept_env", Role.DEPT_STAFF, dept=Department.objects.get(code="sthj"))
    env["linqing2"] = _make("linqing2", Role.UNIT_STAFF, org["linqing"])
    env["commissioner2"] = _make("commissioner2", Role.COMMISSIONER, org["city"])
    return env


@pytest.fixture
def project(make_project, people):
    return make_project(name="高端轴承基地", commissioner=people["commissioner"])


@pytest.fixture
def raise_problem(people, project, categories):
    def factory(*, by: str = "commissioner", category: str = "land", on: dt.date | None = None,
                **fields):  # fmt: skip
        with on_day(on or dt.date(2024, 9, 27)):
            return problem_raise(
                actor=people[by],
                project=fields.pop("project", project),
                category=categories[category],
                title=fields.pop("title", "用地指标未落实"),
                description=fields.pop("description", "项目二期用地 120 亩尚无指标"),
                **fields,
            )

    return factory
