"""Every API route that changes a record is versioned (ETag / If-Match, core.concurrency): a
viewset given a PATCH or PUT later without `VersionedViewSetMixin` fails here by name."""

from zhaoshang.api_urls import router
from zhaoshang.core.api import VersionedViewSetMixin


def test_every_api_route_that_patches_or_puts_a_record_is_versioned():
    writable = {
        prefix: viewset
        for prefix, viewset, _ in router.registry
        if hasattr(viewset, "partial_update") or hasattr(viewset, "update")
    }
    assert sorted(writable) == ["enterprises", "projects", "target-entries"]
    unversioned = [p for p, v in writable.items() if not issubclass(v, VersionedViewSetMixin)]
    assert unversioned == []
