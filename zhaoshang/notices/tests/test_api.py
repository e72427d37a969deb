import pytest
from rest_framework.test import APIClient

from zhaoshang.notices.models import Notification
from zhaoshang.notices.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(users):
    def as_user(name):
        c = APIClient()
        c.force_authenticate(users[name])
        return c

    return as_user


@pytest.fixture
def notices(users):
    a = notify(recipients=[users["commissioner"]], kind="test_kind", title="一")[0]
    b = notify(recipients=[users["commissioner"]], kind="test_fixed", title="二")[0]
    c = notify(recipients=[users["leader"]], kind="test_kind", title="领导的")[0]
    return a, b, c


def test_the_list_holds_the_callers_notices_only(api, notices):
    response = api("commissioner").get("/api/notifications/")
    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == ["二", "一"]
    first = response.json()["results"][0]
    assert set(first) == {"id", "kind", "kind_label", "title", "body", "url", "created_at",
                          "read_at", "is_read"}  # fmt: skip
    assert (first["kind_label"], first["is_read"]) == ("测试不可关闭通知", False)


def test_the_list_filters_unread_and_kind_and_refuses_bad_values(api, notices):
    a, b, _ = notices
    client = api("commissioner")
    client.post(f"/api/notifications/{a.pk}/read/")
    assert [n["id"] for n in client.get("/api/notifications/?unread=true").json()["results"]] == [
        b.pk
    ]
    assert [n["id"] for n in client.get("/api/notifications/?unread=false").json()["results"]] == [
        a.pk
    ]
    assert [
        n["id"] for n in client.get("/api/notifications/?kind=test_kind").json()["results"]
    ] == [a.pk]
    bad = client.get("/api/notifications/?unread=maybe")
    assert bad.status_code == 400
    assert bad.json() == {"unread": ["应为 true 或 false"]}
    assert client.get("/api/notifications/?kind=nope").status_code == 400


def test_reading_marks_the_callers_notice_and_another_users_is_a_404(api, notices):
    a, _, theirs = notices
    client = api("commissioner")
    response = client.post(f"/api/notifications/{a.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert client.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/api/notifications/{theirs.pk}/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all_marks_the_callers_unread(api, notices):
    response = api("commissioner").post("/api/notifications/read-all/")
    assert response.json() == {"marked": 2}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_anonymous_callers_are_refused(notices):
    client = APIClient()
    assert client.get("/api/notifications/").status_code == 401
    assert client.post("/api/notifications/read-all/").status_code == 401


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditor"])
def test_administrators_are_refused(api, notices, name):
    assert api(name).get("/api/notifications/").status_code == 403
    assert api(name).post("/api/notifications/read-all/").status_code == 403


def test_the_endpoints_are_in_the_schema(api):
    schema = api("city").get("/api/schema/?format=json").json()
    assert {"/api/notifications/", "/api/notifications/{id}/read/",
            "/api/notifications/read-all/"} <= set(schema["paths"])  # fmt: skip
