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
from django.test.utils import CaptureQueriesContext

from zhaoshang.accounts.models import User
from zhaoshang.core import search
from zhaoshang.enterprises.filters import EnterpriseFilter, enterprise_page
from zhaoshang.enterprises.models import ENTERPRISE_SEARCH, Enterprise, Tag
from zhaoshang.enterprises.selectors import enterprises_for, enterprises_matching
from zhaoshang.enterprises.services import enterprise_create, enterprise_update
from zhaoshang.projects.filters import projects_matching
from zhaoshang.projects.models import PROJECT_SEARCH, Project, ProjectInvestorNames
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

    @pytest.mark.django_db
    def test_a_page_walked_in_order_holds_the_rows_the_index_finds_in_the_same_order(self, demo):
        city = User.objects.get(username="city")
        county = User.objects.get(username="linqing")
        for q in ["轴承", "光伏", "有限", "公司", "轴", "ABC", "9137", "承座", "没有这个词"]:
            for user in (city, county):
                filters = QueryDict(f"q={q}")
                looked_up = list(projects_for(user=user, filters=filters).values_list("pk"))
                walked = list(projects_for(user=user, filters=filters, walk=True).values_list("pk"))
                assert walked == looked_up, (q, user.username)
            rows = enterprises_for(user=city)
            assert list(EnterpriseFilter({"q": q}, queryset=rows, walk=True).qs[:200]) == list(
                EnterpriseFilter({"q": q}, queryset=rows).qs[:200]
            ), q

    @pytest.mark.django_db
    def test_the_enterprise_page_counts_a_keyword_alone_from_the_index(self, demo):
        city = User.objects.get(username="city")
        listed = Tag.objects.filter(enterprises__isnull=False).first()
        for q in ["轴承", "光伏", "有限", "9137", "abc"]:
            rows, count = enterprise_page({"q": q}, user=city, page_size=30)
            assert count == len(scan_enterprises(q)) == rows.count(), q
            assert [e.pk for e in rows[:30]] == [
                e.pk
                for e in Enterprise.objects.filter(pk__in=scan_enterprises(q)).order_by(
                    "name", "pk"
                )[:30]
            ], q
            rows, count = enterprise_page(
                QueryDict(f"q={q}&tag={listed.code}"), user=city, page_size=30
            )
            expected = scan_enterprises(q) & set(listed.enterprises.values_list("pk", flat=True))
            assert count == len(expected), q
        with CaptureQueriesContext(connection) as queries:
            rows, count = enterprise_page({"q": "轴承"}, user=city, page_size=30)
        counted = [query["sql"] for query in queries if "count(" in query["sql"].lower()]
        if connection.vendor == "sqlite":  # from the FTS table, no enterprise row read
            assert counted and all('"enterprises_enterprise"' not in sql for sql in counted)


def test_the_investors_names_follow_links_renames_and_deletes(users, org):
    """The names a project is found by are kept by the database itself, whoever writes."""
    linqing = users["linqing"]
    first = enterprise_create(actor=users["city"], name="聊城精工滚珠丝杠有限公司")
    second = enterprise_create(actor=users["city"], name="临清华宇光伏支架有限公司")
    project = project_create(
        actor=linqing, name="新建项目", unit=org["linqing"], total_investment_wan=Decimal("100")
    )
    names = ProjectInvestorNames.objects.filter(pk=project.pk)
    assert not names.exists() and found_projects("丝杠") == set()
    project_update(actor=linqing, project=project, investors=[first, second])
    assert sorted(names.get().names.split("\n")) == sorted([first.name, second.name])
    assert found_projects("丝杠") == found_projects("光伏支架") == {project.pk}
    assert found_projects("公司临") == found_projects("司\n临") == set()  # not across two names
    enterprise_update(actor=users["city"], enterprise=first, name="聊城精工齿轮有限公司")
    assert found_projects("丝杠") == set() and found_projects("齿轮") == {project.pk}
    project.investors.remove(second)  # not through a service: the database keeps it all the same
    assert names.get().names == "聊城精工齿轮有限公司"
    assert found_projects("光伏支架") == set()
    project.investors.clear()
    assert not names.exists() and found_projects("齿轮") == set()
    project.investors.add(second)
    assert found_projects("光伏支架") == {project.pk}
    project.investors.clear()
    project.delete()
    assert not ProjectInvestorNames.objects.exists()
    for q in ["丝杠", "齿轮", "光伏", "有限"]:
        assert found_projects(q) == scan_projects(q), q


def test_a_page_walks_in_order_only_when_most_pages_rows_hold_the_word():
    assert search.walks(50_000, 1_000_000, 30)  # 轴承 among the enterprises
    assert search.walks(4_000, 100_000, 50)
    assert not search.walks(2_000, 100_000, 50)  # lookups: 2,000 rows; a walk: 2,500
    assert not search.walks(33, 100_000, 50)
    assert not search.walks(0, 0, 50)
    assert search.page_number({"page": "3"}) == 3
    assert search.page_number({"page": "x"}) == search.page_number({}) == 1
    assert not search.walks(50_000, 1_000_000, 30 * search.page_number({"page": "last"}))


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
    assert "projects_projectinvestornames: 已重建" in out.getvalue()
    assert {q: (found_projects(q), found_enterprises(q)) for q in words} == before


def test_the_terms_are_character_pairs_with_ascii_folded_and_an_end_mark():
    assert search.sqlite_terms("轴承座", None, "Ab-1") == (
        f"轴承 承座 座{search.END} ab b\ue02d \ue02d1 1{search.END}"
    )
    assert search.sqlite_query("承座") == '"承座"'
    assert search.sqlite_query("AB-1") == '"ab b\ue02d \ue02d1"'
    assert search.sqlite_query("轴") == '"轴" *'
