"""End to end in Debian's chromium: a county creates and signs a project, the city verifies funds.

临清 staff log in, create a project, advance it to 签约 with a contract file, submit a month of
到位资金 with a bank receipt; the city verifies it; the home-page total changes.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhaoshang.conftest import PASSWORD
from zhaoshang.projects.models import FundsRecord, FundsStatus, Project, Stage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def logout(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/**")


def test_county_signs_project_submits_funds_and_city_verifies(page, live_server, users, tmp_path):
    base = live_server.url
    contract = tmp_path / "投资合同.pdf"
    contract.write_bytes(b"%PDF-1.4 contract")
    receipt = tmp_path / "银行进账单.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")

    login(page, base, "linqing")
    assert page.locator("[data-figure=funds-verified]").inner_text() == "0.00 万元"

    page.goto(f"{base}/projects/new/")
    page.fill("input[name=name]", "高端精密轴承产业园")
    page.fill("input[name=total_investment_wan]", "50000")
    page.locator("form button.btn-primary", has_text="保存").click()
    page.wait_for_url("**/projects/*/")
    project = Project.objects.get(name="高端精密轴承产业园")
    assert (project.unit.name, project.stage) == ("临清市", Stage.LEAD)

    page.get_by_role("link", name="变更阶段").click()
    dialog = page.locator("#modal-content")
    dialog.locator("select[name=to]").select_option("signed")
    signed_on = timezone.localdate()
    dialog.locator("input[name=on]").fill(signed_on.isoformat())
    dialog.locator("input[name=contracted_investment_wan]").fill("45000")
    dialog.locator("select[name='evidence-0-kind']").select_option("contract")
    dialog.locator("input[name='evidence-0-file']").set_input_files(str(contract))
    dialog.get_by_role("button", name="确认变更").click()
    expect(page.locator("#modal")).not_to_be_visible()
    project.refresh_from_db()
    assert (project.stage, project.signed_on) == (Stage.SIGNED, signed_on)
    assert project.stage_changes.get(to_stage=Stage.SIGNED).evidence.count() == 1

    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_role("link", name="填报到位资金").click()
    dialog = page.locator("#modal-content")
    dialog.locator("input[name=period]").fill(f"{timezone.localdate():%Y-%m}")
    dialog.locator("input[name=amount_wan]").fill("1200")
    dialog.locator("select[name=source]").select_option("own")
    dialog.locator("select[name='evidence-0-kind']").select_option("bank_receipt")
    dialog.locator("input[name='evidence-0-file']").set_input_files(str(receipt))
    dialog.get_by_role("button", name="提交核实").click()
    expect(page.locator("#modal")).not_to_be_visible()
    record = FundsRecord.objects.get(project=project)
    assert (record.status, str(record.amount_wan)) == (FundsStatus.SUBMITTED, "1200.00")
    logout(page)

    login(page, base, "city")
    page.goto(f"{base}/projects/funds/verify/")
    row = page.locator(".queue-row", has_text="高端精密轴承产业园")
    row.get_by_role("link", name="核实").click()
    page.get_by_role("button", name="确认核实").click()
    expect(page.locator(".queue-row", has_text="高端精密轴承产业园")).to_have_count(0)
    record.refresh_from_db()
    assert (record.status, record.verified_by.username) == (FundsStatus.VERIFIED, "city")
    logout(page)

    login(page, base, "linqing")
    assert page.locator("[data-figure=funds-verified]").inner_text() == "1,200.00 万元"
