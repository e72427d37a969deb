"""Permissions of the targeting pages and API.

Anonymous → login redirect (pages) / 401 (API); a role without the model permission → 403;
unit staff pushing to another unit → 403; another unit's push → 404; the inspector reads but
cannot push, accept or decline.
"""

from __future__ import annotations

import pytest

from zhaoshang.core.tests.api_support import client_for
from zhaoshang.projects.models import Project
from zhaoshang.targeting import selectors, services
from zhaoshang.targeting.models import LeadPush, PushStatus

pytestmark = pytest.mark.django_db

NO_PERMISSION = ("sysadmin", "norole")


@pytest.fixture
def push(chain, org, users):
    return services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["linqing"], node=chain.foil
    )


def _pages(chain, push):
    return [
        ("get", f"/targeting/?node={chain.foil.pk}&unit=371503", {}),
        ("get", "/targeting/inbox/", {}),
        ("get", "/targeting/profiles/", {}),
        (
            "post",
            "/targeting/push/",
            {"enterprise": chain.e3.pk, "unit": "371581", "node": chain.foil.pk},
        ),
        ("post", f"/targeting/pushes/{push.pk}/accept/", {"note": ""}),
        ("post", f"/targeting/pushes/{push.pk}/decline/", {"reason": "x"}),
        ("post", f"/targeting/pushes/{push.pk}/withdraw/", {"reason": "x"}),
        ("get", f"/targeting/push/?enterprise={chain.e3.pk}&node={chain.foil.pk}", {}),
    ]


def test_pages_send_anonymous_users_to_login(chain, push, client):
    for method, url, data in _pages(chain, push):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_pages_refuse_roles_without_the_permission(chain, push, users, client):
    for username in NO_PERMISSION:
        client.force_login(users[username])
        for method, url, data in _pages(chain, push):
            assert getattr(client, method)(url, data).status_code == 403, (username, url)
    assert LeadPush.objects.count() == 1


def test_api_answers_401_to_anonymous_and_403_without_permission(chain, push, users):
    calls = [
        ("get", "/api/targeting/recommendations/", {"node": chain.foil.pk, "unit": "371503"}),
        (
            "post",
            "/api/targeting/push/",
            {"node": chain.foil.pk, "unit": "371581", "enterprise": chain.e3.pk},
        ),
        ("get", "/api/targeting/pushes/", {}),
        ("post", f"/api/targeting/pushes/{push.pk}/accept/", {}),
        ("post", f"/api/targeting/pushes/{push.pk}/decline/", {"reason": "x"}),
        ("get", "/api/targeting/profiles/", {}),
    ]
    for method, url, data in calls:
        assert (
            getattr(client_for(None), method)(
                url, data, format="json" if method == "post" else None
            ).status_code
            == 401
        ), url
        for username in NO_PERMISSION:
            client = client_for(users[username])
            response = getattr(client, method)(
                url, data, format="json" if method == "post" else None
            )
            assert response.status_code == 403, (username, url)


def test_unit_staff_push_only_to_their_own_unit(chain, org, users, client):
    api = client_for(users["linqing"])
    other = api.post(
        "/api/targeting/push/",
        {"node": chain.foil.pk, "unit": "371503", "enterprise": chain.e3.pk},
        format="json",
    )
    assert other.status_code == 403
    client.force_login(users["linqing"])
    dialog = client.get(f"/targeting/push/?enterprise={chain.e3.pk}&node={chain.foil.pk}")
    assert '<option value="371581">临清市</option>' in dialog.content.decode()
    assert '<option value="371503">' not in dialog.content.decode()
    page = client.post(
        "/targeting/push/",
        {"enterprise": chain.e3.pk, "unit": "371503", "node": chain.foil.pk, "confirmed": "1",
         "deadline_kind": "workdays", "deadline_workdays": "5"},
    )  # fmt: skip
    assert page.status_code == 200 and "请从列表中选择接收单位" in page.content.decode()
    assert not LeadPush.objects.filter(enterprise=chain.e3).exists()
    own = api.post(
        "/api/targeting/push/",
        {"node": chain.foil.pk, "unit": "371581", "enterprise": chain.e3.pk},
        format="json",
    )
    assert own.status_code == 201
    assert LeadPush.objects.get(pk=own.json()["push"]).unit == org["linqing"]
    accepted = api.post(f"/api/targeting/pushes/{own.json()['push']}/accept/", {}, format="json")
    assert Project.objects.get(pk=accepted.json()["project"]).unit == org["linqing"]


def test_another_units_push_is_not_found(chain, push, users, client):
    api = client_for(users["dongchangfu"])
    assert api.get(f"/api/targeting/pushes/{push.pk}/").status_code == 404
    assert (
        api.post(f"/api/targeting/pushes/{push.pk}/accept/", {}, format="json").status_code == 404
    )
    assert (
        api.post(
            f"/api/targeting/pushes/{push.pk}/decline/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )
    assert api.get("/api/targeting/pushes/").json()["count"] == 0
    client.force_login(users["dongchangfu"])
    assert client.post(f"/targeting/pushes/{push.pk}/accept/", {}).status_code == 404
    assert client.post(f"/targeting/pushes/{push.pk}/decline/", {"reason": "x"}).status_code == 404
    assert "上海申铝箔材有限公司" not in client.get("/targeting/inbox/").content.decode()
    push.refresh_from_db()
    assert push.status == PushStatus.PUSHED
    # the receiving unit sees it
    assert client_for(users["linqing"]).get("/api/targeting/pushes/").json()["count"] == 1


def test_the_inspector_reads_but_cannot_push_or_decide(chain, push, users, client):
    api = client_for(users["inspector"])
    assert (
        api.get(
            "/api/targeting/recommendations/", {"node": chain.foil.pk, "unit": "371503"}
        ).status_code
        == 200
    )
    assert api.get("/api/targeting/pushes/").json()["count"] == 1
    assert (
        api.post(
            "/api/targeting/push/",
            {"node": chain.foil.pk, "unit": "371581", "enterprise": chain.e3.pk},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(f"/api/targeting/pushes/{push.pk}/accept/", {}, format="json").status_code == 403
    )
    client.force_login(users["inspector"])
    assert client.get(f"/targeting/?node={chain.foil.pk}&unit=371503").status_code == 200
    assert (
        "/targeting/push/?" not in client.get(f"/targeting/?node={chain.foil.pk}").content.decode()
    )
    assert (
        client.post(
            "/targeting/push/", {"enterprise": chain.e3.pk, "unit": "371581", "node": chain.foil.pk}
        ).status_code
        == 403
    )
    assert client.post(f"/targeting/pushes/{push.pk}/decline/", {"reason": "x"}).status_code == 403
    assert LeadPush.objects.count() == 1


def test_the_api_shape(chain, users):
    data = (
        client_for(users["city"])
        .get(
            "/api/targeting/recommendations/", {"node": chain.foil.pk, "unit": "371503", "limit": 2}
        )
        .json()
    )
    assert data["node"] == {"id": chain.foil.pk, "name": "铝箔"}
    assert data["unit"] == {"code": "371503", "name": "茌平区"}
    assert set(data["weights"]) == {
        "chain_fit", "scale", "momentum", "geography", "ties", "risk", "recent_contact"
    }  # fmt: skip
    assert len(data["items"]) == 2
    item = data["items"][0]
    assert set(item["enterprise"]) >= {"id", "name", "uscc", "is_local", "province"}
    assert item["enterprise"]["province"] == "上海市" and item["enterprise"]["is_local"] is False
    assert round(sum(f["contribution"] for f in item["factors"]), 2) == item["score"]
    assert all({"name", "contribution", "evidence"} <= set(f) for f in item["factors"])
    assert item["pipeline"] is None
    bad = client_for(users["city"]).get("/api/targeting/recommendations/", {"unit": "371503"})
    assert bad.status_code == 400 and "node" in bad.json()


def test_push_citing_another_units_run_is_refused_as_unknown(chain, org, users):
    def stored_run(user, unit, enterprise):
        run = selectors.recommendation(user=user, unit=unit, node=chain.foil)
        services.push_lead(actor=user, enterprise=enterprise, unit=unit, node=chain.foil, run=run)
        return run

    other_run = stored_run(users["city"], org["chiping"], chain.e1)
    own_run = stored_run(users["linqing"], org["linqing"], chain.e2)
    api = client_for(users["linqing"])
    body = {"node": chain.foil.pk, "unit": "371581", "enterprise": chain.e3.pk}
    refused = api.post("/api/targeting/push/", {**body, "run": other_run.pk}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"run"}
    assert not LeadPush.objects.filter(enterprise=chain.e3).exists()
    accepted = api.post("/api/targeting/push/", {**body, "run": own_run.pk}, format="json")
    assert accepted.status_code == 201
    assert LeadPush.objects.get(pk=accepted.json()["push"]).run_id == own_run.pk
