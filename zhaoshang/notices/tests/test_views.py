import pytest
from django.urls import reverse

from zhaoshang.core.tests.support import PASSWORD
from zhaoshang.notices.models import Mute, Notification
from zhaoshang.notices.services import notify

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def notices(users):
    """Three notices for the commissioner (two unread), one for the leader."""
    made = {}
    for title in ("节点将到期：开工", "节点逾期：土地摘牌", "资金待核实"):
        made[title] = notify(
            recipients=[users["commissioner"]], kind="test_kind", title=title, url="/projects/"
        )[0]
    made["资金待核实"].read_at = made["资金待核实"].created_at
    made["资金待核实"].save()
    made["leader"] = notify(recipients=[users["leader"]], kind="test_kind", title="领导的")[0]
    return made


def test_the_list_shows_the_users_unread_notices_first_and_nobody_elses(client, users, notices):
    response = _client(client, users["commissioner"]).get(reverse("notices:list"))
    assert response.status_code == 200
    titles = [n.title for n in response.context["notices"]]
    assert titles == ["节点逾期：土地摘牌", "节点将到期：开工"]
    assert "领导的" not in response.content.decode()
    everything = client.get(reverse("notices:list"), {"status": "all"})
    assert [n.title for n in everything.context["notices"]] == [
        "资金待核实",
        "节点逾期：土地摘牌",
        "节点将到期：开工",
    ]


def test_the_list_filters_by_kind(client, users, notices):
    notify(recipients=[users["commissioner"]], kind="test_fixed", title="问题超期")
    response = _client(client, users["commissioner"]).get(
        reverse("notices:list"), {"kind": "test_fixed"}
    )
    assert [n.title for n in response.context["notices"]] == ["问题超期"]
    assert response.context["kind_counts"] == [
        ("test_fixed", "测试不可关闭通知", 1),
        ("test_kind", "测试通知", 2),
    ]


def test_the_list_is_paginated(client, users):
    for i in range(25):
        notify(recipients=[users["leader"]], kind="test_kind", title=f"n{i}")
    response = _client(client, users["leader"]).get(reverse("notices:list"), {"page": 2})
    assert len(response.context["notices"]) == 5


def test_marking_one_read_is_a_post_and_htmx_gets_the_row_and_the_badge(client, users, notices):
    notice = notices["节点逾期：土地摘牌"]
    url = reverse("notices:read", args=[notice.pk])
    c = _client(client, users["commissioner"])
    assert c.get(url).status_code == 405
    response = c.post(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"notice-{notice.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notice-{notice.pk}"' in body
    assert 'id="notice-badge"' in body and 'hx-swap-oob="true"' in body
    assert ">1<span" in body  # one unread left
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_users_notice_is_a_404_and_stays_unread(client, users, notices):
    other = notices["leader"]
    c = _client(client, users["commissioner"])
    assert c.post(reverse("notices:read", args=[other.pk])).status_code == 404
    assert c.post(reverse("notices:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, users, notices):
    notice = notices["节点将到期：开工"]
    response = _client(client, users["commissioner"]).post(
        reverse("notices:open", args=[notice.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read_marks_only_the_users_own(client, users, notices):
    response = _client(client, users["commissioner"]).post(reverse("notices:read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(
        recipient=users["commissioner"], read_at__isnull=True
    ).exists()
    assert Notification.objects.get(pk=notices["leader"].pk).read_at is None


def test_mark_all_read_redirects_only_within_the_site(client, users, notices):
    response = _client(client, users["commissioner"]).post(
        reverse("notices:read-all"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notices:list")


def test_the_badge_shows_the_unread_count_in_the_navigation(client, users, notices):
    response = _client(client, users["commissioner"]).get(reverse("portal:home"))
    body = response.content.decode()
    assert 'id="notice-badge"' in body
    assert '<span class="badge rounded-pill text-bg-danger">2<span' in body


def test_the_badge_costs_one_count_per_page(client, users, notices):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = _client(client, users["commissioner"])
    with CaptureQueriesContext(connection) as queries:
        response = c.get(reverse("accounts:account"))
    assert 'id="notice-badge"' in response.content.decode()
    counts = [q["sql"] for q in queries if "notices_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0]


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditor"])
def test_administrators_have_no_badge_and_no_centre(client, users, name):
    c = _client(client, users[name])
    assert c.get(reverse("notices:list")).status_code == 403
    assert c.get(reverse("notices:preferences")).status_code == 403
    assert c.post(reverse("notices:read-all")).status_code == 403
    home = c.get(reverse("accounts:account"))
    assert 'id="notice-badge"' not in home.content.decode()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("notices:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("notices:read-all")).status_code == 302


def test_preferences_mute_a_mutable_kind_and_refuse_a_fixed_one(client, users):
    c = _client(client, users["leader"])
    page = c.get(reverse("notices:preferences"))
    assert "测试不可关闭通知" in page.content.decode()
    response = c.post(reverse("notices:preferences"), {"muted": ["test_kind"]})
    assert response.status_code == 302
    assert list(Mute.objects.values_list("kind", flat=True)) == ["test_kind"]
    refused = c.post(reverse("notices:preferences"), {"muted": ["test_fixed"]})
    assert refused.status_code == 200
    assert "“测试不可关闭通知”不可关闭" in refused.content.decode()
    assert list(Mute.objects.values_list("kind", flat=True)) == ["test_kind"]
