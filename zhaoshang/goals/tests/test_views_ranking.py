"""竞赛榜 pages: the published ranking per track, drill-down permissions, drafts before
publication, publishing and closing from the page, the Excel and the PDF notice."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from zhaoshang.core.models import AuditAction, AuditEntry, PeriodClose
from zhaoshang.demo.ranking import SCHEME_2024, ranking_demo_setup
from zhaoshang.goals import exports, selectors
from zhaoshang.goals.models import RankingSnapshot
from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.goals.tests.test_ranking import CONFIG

pytestmark = pytest.mark.django_db

L, DCF = "371581", "371502"
PAGE = "/goals/rankings/2024Q1/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cockpit is cached by data version; test databases reuse audit ids after rollback."""
    cache.clear()
    yield
    cache.clear()


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def scheme(users, world):
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, "371503": 1000, "371526": 1000},
    )
    return scheme_create(
        actor=users["city"], code="test", name="测试办法", config=CONFIG, is_default=True
    )


@pytest.fixture
def published(users, scheme):
    return snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")


@pytest.fixture
def two_tracks(users, world):
    """The demo's 100-point scheme in two tracks (县市区 / 功能区), 2024Q1 published."""
    schemes = ranking_demo_setup(actor=users["city"])
    scheme = schemes[SCHEME_2024]
    snapshot = snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    return scheme, snapshot


def test_index_goes_to_the_newest_published_quarter(users, published):
    response = client(users["linqing"]).get("/goals/rankings/")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?scheme=test"
    nojs = client(users["city"]).get("/goals/rankings/?scheme=test&quarter=2024Q2")
    assert nojs["Location"] == "/goals/rankings/2024Q2/?scheme=test"


def test_published_ranking_page(users, published):
    response = client(users["linqing"]).get(PAGE, {"scheme": "test"})
    assert response.status_code == 200
    html = response.content.decode()
    ranking = selectors.ranking_published(user=users["city"], quarter="2024Q1", scheme="test")
    tracks = response.context["tracks"]
    assert [[r["unit"] for r in t["rows"]] for t in tracks] == [
        [r["unit"] for r in t["units"]] for t in ranking["tracks"]
    ]
    # a unit sees the whole published ranking, with every number linked to its records
    assert len(tracks[0]["rows"]) == 4
    assert published.sha256 in html
    assert "python manage.py verify_ranking 2024Q1 --scheme test" in html
    assert "如何核验" in html
    assert 'data-drill="funds"' in html and f"unit={DCF}" in html
    assert "2024年第一季度全市招商引资竞赛榜" in html


def test_drill_down_of_a_published_number(users, published):
    url = f"{PAGE}drill/"
    params = {"scheme": "test", "column": "funds", "unit": L}
    own = client(users["linqing"]).get(url, params)
    assert own.status_code == 200
    records = own.context["drill"]["records"]
    assert len(records) == 3 and all(r["visible"] for r in records)
    assert "P1 高端轴承基地" in own.content.decode()
    # another unit's number: the frozen ids and amounts, not the names
    other = client(users["linqing"]).get(url, {**params, "unit": DCF})
    assert other.status_code == 200
    assert other.context["drill"]["records"] and not any(
        r["visible"] for r in other.context["drill"]["records"]
    )
    assert "P3 光伏玻璃" not in other.content.decode()
    # growth has its baseline
    growth = client(users["city"]).get(url, {**params, "column": "growth"})
    assert growth.context["drill"]["baseline"] is not None
    assert client(users["city"]).get(url, {**params, "column": "nope"}).status_code == 404


def test_before_publication_a_unit_sees_only_its_own_draft(users, scheme):
    # the scheme says preview: own_unit
    linqing = client(users["linqing"]).get(PAGE, {"scheme": "test", "draft": "1"})
    tracks = linqing.context["tracks"]
    assert [r["unit"] for t in tracks for r in t["rows"]] == [L]
    drill = f"{PAGE}drill/"
    assert (
        client(users["linqing"])
        .get(drill, {"scheme": "test", "column": "funds", "unit": L})
        .status_code
        == 200
    )
    assert (
        client(users["linqing"])
        .get(drill, {"scheme": "test", "column": "funds", "unit": DCF})
        .status_code
        == 404
    )
    city = client(users["city"]).get(PAGE, {"scheme": "test", "draft": "1"})
    assert len(city.context["tracks"][0]["rows"]) == 4
    assert "草稿（未发布）" in city.content.decode()
    # without the draft button nothing is computed
    assert client(users["city"]).get(PAGE, {"scheme": "test"}).context["tracks"] == []


def test_city_only_preview_hides_the_draft_from_units(users, scheme):
    from zhaoshang.goals.services import scheme_update

    scheme_update(actor=users["city"], scheme=scheme, config={**CONFIG, "preview": "city_only"})
    response = client(users["linqing"]).get(PAGE, {"scheme": "test", "draft": "1"})
    assert response.context["tracks"] == []
    assert "发布前仅市级可见" in response.content.decode()
    drill = {"scheme": "test", "column": "funds", "unit": L}
    assert client(users["linqing"]).get(f"{PAGE}drill/", drill).status_code == 404


def test_city_publishes_from_the_page(users, scheme):
    response = client(users["city"]).post(f"{PAGE}publish/", {"scheme": "test", "note": "第一季度"})
    assert response.status_code == 302
    snapshot = RankingSnapshot.objects.get(scheme=scheme, quarter="2024Q1")
    assert AuditEntry.objects.filter(object_id=str(snapshot.pk), action=AuditAction.CREATE).exists()
    again = client(users["city"]).post(f"{PAGE}publish/", {"scheme": "test"}, follow=True)
    assert "不能重复发布" in again.content.decode()
    # units, leaders and inspectors cannot publish
    for who in ["linqing", "leader", "inspector"]:
        assert (
            client(users[who])
            .post("/goals/rankings/2024Q2/publish/", {"scheme": "test"})
            .status_code
            == 403
        )


def test_close_and_reopen_with_a_reason(users, scheme):
    c = client(users["city"])
    c.post("/goals/periods/close/", {"period": "2024Q1", "note": "发布前关账", "next": PAGE})
    close = PeriodClose.objects.get(label="2024Q1")
    assert close.is_active and close.note == "发布前关账"
    page = c.get(PAGE, {"scheme": "test"}).content.decode()
    assert "已于" in page and 'id="reopen-form"' in page
    no_reason = c.post("/goals/periods/reopen/", {"period": "2024Q1", "reason": " "}, follow=True)
    assert "重新开放必须说明理由" in no_reason.content.decode()
    c.post("/goals/periods/reopen/", {"period": "2024Q1", "reason": "临清补录3月到位资金"})
    close.refresh_from_db()
    assert close.reason == "临清补录3月到位资金" and not close.is_active
    listing = c.get("/goals/periods/").content.decode()
    assert "临清补录3月到位资金" in listing
    # only the city closes periods; an outside redirect target is ignored
    assert (
        client(users["linqing"]).post("/goals/periods/close/", {"period": "2024Q2"}).status_code
        == 403
    )
    response = c.post(
        "/goals/periods/close/", {"period": "2024Q2", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/goals/periods/"


def test_ranking_excel_rows_match_the_ranking(users, two_tracks):
    scheme, snapshot = two_tracks
    response = client(users["linqing"]).get(PAGE, {"scheme": scheme.code})
    assert [t["name"] for t in response.context["tracks"]] == ["县市区", "功能区"]
    xlsx = client(users["linqing"]).get(f"{PAGE}ranking.xlsx", {"scheme": scheme.code})
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    ranking = selectors.ranking_published(user=users["city"], quarter="2024Q1", scheme=scheme)
    headers = [h[0] for h in exports.ranking_headers(ranking)]
    assert ranking["tracks"]
    for track in ranking["tracks"]:
        ws = wb[track["name"]]
        assert [c.value for c in ws[2]] == headers
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        assert [(r[0], r[1]) for r in rows] == [(u["rank"], u["unit_name"]) for u in track["units"]]
        total = headers.index("总分")
        assert [f"{r[total]:.2f}" for r in rows] == [u["total"] for u in track["units"]]
    facts = dict(wb["说明"].iter_rows(values_only=True))
    assert facts["SHA-256"] == snapshot.sha256
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.user == users["linqing"] and entry.object_id == str(snapshot.pk)


def test_ranking_pdf_is_an_official_notice(users, two_tracks):
    scheme, snapshot = two_tracks
    response = client(users["city"]).get(f"{PAGE}notice.pdf", {"scheme": scheme.code})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    ranking = selectors.ranking_published(user=users["city"], quarter="2024Q1", scheme=scheme)
    html = exports.ranking_notice_html(ranking)
    for text in [
        "聊城市投资促进局",
        "2024年第一季度全市招商引资竞赛榜",
        "聊投促榜〔2024〕1号",
        snapshot.sha256,
        "县市区",
        "功能区",
    ]:
        assert text in html
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        compact = "".join(text.split())
        assert "聊城市投资促进局" in compact
        assert "2024年第一季度全市招商引资竞赛榜" in compact
        assert "临清市" in compact
        assert snapshot.sha256[:16] in compact
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert "PDF" in entry.object_repr and entry.object_id == str(snapshot.pk)


def test_exports_need_a_published_quarter(users, scheme):
    c = client(users["city"])
    assert c.get(f"{PAGE}ranking.xlsx", {"scheme": "test"}).status_code == 404
    assert c.get(f"{PAGE}notice.pdf", {"scheme": "test"}).status_code == 404
    assert c.get("/goals/rankings/2024Q9/").status_code == 404
    assert c.get(PAGE, {"scheme": "nope"}).status_code == 404


def test_cockpit_shows_the_latest_ranking(users, published):
    tables = client(users["city"]).get("/goals/?year=2024").context["tables"]
    rows = tables["ranking"].rows
    top = selectors.ranking_latest(user=users["city"])["tracks"][0]["units"][:3]
    assert [r[2] for r in rows] == [u["unit_name"] for u in top]
    unit = client(users["linqing"]).get(f"/goals/units/{L}/?year=2024").context["page"]
    assert unit["rank"]["quarter"] == "2024Q1" and unit["ranking_row"]["unit"] == L
