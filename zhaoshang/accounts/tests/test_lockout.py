"""The login lockout behind a proxy: per account and client address, per address, the client
address believed only from a trusted proxy, and the system administrator lifting a lock."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from zhaoshang.accounts.lockout import locks_in_force
from zhaoshang.core.client_address import client_ip
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token/"
NGINX = "127.0.0.1"
ALICE, BOB = "203.0.113.7", "198.51.100.20"  # two clients behind the proxy


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_IP_FAILURE_LIMIT = 12
    settings.AXES_COOLOFF_TIME = 0.5
    settings.TRUSTED_PROXIES = [NGINX]


def via_proxy(client: Client, address: str, username: str, password: str):
    """A login posted by the client at `address`, through nginx (which appends the address)."""
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {address}",  # the left part is the client's own
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("portal:home")


# --- the client address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        ([], "127.0.0.1", "203.0.113.7", "127.0.0.1"),  # no proxy configured: the peer
        (["127.0.0.1"], "198.51.100.1", "203.0.113.7", "198.51.100.1"),  # untrusted peer
        (["127.0.0.1"], "127.0.0.1", "1.1.1.1, 203.0.113.7", "203.0.113.7"),  # right-most
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),  # no header: the proxy itself
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7, not-an-ip", "127.0.0.1"),  # malformed
        (["127.0.0.1"], "127.0.0.1", "::ffff:203.0.113.7", "203.0.113.7"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address_believes_forwarded_for_only_from_a_trusted_proxy(
    settings, trusted, peer, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_audit_log_records_the_real_client_address_behind_the_proxy(users, axes_on):
    assert not logged_in(via_proxy(Client(), ALICE, "linqing", "wrong"))
    assert logged_in(via_proxy(Client(), BOB, "linqing", PASSWORD))
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    login = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (failed.ip, login.ip) == (ALICE, BOB)


def test_forwarded_for_from_an_untrusted_peer_is_ignored(users, axes_on):
    """A client rotating a forged X-Forwarded-For is still counted at its own address."""
    client = Client()
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "linqing", "password": "wrong"},
            REMOTE_ADDR=BOB,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": "linqing", "password": PASSWORD},
        REMOTE_ADDR=BOB,
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429
    assert set(AuditEntry.objects.values_list("ip", flat=True)) == {BOB}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {BOB}


# --- what a lock covers --------------------------------------------------------------------------


def test_failures_for_made_up_users_from_one_client_lock_nobody_else(users, axes_on):
    alice = Client()
    statuses = [via_proxy(alice, ALICE, "ghost", "guess-123").status_code for _ in range(5)]
    # The fifth failure locks the made-up account from Alice's address …
    assert statuses == [200, 200, 200, 200, 429]
    assert via_proxy(alice, ALICE, "ghost", "guess-123").status_code == 429
    # … but nobody else is: another user from another client, and a real user from Alice's.
    assert logged_in(via_proxy(Client(), BOB, "city", PASSWORD))
    assert logged_in(via_proxy(Client(), ALICE, "linqing", PASSWORD))


def test_a_user_locked_at_one_address_still_logs_in_from_another(users, axes_on):
    for _ in range(5):
        via_proxy(Client(), ALICE, "linqing", "wrong")
    refused = via_proxy(Client(), ALICE, "linqing", PASSWORD)
    assert refused.status_code == 429
    until = AccessAttempt.objects.get(username="linqing").attempt_time + dt.timedelta(minutes=30)
    at = timezone.localtime(until).strftime("%H:%M")
    assert f"请于 {at}（约30分钟后）再试" in refused.content.decode()
    assert logged_in(via_proxy(Client(), BOB, "linqing", PASSWORD))


def test_an_address_past_its_own_limit_is_locked_for_every_user(users, axes_on):
    """Password spraying: a few guesses each for many accounts from one address."""
    for n in range(12):
        via_proxy(Client(), ALICE, f"user{n % 4}", "guess-123")  # 3 each: no pair is locked
    assert via_proxy(Client(), ALICE, "linqing", PASSWORD).status_code == 429
    assert logged_in(via_proxy(Client(), BOB, "linqing", PASSWORD))
    assert [(lock.username, lock.ip, lock.failures) for lock in locks_in_force()] == [
        (None, ALICE, 12)
    ]


def test_eleven_failures_from_one_address_lock_no_one_who_knows_their_password(users, axes_on):
    for n in range(11):
        via_proxy(Client(), ALICE, f"user{n}", "guess-123")
    assert logged_in(via_proxy(Client(), ALICE, "linqing", PASSWORD))


def test_a_successful_login_resets_only_its_own_pair(users, axes_on):
    for n in range(10):
        via_proxy(Client(), ALICE, f"user{n}", "guess-123")
    via_proxy(Client(), ALICE, "linqing", "wrong")
    assert logged_in(via_proxy(Client(), ALICE, "linqing", PASSWORD))
    # linqing's own failure is forgotten; the address keeps its ten others, so two more lock it.
    assert via_proxy(Client(), ALICE, "city", "wrong").status_code == 200
    assert via_proxy(Client(), ALICE, "city", "wrong").status_code == 429


def test_the_api_answers_a_locked_login_429_with_the_time_to_try_again(users, axes_on):
    client = APIClient()
    for _ in range(5):
        client.post(TOKEN, {"username": "linqing", "password": "wrong"}, format="json")
    response = client.post(TOKEN, {"username": "linqing", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    until = AccessAttempt.objects.get(username="linqing").attempt_time + dt.timedelta(minutes=30)
    body = response.json()
    assert body["retry_after"] == timezone.localtime(until).isoformat()
    assert timezone.localtime(until).strftime("%H:%M") in body["detail"]
    assert 1700 < int(response["Retry-After"]) <= 1801


# --- lifting a lock ------------------------------------------------------------------------------


def test_the_sysadmin_lifts_a_users_lock_and_the_lift_is_audited(users, axes_on):
    for _ in range(5):
        via_proxy(Client(), ALICE, "linqing", "wrong")
    admin = Client()
    admin.force_login(users["sysadmin"])
    page = admin.get(reverse("accounts:lockouts"))
    assert page.status_code == 200
    assert ALICE in page.content.decode() and "解除该账号锁定" in page.content.decode()
    response = admin.post(reverse("accounts:lockout-release"), {"username": "linqing"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(note="解除登录锁定")
    assert (entry.username, entry.object_id) == ("sysadmin", str(users["linqing"].pk))
    assert entry.before == {"login_failures": {ALICE: 5}}
    assert entry.after == {"login_failures": {}}
    assert logged_in(via_proxy(Client(), ALICE, "linqing", PASSWORD))


def test_the_sysadmin_lifts_an_address_lock_and_the_lift_is_audited(users, axes_on):
    for n in range(12):
        via_proxy(Client(), ALICE, f"user{n % 4}", "guess-123")
    admin = Client()
    admin.force_login(users["sysadmin"])
    admin.post(reverse("accounts:lockout-release"), {"ip": ALICE})
    entry = AuditEntry.objects.get(note="解除登录地址锁定")
    assert entry.username == "sysadmin" and entry.object_repr == f"登录地址 {ALICE}"
    assert entry.before == {
        "ip": ALICE,
        "login_failures": {"user0": 3, "user1": 3, "user2": 3, "user3": 3},
    }
    assert not AccessAttempt.objects.exists()
    assert logged_in(via_proxy(Client(), ALICE, "linqing", PASSWORD))


def test_only_the_sysadmin_may_lift_a_lock(users, axes_on):
    for _ in range(5):
        via_proxy(Client(), ALICE, "linqing", "wrong")
    city = Client()
    city.force_login(users["city"])
    assert city.get(reverse("accounts:lockouts")).status_code == 403
    response = city.post(reverse("accounts:lockout-release"), {"username": "linqing"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="linqing").exists()
    assert not AuditEntry.objects.filter(note="解除登录锁定").exists()


def test_lifting_an_address_that_is_not_one_is_refused_in_chinese(users, axes_on):
    admin = Client()
    admin.force_login(users["sysadmin"])
    response = admin.post(reverse("accounts:lockout-release"), {"ip": "999.1.1.1"}, follow=True)
    assert "不是有效的IP地址" in response.content.decode()


def test_the_lock_page_offers_to_clear_the_address_of_a_made_up_account(users, axes_on):
    for _ in range(5):
        via_proxy(Client(), ALICE, "ghost", "guess-123")
    admin = Client()
    admin.force_login(users["sysadmin"])
    html = admin.get(reverse("accounts:lockouts")).content.decode()
    assert "ghost" in html and "（不存在的账号）" in html
    assert "清除该地址的失败记录" in html and "解除该账号锁定" not in html
