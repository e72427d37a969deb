"""The keyword filter of the project and enterprise lists goes through the keyword index and
finds exactly what a scan (`icontains` over every row, the filter before the index) finds: on
the demo, for one- and two-character words, ASCII in either case, credit-code fragments and
substrings cut from the data; and the index follows every write in the writing transaction."""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.http import QueryDict

from zhaoshang.accounts.models import User
from zhaoshang.core import search
from zhaoshang.enterprises.filters import EnterpriseFilter
from zhaoshang.enterprises.models import ENTERPRISE_SEARCH, Enterprise
from zhaoshang.enterprises.selectors import enterprises_for, enterprises_matching
from zhaoshang.enterprises.services import enterprise_create, enterprise_update
from zhaoshang.projects.filters import projects_matching
from zhaoshang.projects.models import PROJECT_SEARCH, Project
from zhaoshang.projects.selectors import projects_for
from zhaoshang.projects.services import project_create, project_update

FIXED = [
    "轴",
    "承",
    "轴承",
    "光伏",
    "高端轴承",
    "轴承产业",
    "承座",
    "有限公司",
    "临清",
    "ABC",
    "abc",
    "A",
    "Ab",
    "91",
    "9137",
    "(",
    "（",
    "%",
    "_",
    "轴 承",
    "没有这个词",
    "\ue02d1",
    "轴\ue000",
]


def scan_projects(q: str) -> set[int]:
    """The project keyword filter as it was before the index: a LIKE over every row."""
    investor_ids = Project.investors.through.objects.filter(
        Q(enterprise__name__icontains=q) | Q(enterprise__uscc=q.upper())
    ).values("project_id")
    match = Q(name__icontains=q) | Q(description__icontains=q) | Q(pk__in=investor_ids)
    return set(Project.objects.filter(match).values_list("pk", flat=True))


def scan_enterprises(q: str) -> set[int]:
    match = Q(name__icontains=q) | Q(uscc__startswith=q.upper())
    return set(Enterprise.objects.filter(match).values_list("pk", flat=True))


def found_projects(q: str) -> set[int]:
    return set(projects_matching(Project.objects.all(), q).values_list("pk", flat=True))


def found_enterprises(q: str) -> set[int]:
    return set(enterprises_matching(Enterprise.objects.all(), q).values_list("pk", flat=True))


def queries() -> list[str]:
    """The fixed words, credit-code fragments, and substrings cut from names and descriptions."""
    codes = sorted(Enterprise.objects.exclude(uscc=None).values_list("uscc", flat=True))
    words = [*FIXED, codes[0], codes[0][:8], codes[1][2:9].lower(), codes[2][-5:]]
    texts = sorted(Project.objects.values_list("name", flat=True))
    texts += sorted(Project.objects.values_list("description", flat=True))
    texts += sorted(Enterprise.objects.values_list("name", flat=True))
    rng = random.Random(8)
    for _ in range(150):
        text = rng.choice([t for t in texts if t])
        start = rng.randrange(len(text))
        words.append(text[start : start + rng.randint(1, 6)].strip() or "轴承")
    return words


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo city (`load_demo`), once for the tests of a class."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.usefixtures("demo")
class TestOnTheDemo:
    """Queries on the demo city, loaded once for the class."""

    @pytest.mark.django_db
    def test_every_query_finds_what_the_scan_finds_on_the_demo(self, demo):
        words = queries()
        for q in words:
            assert found_projects(q) == scan_projects(q), q
            assert found_enterprises(q) == scan_enterprises(q), q
        # The queries are not vacuous: most find something, some find nothing.
        assert sum(1 for q in words if scan_projects(q)) > 100
        assert len(scan_projects("轴承")) > 20
        assert len(scan_projects("光伏")) > 5
        assert len(scan_enterprises("轴承")) > 5
        assert scan_projects("没有这个词") == set()

    @pytest.mark.django_db
    def test_a_two_character_word_is_served_by_the_index_not_the_scan(self, demo):
        with connection.cursor() as cursor:
            for index, model in ((PROJECT_SEARCH, Project), (ENTERPRISE_SEARCH, Enterprise)):
                sql, params = index.candidates("轴承").as_sql(None, connection)
                cursor.execute(f"SELECT * FROM {sql} AS candidates", params)
                candidates = {row[0] for row in cursor.fetchall()}
                assert 0 < len(candidates) < model.objects.count() / 2
        assert found_projects("轴承") <= {
            *Project.objects.filter(
                Q(name__contains="轴承") | Q(description__contains="轴承")
            ).values_list("pk", flat=True),
            *Project.investors.through.objects.filter(
                enterprise__name__contains="轴承"
            ).values_list("project_id", flat=True),
        }

    @pytest.mark.django_db
    def test_the_pages_and_api_filter_through_the_index_within_the_users_scope(self, demo, client):
        city = User.objects.get(username="city")
        county = User.objects.get(username="linqing")
        everywhere = {p.pk for p in projects_for(user=city, filters=QueryDict("q=轴承"))}
        own = {p.pk for p in projects_for(user=county, filters=QueryDict("q=轴承"))}
        assert everywhere == scan_projects("轴承")
        visible = set(Project.objects.restrict(county, "view").values_list("pk", flat=True))
        assert own == everywhere & visible
        assert 0 < len(own) < len(everywhere)
        assert {
            e.pk for e in EnterpriseFilter({"q": " 轴承 "}, queryset=enterprises_for(user=city)).qs
        } == scan_enterprises("轴承")
        client.force_login(city)
        body = client.get("/api/enterprises/", {"q": "轴承", "page_size": 500}).json()
        assert {row["id"] for row in body["results"]} == scan_enterprises("轴承")


def test_the_index_follows_creates_renames_and_deletes(users, org):
    actor = users["city"]
    enterprise = enterprise_create(
        actor=actor, name="聊城精工滚珠丝杠有限公司", division_code="371581"
    )
    assert found_enterprises("滚珠丝杠") == {enterprise.pk}
    assert found_enterprises("杠有") == {enterprise.pk}
    project = project_create(
        actor=users["linqing"],
        name="精密丝杠项目",
        unit=org["linqing"],
        total_investment_wan=Decimal("20000"),
        description="年产滚珠丝杠十万套",
    )
    assert found_projects("丝杠") == {project.pk}
    enterprise_update(actor=actor, enterprise=enterprise, name="聊城精工光伏支架有限公司")
    project_update(actor=users["linqing"], project=project, name="光伏支架项目", description="")
    assert found_enterprises("滚珠丝杠") == found_projects("丝杠") == set()
    assert found_enterprises("光伏支架") == {enterprise.pk}
    assert found_projects("光伏支架") == {project.pk}
    project_update(actor=users["linqing"], project=project, investors=[enterprise])
    assert found_projects("精工") == {project.pk}
    project.delete()
    enterprise.delete()
    assert found_enterprises("光伏支架") == found_projects("光伏") == set()


@pytest.mark.django_db
def test_a_bulk_load_is_indexed_and_a_rebuild_gives_the_same_results(db):
    call_command(
        "load_demo", projects=300, funds_per_project=1, enterprises=400, stdout=io.StringIO()
    )
    words = ["轴承", "光伏", "有限", "公司", "轴", "9137"]
    before = {q: (found_projects(q), found_enterprises(q)) for q in words}
    for q in words:
        assert before[q] == (scan_projects(q), scan_enterprises(q)), q
    assert any(projects for projects, _ in before.values())
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "projects_project: 已重建" in out.getvalue()
    assert {q: (found_projects(q), found_enterprises(q)) for q in words} == before


def test_the_terms_are_character_pairs_with_ascii_folded_and_an_end_mark():
    assert search.sqlite_terms("轴承座", None, "Ab-1") == (
        f"轴承 承座 座{search.END} ab b\ue02d \ue02d1 1{search.END}"
    )
    assert search.sqlite_query("承座") == '"承座"'
    assert search.sqlite_query("AB-1") == '"ab b\ue02d \ue02d1"'
    assert search.sqlite_query("轴") == '"轴" *'
