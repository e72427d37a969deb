"""The page permission matrix of the project pages (and the audit log, the lists of the other
apps, the thresholds), one declaration each, checked by the shared harness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.activities.models import Event, Trip, Visit
from zhaoshang.activities.services import (
    MemberInput,
    ParticipantInput,
    event_create,
    trip_create,
    visit_create,
)
from zhaoshang.core.tests.harness import NOBODY, Page, PagePermissionCases
from zhaoshang.core.tests.support import pdf_file
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import Campaign, EvidenceKind, FundsRecord, Project, Stage
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


# 登门拜访 (#12): units write their own visits, the city every unit's; leaders and inspectors
# read; departments and commissioners have none. The visit is linqing's, planned.
NO_VISIT_WRITE = (*READ_ONLY, "leader", "linqing_leader", "commissioner")


class TestVisitPages(PagePermissionCases):
    pages = [
        Page("activities:visit-list", denied=(*NO_BUSINESS, "commissioner")),
        Page("activities:visit-create", write=True, denied=NO_VISIT_WRITE),
        Page(
            "activities:visit-detail", "visit", denied=(*NO_BUSINESS, "commissioner"), scoped=True
        ),
        Page("activities:visit-edit", "visit", write=True, denied=NO_VISIT_WRITE, scoped=True),
        Page("activities:visit-complete", "visit", write=True, denied=NO_VISIT_WRITE, scoped=True),
        Page("activities:visit-cancel", "visit", write=True, denied=NO_VISIT_WRITE, scoped=True),
        Page(
            "activities:visit-join",
            "visit",
            write=True,
            denied=NO_VISIT_WRITE,
            scoped=True,
            post_only=True,
        ),
        Page(
            "activities:visit-lead",
            "visit",
            write=True,
            denied=NO_VISIT_WRITE,
            scoped=True,
            post_only=True,
        ),
        Page("activities:visit-rules", write=True, denied=("linqing", *NO_VISIT_WRITE)),
        Page(
            "enterprises:contact-rules",
            "enterprise",
            write=True,
            denied=("linqing", *NO_VISIT_WRITE),
        ),
    ]
    readers = ("linqing", "inspector", "leader", "linqing_leader")
    writers = ("linqing", "city")

    def footprint(self) -> tuple:
        return (*super().footprint(), Visit.objects.count())


# 外出招商, 集中活动 and 会战成效 (#12 §2): like visits. The trip and the event are linqing's.
NO_TRIP_READ = (*NO_BUSINESS, "commissioner")


class TestTripPages(PagePermissionCases):
    pages = [
        Page("activities:trip-list", denied=NO_TRIP_READ),
        Page("activities:trip-create", write=True, denied=NO_VISIT_WRITE),
        Page("activities:trip-detail", "trip", denied=NO_TRIP_READ, scoped=True),
        Page("activities:trip-edit", "trip", write=True, denied=NO_VISIT_WRITE, scoped=True),
        Page("activities:event-list", denied=NO_TRIP_READ),
        Page("activities:event-create", write=True, denied=NO_VISIT_WRITE),
        Page("activities:event-detail", "event", denied=NO_TRIP_READ, scoped=True),
        Page("activities:event-edit", "event", write=True, denied=NO_VISIT_WRITE, scoped=True),
        Page("activities:campaign-list", denied=NO_TRIP_READ),
        Page("activities:campaign-detail", "campaign", denied=NO_TRIP_READ),
    ]
    readers = ("linqing", "inspector", "leader", "linqing_leader")
    writers = ("linqing", "city")

    def footprint(self) -> tuple:
        return (*super().footprint(), Trip.objects.count(), Event.objects.count())


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
    enterprise = Enterprise.objects.create(name="某企业")
    visit = visit_create(
        actor=users["linqing"], date=today + dt.timedelta(days=3), status="planned",
        enterprises=[enterprise], participants=[ParticipantInput(name="王科长")],
    )  # fmt: skip
    trip = trip_create(
        actor=users["linqing"], starts_on=today, ends_on=today, cities="深圳",
        participants=[MemberInput(name="王县长", level="county_main", leads=True)],
    )  # fmt: skip
    event = event_create(
        actor=users["linqing"], name="轴承推介会", kind="promotion", date=today, place="深圳"
    )
    return {
        "project": project,
        "funds": funds,
        "milestone": milestone,
        "evidence": change.evidence.get(),
        "enterprise": enterprise,
        "visit": visit,
        "trip": trip,
        "event": event,
        "campaign": Campaign.objects.create(name="产业招商百日会战", year=today.year),
    }
