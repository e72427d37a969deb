"""GET /api/reviews/ and POST /api/reviews/{id}/opinion/: the same scope and services as the
pages (anonymous 401, no permission 403, another unit 404, another department 403)."""

import pytest
from rest_framework.test import APIClient

from zhaoshang.service.models import Task
from zhaoshang.service.services import reviews as svc

from . import reviews_fixtures as fx
from .reviews_fixtures import SENT_ON, departments

major, reviewers = fx.major, fx.reviewers

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(users, major, reviewers):
    return svc.review_send(
        project=major, actor=users["linqing"], departments=departments("zrzy", "sthj"), on=SENT_ON
    )


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_anonymous_callers_are_refused(review):
    assert api().get("/api/reviews/").status_code in (401, 403)


@pytest.mark.parametrize("name", ["norole", "sysadmin", "secadmin", "auditor"])
def test_roles_without_the_permission_get_403(users, review, name):
    assert api(users[name]).get("/api/reviews/").status_code == 403
    assert api(users[name]).get(f"/api/reviews/{review.pk}/").status_code == 403


def test_the_list_follows_the_scope(users, reviewers, review):
    def ids(user):
        return [r["id"] for r in api(user).get("/api/reviews/").json()["results"]]

    assert ids(users["city"]) == [review.pk]
    assert ids(users["linqing"]) == [review.pk]
    assert ids(users["dept_land"]) == [review.pk]
    assert ids(users["inspector"]) == [review.pk]
    assert ids(users["dongchangfu"]) == []
    assert ids(reviewers["fgw"]) == []
    assert api(users["dongchangfu"]).get(f"/api/reviews/{review.pk}/").status_code == 404


def test_the_detail_lists_each_opinion(users, review):
    body = api(users["linqing"]).get(f"/api/reviews/{review.pk}/").json()
    assert body["final_outcome"] == "reviewing" and body["unit"] == "371581"
    assert [(o["department"], o["verdict"], o["due_on"]) for o in body["opinions"]] == [
        ("zrzy", "", "2024-03-11"),
        ("sthj", "", "2024-03-11"),
    ]


def test_a_department_gives_its_opinion_with_conditions(users, review, today):
    response = api(users["dept_land"]).post(
        f"/api/reviews/{review.pk}/opinion/",
        {
            "verdict": "conditional",
            "conditions": ["落实耕地占补平衡"],
            "conditions_due_on": str(today),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["conditions"][0]["title"] == "落实耕地占补平衡"
    assert Task.objects.get().review_opinion.department.code == "zrzy"


def test_a_bad_opinion_is_a_400_keyed_by_field(users, review):
    response = api(users["dept_land"]).post(
        f"/api/reviews/{review.pk}/opinion/", {"verdict": "disagree"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["reasons"] == ["不同意须说明理由"]


def test_others_cannot_give_an_opinion(users, reviewers, review):
    url = f"/api/reviews/{review.pk}/opinion/"
    assert api(reviewers["fgw"]).post(url, {"verdict": "agree"}, format="json").status_code == 404
    assert api(users["linqing"]).post(url, {"verdict": "agree"}, format="json").status_code == 403
    assert api(users["inspector"]).post(url, {"verdict": "agree"}, format="json").status_code == 403
    assert (
        api(users["dongchangfu"]).post(url, {"verdict": "agree"}, format="json").status_code == 404
    )
    assert not review.opinions.exclude(verdict="").exists()
