"""The statistics year (统计年度): one configured value, the year every page opens on.

It is never inferred from the records: a funds record of a later year moves no default.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.closing import statistics_year_set
from zhaoshang.core.models import AuditEntry, StatisticsYear
from zhaoshang.core.periods import statistics_year
from zhaoshang.core.tests.support import PASSWORD, pdf_file
from zhaoshang.projects.models import EvidenceKind, FundsSource, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    funds_verify,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_without_a_setting_the_statistics_year_is_todays_year(db):
    assert statistics_year(dt.date(2031, 5, 1)) == 2031


def test_the_city_sets_the_statistics_year_and_each_change_is_audited(users):
    first = statistics_year_set(actor=users["city"], year="2024")
    assert (first.pk, first.year, first.updated_by_name) == (1, 2024, "city")
    assert statistics_year(dt.date(2031, 5, 1)) == 2024
    statistics_year_set(actor=users["city2"], year=2025)
    assert StatisticsYear.objects.count() == 1
    assert statistics_year() == 2025
    entries = AuditEntry.objects.filter(content_type__model="statisticsyear").order_by("id")
    assert [(e.action, e.user.username) for e in entries] == [
        ("create", "city"),
        ("update", "city2"),
    ]
    assert (entries[1].before["year"], entries[1].after["year"]) == (2024, 2025)


@pytest.mark.parametrize("bad", ["", "abc", "1999", "2100", "20.5"])
def test_a_year_that_is_not_a_year_is_refused_on_the_field_and_nothing_is_written(users, bad):
    with pytest.raises(ValidationError) as exc:
        statistics_year_set(actor=users["city"], year=bad)
    assert exc.value.message_dict == {"year": ["统计年度应为 2000–2099 之间的年份"]}
    assert not StatisticsYear.objects.exists() and not AuditEntry.objects.exists()


def test_a_county_cannot_set_the_statistics_year(users):
    with pytest.raises(PermissionDenied):
        statistics_year_set(actor=users["linqing"], year=2024)
    assert not StatisticsYear.objects.exists()


def test_the_city_sets_it_on_the_periods_page(client, users):
    logged_in(client, users["city"])
    page = client.get("/goals/periods/").content.decode()
    assert 'id="statistics-year-form"' in page
    response = client.post("/goals/periods/year/", {"year": "2024"}, follow=True)
    assert "统计年度已设为 2024 年" in response.content.decode()
    assert '<strong id="statistics-year">2024 年</strong>' in response.content.decode()
    response = client.post("/goals/periods/year/", {"year": "24"}, follow=True)
    assert "设置失败：统计年度应为 2000–2099 之间的年份" in response.content.decode()
    assert statistics_year() == 2024
    client.logout()
    logged_in(client, users["linqing"])
    assert client.post("/goals/periods/year/", {"year": "2030"}).status_code == 403
    assert statistics_year() == 2024


def test_a_record_of_a_later_year_moves_no_page_off_the_statistics_year(
    client, users, make_project, today
):
    """One record dated this year (later than the configured 2024) leaves every default on 2024;
    ?year= still shows the later year."""
    statistics_year_set(actor=users["city"], year=2024)
    project = make_project(lead_on=today.replace(month=1, day=2))
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today.replace(month=1, day=3),
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=project.total_investment_wan,
    )
    record = funds_submit(
        actor=users["linqing"],
        project=project,
        period=today.replace(month=1, day=1),
        amount_wan=Decimal("500"),
        source=FundsSource.OWN,
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
    )
    funds_verify(actor=users["city"], record=record)
    assert today.year > 2024
    for who in ("city", "linqing"):
        logged_in(client, users[who])
        home = client.get("/")
        assert home.context["figures"]["year"] == 2024
        assert home.context["figures"]["funds_verified_wan"] == 0
        assert client.get("/goals/", follow=True).context["year"] == 2024
        later = client.get("/", {"year": today.year}).context["figures"]
        assert (later["year"], later["funds_verified_wan"]) == (today.year, Decimal("500.00"))
        client.logout()
    logged_in(client, users["city"])
    assert client.get("/service/figures/").context["period"].label == "2024"
    assert client.get("/goals/indicators/funds_verified/").context["period"].label == "2024"
