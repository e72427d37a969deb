"""The per-user page cache serves a page again only while nothing was written since (the newest
audit entry is the same), to the same session, on the same day; anything else renders anew."""

import pytest

from zhaoshang.core import pagecache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.PAGE_CACHE = True
    from django.core.cache import cache

    cache.clear()


def test_a_reload_is_served_from_the_cache_until_a_service_writes(
    client, users, make_project, cached
):
    client.force_login(users["linqing"])
    first = client.get("/")
    assert first.status_code == 200
    assert "X-Page-Cache" not in first
    again = client.get("/")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content

    version = pagecache.data_version()
    make_project(name="缓存后新建的项目")  # a service write: a new audit entry
    assert pagecache.data_version() > version
    fresh = client.get("/")
    assert "X-Page-Cache" not in fresh


def test_another_session_never_gets_the_page_rendered_for_someone_else(client, users, cached):
    client.force_login(users["linqing"])
    assert client.get("/").status_code == 200
    client.force_login(users["dongchangfu"])
    other = client.get("/")
    assert "X-Page-Cache" not in other
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_pages_outside_the_list_and_the_switch_off_are_never_cached(client, users, settings):
    settings.PAGE_CACHE = True
    client.force_login(users["city"])
    client.get("/audit/")
    assert "X-Page-Cache" not in client.get("/audit/")
    settings.PAGE_CACHE = False
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")
