"""Fixtures the demo generators' tests share with the apps' own tests."""

from zhaoshang.enterprises.tests.conftest import all_tags, chain  # noqa: F401
from zhaoshang.goals.tests.conftest import advance, funds, investors, tags, world  # noqa: F401
