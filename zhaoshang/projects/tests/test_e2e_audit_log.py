"""End to end in Debian's chromium, on a 390×844 phone: the auditor reads a project's log
(issue 11 §5): filtered by the project's name, times in Beijing time, people by name and login,
types in Chinese, and the contract's upload with its SHA-256 under its stage change."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.conftest import PASSWORD
from zhaoshang.core import audit, auditchain
from zhaoshang.core.models import AuditAction
from zhaoshang.projects.models import EvidenceKind, Stage
from zhaoshang.projects.services import EvidenceFile, project_advance_stage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONTRACT = b"%PDF-1.4 contract signed in Linqing"
AT = dt.datetime(2024, 3, 31, 16, 30, tzinfo=dt.UTC)  # 2024-04-01 00:30 in Beijing


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def test_the_auditor_reads_a_projects_log_on_a_phone(
    phone, live_server, users, make_project, today, monkeypatch
):
    get_user_model().objects.filter(username="linqing").update(display_name="张伟")
    users["linqing"].refresh_from_db()
    project = make_project(name="临清轴承产业园")
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today - dt.timedelta(days=3),
        actor=users["linqing"],
        evidence=[
            EvidenceFile(
                EvidenceKind.CONTRACT,
                SimpleUploadedFile("投资合同.pdf", CONTRACT, content_type="application/pdf"),
            )
        ],
        contracted_investment_wan=Decimal("1000"),
    )
    with monkeypatch.context() as patch:
        patch.setattr(auditchain.timezone, "now", lambda: AT)
        audit.record(actor=users["linqing"], action=AuditAction.EXPORT, obj=project, note="导出")

    base = live_server.url
    phone.goto(f"{base}/accounts/login/")
    phone.fill("input[name=username]", "auditor")
    phone.fill("input[name=password]", PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{base}/**")

    phone.goto(f"{base}/audit/")
    phone.fill("#id_project", "轴承产业")
    phone.get_by_role("button", name="筛选").click()
    phone.wait_for_url(lambda url: "project=" in url)
    table = phone.locator("#audit-table")
    rows = table.locator("tbody > tr[data-entry]")
    assert rows.count() == 4  # created, contract uploaded, signed, exported
    texts = [rows.nth(i).inner_text() for i in range(4)]
    assert ["上传证明材料" in t for t in texts] == [False, True, False, False]
    assert all("张伟（linqing）" in t for t in texts)
    assert "阶段记录" in texts[1]
    # The entry written at 2024-03-31 16:30 UTC reads 2024-04-01 00:30 (Beijing), oldest last…
    exported = rows.nth(3)
    assert exported.locator("time").inner_text() == "2024-04-01 00:30:00"
    assert exported.locator("time").get_attribute("datetime") == "2024-04-01T00:30:00+08:00"
    assert rows.nth(0).locator("td").nth(3).inner_text() == "招商项目"
    assert rows.nth(0).locator("td").nth(3).get_attribute("title") == "projects.project"

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # …and the upload opens to its file name and SHA-256.
    rows.nth(1).get_by_role("button", name="详情").click()
    detail = phone.locator(f"#entry-{rows.nth(1).get_attribute('data-entry')}")
    detail.wait_for(state="visible")
    text = detail.inner_text()
    assert "投资合同.pdf" in text
    assert hashlib.sha256(CONTRACT).hexdigest() in text
    # The page itself never scrolls sideways on the phone (the table scrolls in its box).
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
