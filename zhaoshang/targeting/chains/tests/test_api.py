"""`GET /api/chain-nodes/`: each node with its computed gap; filters; permissions."""

import pytest
from rest_framework.test import APIClient

from zhaoshang.core.tests.api_support import client_for
from zhaoshang.industries.models import Direction, Industry

from .chain_support import chain, direction, place, thresholds

pytestmark = pytest.mark.django_db

URL = "/api/chain-nodes/"


@pytest.fixture
def chains(make_project):
    al = direction()
    n = chain(al, "矿:up 锭:up 板:mid 箔:down", "矿>锭 锭>板 板>箔")
    place(n["锭"], 5, output=40_000)
    place(n["板"], 1, output=100)
    (outsider,) = place(n["箔"], local=False)
    make_project(name="箔项目", direction=al, investors=[outsider])
    industry = Industry.objects.create(code="bearing", name="轴承", sort_order=9)
    bearing = Direction.objects.create(industry=industry, code="bearing-high", name="高端轴承")
    chain(bearing, "钢:up 球:mid 轴承:down", "钢>球 球>轴承")
    return {"al": al, "bearing": bearing, "nodes": n}


def test_list_shape_with_computed_gaps(users, chains):
    body = client_for(users["linqing"]).get(URL).json()
    assert body["count"] == 7
    first = body["results"][0]
    assert set(first) == {
        "id", "name", "industry", "industry_id", "direction", "direction_name", "stream",
        "stream_label", "gap", "gap_label", "gap_reason", "local_enterprises",
        "local_output_wan", "pipeline_projects", "keywords", "industry_codes", "suppliers",
        "customers",
    }  # fmt: skip
    rows = {r["name"]: r for r in body["results"]}
    assert rows["锭"] == {
        **rows["锭"],
        "industry": "有色金属",
        "direction": chains["al"].pk,
        "direction_name": "铝精深加工",
        "stream": "upstream",
        "gap": "strong",
        "gap_label": "优势环节",
        "local_enterprises": 5,
        "local_output_wan": "200000.00",
        "suppliers": [chains["nodes"]["矿"].pk],
        "customers": [chains["nodes"]["板"].pk],
    }
    assert (rows["板"]["gap"], rows["箔"]["gap"], rows["矿"]["gap"]) == (
        "strengthen",
        "fill",
        "fill",
    )
    assert rows["箔"]["pipeline_projects"] == 1
    assert {rows[k]["gap"] for k in ("钢", "球", "轴承")} == {"build"}
    # ordered by industry, direction, stream
    assert [r["name"] for r in body["results"]] == ["矿", "锭", "板", "箔", "钢", "球", "轴承"]


def test_filters_by_direction_industry_stream_and_gap(users, chains):
    client = client_for(users["linqing"])

    def names(**params):
        return sorted(r["name"] for r in client.get(URL, params).json()["results"])

    assert names(direction=chains["bearing"].pk) == ["球", "轴承", "钢"]
    assert names(direction="bearing-high") == ["球", "轴承", "钢"]
    assert names(industry="metal") == ["板", "矿", "箔", "锭"]
    assert names(industry=chains["bearing"].industry_id) == ["球", "轴承", "钢"]
    assert names(stream="downstream") == ["箔", "轴承"]
    assert names(gap="build") == ["球", "轴承", "钢"]
    assert names(gap="fill", stream="upstream") == ["矿"]
    assert names(direction="nope") == []
    assert client.get(URL, {"gap": "missing"}).status_code == 400
    assert client.get(URL, {"stream": "sideways"}).status_code == 400
    # thresholds change the computed gap
    thresholds(strengthen_below=1, strengthen_output_below_wan=0)
    assert names(gap="strong") == ["板", "锭"]


def test_retrieve_one_node(users, chains):
    node = chains["nodes"]["箔"]
    body = client_for(users["inspector"]).get(f"{URL}{node.pk}/").json()
    assert (body["id"], body["name"], body["gap"], body["pipeline_projects"]) == (
        node.pk,
        "箔",
        "fill",
        1,
    )
    assert client_for(users["inspector"]).get(f"{URL}99999/").status_code == 404


def test_pipeline_projects_count_only_what_the_caller_may_see(users, chains):
    node = chains["nodes"]["箔"]
    assert client_for(users["dongchangfu"]).get(f"{URL}{node.pk}/").json()["pipeline_projects"] == 0
    assert client_for(users["city"]).get(f"{URL}{node.pk}/").json()["pipeline_projects"] == 1


def test_permissions(users, chains):
    node = chains["nodes"]["箔"]
    anonymous = APIClient()
    assert anonymous.get(URL).status_code == 401
    assert anonymous.get(f"{URL}{node.pk}/").status_code == 401
    for name in ("sysadmin", "norole"):
        assert client_for(users[name]).get(URL).status_code == 403, name
    for name in ("city", "linqing", "leader", "commissioner", "dept_land", "inspector"):
        assert client_for(users[name]).get(URL).status_code == 200, name
    # read-only, for everyone
    assert client_for(users["city"]).post(URL, {"name": "x"}).status_code == 405
    assert client_for(users["inspector"]).post(URL, {"name": "x"}).status_code == 403
    assert client_for(users["city"]).delete(f"{URL}{node.pk}/").status_code == 405
