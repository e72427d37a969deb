"""In Debian's chromium on a 390×844 phone: a county withdraws a 待核实 funds record, corrects
another, and corrects and resubmits one the city sent back, each from the project's funds table."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhaoshang.conftest import pdf_file
from zhaoshang.projects.models import EvidenceKind, FundsRecord, FundsStatus, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_reject,
    funds_submit,
    project_advance_stage,
)

from .test_e2e_lifecycle import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_county_withdraws_corrects_and_resubmits_its_funds_on_a_phone(
    page, live_server, users, make_project
):
    today = timezone.localdate()
    project = make_project(
        name="轴承基地",
        total_investment_wan=Decimal("20000"),
        lead_on=today - dt.timedelta(days=200),
    )
    project_advance_stage(
        project=project, to=Stage.SIGNED, on=today - dt.timedelta(days=100), actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("18000"),
    )  # fmt: skip
    this = today.replace(day=1)
    last = (this - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    records = {}
    for month, amount in ((this, "300"), (last, "200"), (before, "100")):
        records[month] = funds_submit(
            actor=users["linqing"], project=project, period=month, amount_wan=Decimal(amount),
            source="own", evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
        )  # fmt: skip
    funds_reject(actor=users["city"], record=records[before], reason="进账单金额不符")

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "linqing")
    page.goto(f"{live_server.url}/projects/{project.pk}/#funds")
    dialog = page.locator("#modal-content")

    page.get_by_role("link", name=f"撤回 {this:%Y-%m} 到位资金").click()
    expect(dialog.locator("#withdraw-question")).to_have_text(
        f"撤回 临清·轴承基地 {this:%Y-%m} 300万元？"
    )
    dialog.get_by_role("button", name="确认撤回").click()
    expect(page.locator("#modal")).not_to_be_visible()

    page.get_by_role("link", name=f"修改 {last:%Y-%m} 到位资金").click()
    dialog.locator("input[name=amount_wan]").fill("250")
    dialog.get_by_role("button", name="保存修改").click()
    expect(page.locator("#modal")).not_to_be_visible()

    page.get_by_role("link", name=f"重新提交 {before:%Y-%m} 到位资金").click()
    expect(dialog.locator("#funds-reject-reason")).to_contain_text("进账单金额不符")
    dialog.locator("input[name=amount_wan]").fill("120")
    dialog.get_by_role("button", name="确认重新提交").click()
    expect(page.locator("#modal")).not_to_be_visible()
    expect(page.get_by_text("已撤回")).to_be_visible()

    found = {
        r.period: (r.status, r.amount_wan) for r in FundsRecord.objects.filter(project=project)
    }
    assert found == {
        this: (FundsStatus.WITHDRAWN, Decimal("300.00")),
        last: (FundsStatus.SUBMITTED, Decimal("250.00")),
        before: (FundsStatus.SUBMITTED, Decimal("120.00")),
    }
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the funds table's buttons do not push the page sideways
