"""The industries API: read-only reference data with their directions."""

import pytest

from zhaoshang.core.tests.api_support import client_for
from zhaoshang.industries.models import Direction, Industry

pytestmark = pytest.mark.django_db


def test_industries_list_with_directions_and_are_read_only(users):
    bearing = Industry.objects.create(code="bearing", name="轴承", sort_order=1)
    Direction.objects.create(industry=bearing, code="b2", name="轴承钢球", sort_order=2)
    Direction.objects.create(industry=bearing, code="b1", name="高端轴承", sort_order=1)
    Industry.objects.create(code="health", name="大健康", sort_order=2)

    client = client_for(users["linqing"])
    body = client.get("/api/industries/").json()
    assert [i["code"] for i in body["results"]] == ["bearing", "health"]
    assert [d["name"] for d in body["results"][0]["directions"]] == ["高端轴承", "轴承钢球"]
    assert client.get(f"/api/industries/{bearing.pk}/").json()["name"] == "轴承"
    # Read-only endpoint: the city (which may add industries) is told the method is not offered.
    assert client_for(users["city"]).post("/api/industries/", {"name": "x"}).status_code == 405
    assert client_for(users["linqing"]).post("/api/industries/", {"name": "x"}).status_code == 403
    assert client_for(users["norole"]).get("/api/industries/").status_code == 403
