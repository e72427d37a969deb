"""核验 in the app: whoever reads the ranking presses 核验 (a POST, read-only) and reads the
result in Chinese with the snapshot's hash; a tampered snapshot fails, naming what differs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from zhaoshang.goals.models import RankingSnapshot
from zhaoshang.goals.ranking_check import FAILED, PASSED, PASSED_WITH_CHANGES
from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.goals.tests.test_ranking import CONFIG

pytestmark = pytest.mark.django_db

L, DCF, CP, GT = "371581", "371502", "371521", "371526"
VERIFY = "/goals/rankings/2024Q1/verify/"


@pytest.fixture
def published(users, world):
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, "371503": 1000, GT: 1000},
    )
    scheme = scheme_create(
        actor=users["city"], code="test", name="测试办法", config=CONFIG, is_default=True
    )
    return snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def tamper(snapshot: RankingSnapshot, **fields) -> None:
    """Change a stored snapshot behind the application's back (the database refuses UPDATE by
    trigger: the test drops it inside its own transaction, which the test's rollback restores)."""
    table = RankingSnapshot._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    RankingSnapshot.objects.filter(pk=snapshot.pk).update(**fields)


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_the_ranking_page_offers_the_verify_button_to_its_readers(users, published):
    for who in ("city", "linqing", "leader", "inspector"):
        html = client(users[who]).get("/goals/rankings/2024Q1/?scheme=test").content.decode()
        form = between(
            html, '<form method="post" action="/goals/rankings/2024Q1/verify/"', "</form>"
        )
        assert 'hx-target="#modal-content"' in form and 'name="scheme" value="test"' in form
        assert ">核验<" in form


def test_a_good_snapshot_verifies_with_its_hash(users, published):
    response = client(users["linqing"]).post(VERIFY, {"scheme": "test"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert between(html, 'id="verify-headline">', "<") == PASSED
    assert PASSED == "核验通过：快照哈希一致，指标值可由原始记录重算"
    assert between(html, 'id="verify-stored-hash">', "<") == published.sha256
    assert "不一致之处" not in html and "发布后无变化" in html
    assert '<div class="modal-header">' in html  # the dialog, not a page
    # without JavaScript the same result is a page of its own
    page = client(users["linqing"]).post(VERIFY, {"scheme": "test"}).content.decode()
    assert "<!doctype html>" in page and between(page, 'id="verify-headline">', "<") == PASSED


def test_a_record_changed_after_publication_is_named_and_the_snapshot_still_verifies(
    users, published, world, funds
):
    funds(world["p1"], dt.date(2024, 1, 1), 400)
    html = client(users["city"]).post(VERIFY, {"scheme": "test"}, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert between(html, 'id="verify-headline">', "<") == PASSED_WITH_CHANGES
    changes = between(html, '<ul class="small mb-0" id="verify-changes">', "</ul>")
    assert "临清市 到位资金记录 #" in changes and "：新增（— → 400" in changes
    assert "临清市：按当前数据总分 96.00 → 97.60" in changes


def test_a_tampered_result_fails_naming_the_unit_and_both_totals(users, published):
    results = published.results
    row = next(r for t in results["tracks"] for r in t["units"] if r["unit"] == L)
    real_total = row["total"]
    row["total"] = "999.00"
    tamper(published, results=results)
    html = client(users["city"]).post(VERIFY, {"scheme": "test"}, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert between(html, 'id="verify-headline">', "<") == FAILED
    failures = between(html, '<ul class="small" id="verify-failures">', "</ul>")
    assert f"哈希不一致：存储的 SHA-256 为 {published.sha256}，按快照内容计算为 " in failures
    assert (
        f"结果不一致：测试赛道 临清市 发布的总分 999.00、名次 {row['rank']}，"
        f"按冻结输入重算为总分 {real_total}、" in failures
    )


def test_a_tampered_input_fails_and_the_record_that_differs_is_named(users, published, world):
    inputs = published.inputs
    figure = next(
        k for k, f in inputs["figures"].items() if f.get("model") == "projects.fundsrecord"
    )
    records = inputs["figures"][figure]["units"][L]["records"]
    pk, amount = records[0]
    records[0] = [pk, "1.00"]
    tamper(published, inputs=inputs)
    html = client(users["city"]).post(VERIFY, {"scheme": "test"}, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert between(html, 'id="verify-headline">', "<") == FAILED
    assert "快照输入与当前原始记录的差异" in html
    changes = between(html, '<ul class="small mb-0" id="verify-changes">', "</ul>")
    assert f"[{figure}] 临清市 到位资金记录 #{pk}：金额变化（1.00 → {amount}）" in changes


def test_verifying_is_a_post_and_needs_a_published_quarter(users, published):
    c = client(users["city"])
    assert c.get(VERIFY, {"scheme": "test"}).status_code == 405
    assert c.post("/goals/rankings/2024Q2/verify/", {"scheme": "test"}).status_code == 404
    assert client(users["auditor"]).post(VERIFY, {"scheme": "test"}).status_code == 403
