"""The page permission matrix, one declaration per model's pages.

For every page: anonymous → login redirect; a role without the model permission → 403;
another unit's record → 404; the auditor reads but every write (POST) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.support import pdf_file
from zhaoshang.projects.models import EvidenceKind, FundsRecord, Project, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    milestone_create,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    """A page of one model: its URL name, how to build its args, and what it does."""

    name: str
    args: str = ""  # key in the `objects` fixture whose pk is the URL argument
    write: bool = False  # a POST changes data
    scoped: bool = True  # a record of linqing's unit: another unit gets 404
    denied: tuple[str, ...] = ("dept_land", "sysadmin", "norole")  # → 403


PAGES = [
    Page("projects:list", scoped=False),
    Page("projects:export", scoped=False),
    Page("projects:create", write=True, scoped=False),
    Page("projects:detail", "project"),
    Page("projects:edit", "project", write=True),
    Page("projects:stage", "project", write=True),
    Page("projects:funds-create", "project", write=True),
    Page("projects:plan", "project", write=True),
    Page("projects:milestone-create", "project", write=True),
    Page("projects:progress-create", "project", write=True),
    Page("projects:milestone-complete", "milestone", write=True),
    Page("projects:funds-list", scoped=False),
    Page("projects:evidence", "evidence"),
    Page("projects:funds-verify", "funds", write=True),
    Page("projects:funds-reject", "funds", write=True),
    Page("core:audit-log", scoped=False, denied=("linqing", "dept_land", "sysadmin", "norole")),
    Page("enterprises:list", scoped=False, denied=("sysadmin", "norole")),
    Page("industries:list", scoped=False, denied=("sysadmin", "norole")),
    Page(
        "industries:thresholds",
        write=True,
        scoped=False,
        denied=("linqing", "leader", "auditor", "sysadmin", "norole"),
    ),
]


@pytest.fixture
def objects(users, make_project, today):
    project = make_project()
    change = project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("100"),
    )
    funds = funds_submit(
        actor=users["linqing"],
        project=project,
        period=today,
        amount_wan=Decimal("10"),
        source="own",
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file())],
    )
    milestone = milestone_create(
        actor=users["linqing"], project=project, title="完成环评", due_on=today
    )
    return {
        "project": project,
        "funds": funds,
        "milestone": milestone,
        "evidence": change.evidence.get(),
    }


def url(page: Page, objects) -> str:
    return reverse(page.name, args=[objects[page.args].pk] if page.args else [])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_anonymous_is_sent_to_login(client, objects, page):
    response = client.get(url(page, objects))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_role_without_permission_gets_403(client, users, objects, page):
    for name in page.denied:
        client.force_login(users[name])
        method = client.post if page.write else client.get
        assert method(url(page, objects)).status_code == 403, name


@pytest.mark.parametrize("page", [p for p in PAGES if p.scoped], ids=lambda p: p.name)
def test_other_unit_record_is_404(client, users, objects, page):
    client.force_login(users["dongchangfu"])
    if page.name.startswith("projects:funds-"):
        # Only the city verifies; another county is refused before the lookup.
        assert client.post(url(page, objects)).status_code in (403, 404)
        return
    method = client.post if page.write else client.get
    assert method(url(page, objects)).status_code == 404


@pytest.mark.parametrize("page", [p for p in PAGES if p.write], ids=lambda p: p.name)
def test_auditor_cannot_write(client, users, objects, page):
    client.force_login(users["auditor"])
    before = (
        AuditEntry.objects.exclude(action__in=["login", "logout"]).count(),
        Project.objects.count(),
        FundsRecord.objects.count(),
    )
    assert client.post(url(page, objects), {"reason": "x", "name": "x"}).status_code == 403
    after = (
        AuditEntry.objects.exclude(action__in=["login", "logout"]).count(),
        Project.objects.count(),
        FundsRecord.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize(
    "page", [p for p in PAGES if not p.write and p.name != "core:audit-log"], ids=lambda p: p.name
)
def test_owner_unit_reads_its_pages(client, users, objects, page):
    client.force_login(users["linqing"])
    assert client.get(url(page, objects)).status_code == 200
