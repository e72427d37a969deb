"""The page permission matrix of the project pages (and the audit log, the lists of the other
apps, the thresholds), one declaration each, checked by the shared harness."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.core.tests.harness import NOBODY, Page, PagePermissionCases
from zhaoshang.core.tests.support import pdf_file
from zhaoshang.projects.models import EvidenceKind, FundsRecord, Project, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    milestone_create,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db


UNIT = ("dept_land", *NOBODY)
# 三员分立: the audit administrator opens no business page; the inspector reads, never writes.
NO_BUSINESS = (*UNIT, "auditor")
READ_ONLY = (*NO_BUSINESS, "inspector")
CITY_ONLY = ("linqing", "dongchangfu", *READ_ONLY)


class TestProjectPages(PagePermissionCases):
    pages = [
        Page("projects:list", denied=NO_BUSINESS),
        Page("projects:export", denied=NO_BUSINESS),
        Page("projects:create", write=True, denied=READ_ONLY),
        Page("projects:detail", "project", denied=NO_BUSINESS, scoped=True),
        Page("projects:edit", "project", write=True, denied=READ_ONLY, scoped=True),
        Page("projects:stage", "project", write=True, denied=READ_ONLY, scoped=True),
        Page("projects:funds-create", "project", write=True, denied=READ_ONLY, scoped=True),
        Page("projects:plan", "project", write=True, denied=READ_ONLY, scoped=True),
        Page("projects:milestone-create", "project", write=True, denied=READ_ONLY, scoped=True),
        Page("projects:progress-create", "project", write=True, denied=READ_ONLY, scoped=True),
        Page("projects:milestone-complete", "milestone", write=True, denied=READ_ONLY, scoped=True),
        Page("projects:funds-list", denied=NO_BUSINESS),
        Page("projects:evidence", "evidence", denied=NO_BUSINESS, scoped=True),
        Page(
            "projects:funds-verify",
            "funds",
            write=True,
            denied=CITY_ONLY,
        ),
        Page(
            "projects:funds-reject",
            "funds",
            write=True,
            denied=CITY_ONLY,
        ),
        Page("core:audit-log", denied=("linqing", "inspector", *UNIT)),
        Page("enterprises:list", denied=(*NOBODY, "auditor")),
        Page("industries:list", denied=(*NOBODY, "auditor")),
        Page(
            "industries:thresholds",
            write=True,
            denied=("linqing", "leader", "auditor", "inspector", *NOBODY),
        ),
    ]
    readers = ("linqing", "inspector", "auditor")

    def footprint(self) -> tuple:
        return (*super().footprint(), Project.objects.count(), FundsRecord.objects.count())


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
