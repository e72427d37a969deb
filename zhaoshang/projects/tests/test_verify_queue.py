"""The city's verification queue (资金核实): filters, pages, order, the decision in place, the
confirmation that names the record, and who may do it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.conftest import pdf_file
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.projects.models import EvidenceKind, FundsRecord, FundsStatus, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    funds_verify,
    project_advance_stage,
)
from zhaoshang.projects.views.funds import amount_text

pytestmark = pytest.mark.django_db

QUEUE = reverse("projects:verify-queue")
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "modal-content"}


def months_ago(today: dt.date, n: int) -> dt.date:
    month = today.replace(day=1)
    for _ in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def signed_project(make_project, users, unit_user: str, name: str, total: str, today: dt.date):
    project = make_project(
        unit_user,
        name=name,
        total_investment_wan=Decimal(total),
        lead_on=today - dt.timedelta(days=200),
    )
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=months_ago(today, 3),
        actor=users[unit_user],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal(total),
    )
    return project


def submit(project, actor, period, amount: str, **extra) -> FundsRecord:
    return funds_submit(
        actor=actor,
        project=project,
        period=period,
        amount_wan=Decimal(amount),
        source="own",
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
        **extra,
    )


@pytest.fixture
def queue(make_project, users, today):
    """临清: 5,000 (this month) and 1,500.50 (last month) on a 20,000 project; 东昌府: 3,000
    verified two months ago, then 8,000 last month on a 10,000 project (entered by the city
    with its reason), which verified would make 11,000: over the total investment."""
    bearing = signed_project(make_project, users, "linqing", "高端轴承基地", "20000", today)
    battery = signed_project(make_project, users, "dongchangfu", "新能源电池", "10000", today)
    this, last, before = months_ago(today, 0), months_ago(today, 1), months_ago(today, 2)
    a = submit(bearing, users["linqing"], this, "5000")
    b = submit(bearing, users["linqing"], last, "1500.5")
    first = submit(battery, users["dongchangfu"], before, "3000")
    funds_verify(actor=users["city"], record=first)
    c = submit(battery, users["city"], last, "8000", override_reason="增资协议已签")
    return {"a": a, "b": b, "c": c, "this": this, "last": last, "bearing": bearing}


def pks(response) -> list[int]:
    return [r.pk for r in response.context["page"]]


def test_the_queue_filters_by_unit_month_and_over_the_total_investment(client, users, queue):
    a, b, c = queue["a"].pk, queue["b"].pk, queue["c"].pk
    client.force_login(users["city2"])
    assert pks(client.get(QUEUE)) == [a, b, c]
    assert pks(client.get(QUEUE, {"unit": "371581"})) == [a, b]
    assert pks(client.get(QUEUE, {"unit": "371502"})) == [c]
    assert pks(client.get(QUEUE, {"unit": "371503"})) == []
    assert pks(client.get(QUEUE, {"month": f"{queue['last']:%Y-%m}"})) == [b, c]
    assert pks(client.get(QUEUE, {"month": f"{queue['this']:%Y-%m}"})) == [a]
    assert pks(client.get(QUEUE, {"over_cap": "1"})) == [c]
    assert pks(client.get(QUEUE, {"over_cap": "0"})) == [a, b]
    both = {"unit": "371581", "month": f"{queue['last']:%Y-%m}"}
    assert pks(client.get(QUEUE, both)) == [b]
    assert pks(client.get(QUEUE, {**both, "over_cap": "1"})) == []


def test_over_the_total_investment_is_marked_on_the_row(client, users, queue):
    client.force_login(users["city2"])
    response = client.get(QUEUE)
    rows = {r.pk: r for r in response.context["page"]}
    assert [pk for pk, r in rows.items() if r.over_cap] == [queue["c"].pk]
    assert rows[queue["c"].pk].project_verified_wan == Decimal("3000.00")
    html = response.content.decode()
    assert f'id="funds-{queue["c"].pk}" class="queue-row table-danger"' in html
    assert f'id="funds-{queue["a"].pk}" class="queue-row"' in html


def test_the_month_choices_are_the_months_in_the_queue(client, users, queue):
    client.force_login(users["city2"])
    months = client.get(QUEUE).context["months"]
    assert months == [queue["this"], queue["last"]]


def test_the_queue_orders_oldest_or_newest_first(client, users, queue):
    a, b, c = queue["a"].pk, queue["b"].pk, queue["c"].pk
    client.force_login(users["city2"])
    assert pks(client.get(QUEUE, {"order": "oldest"})) == [a, b, c]
    assert pks(client.get(QUEUE, {"order": "newest"})) == [c, b, a]
    assert pks(client.get(QUEUE, {"order": "newest", "unit": "371581"})) == [b, a]


def test_the_queue_is_paged(client, users, queue, monkeypatch):
    monkeypatch.setattr("zhaoshang.projects.views.funds.QUEUE_PAGE_SIZE", 2)
    a, b, c = queue["a"].pk, queue["b"].pk, queue["c"].pk
    client.force_login(users["city2"])
    first = client.get(QUEUE)
    assert pks(first) == [a, b]
    assert first.context["page"].paginator.num_pages == 2
    html = first.content.decode()
    assert "第 1 / 2 页" in html and "?page=2" in html
    assert pks(client.get(QUEUE, {"page": "2"})) == [c]
    assert pks(client.get(QUEUE, {"page": "2", "order": "newest"})) == [a]
    assert pks(client.get(QUEUE, {"page": "99"})) == [c]  # past the end: the last page
    assert pks(client.get(QUEUE, {"page": "abc"})) == [a, b]


def test_the_results_alone_are_sent_to_htmx(client, users, queue):
    client.force_login(users["city2"])
    response = client.get(
        QUEUE, {"unit": "371581"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results"
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="queue-shown">2</span>' in html
    assert response.templates[0].name == "projects/partials/verify_results.html"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"unit": "nowhere"}, "单位无效，请从列表中选择"),
        ({"month": "2024-13"}, "月份格式应为“2024-10”"),
        ({"month": "十月"}, "月份格式应为“2024-10”"),
        ({"over_cap": "maybe"}, "“超总投资”条件无效"),
        ({"order": "sideways"}, "排序只能为“最早提交在前”或“最新提交在前”"),
    ],
)
def test_a_bad_filter_value_is_a_chinese_error_and_ignored(client, users, queue, params, message):
    client.force_login(users["city2"])
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(pks(response)) == 3


def test_the_confirmation_names_unit_project_month_and_amount(client, users, queue):
    record = queue["a"]
    client.force_login(users["city2"])
    response = client.get(reverse("projects:funds-verify", args=[record.pk]), **HTMX)
    html = response.content.decode()
    expected = f"核实 临清·高端轴承基地 {record.period:%Y-%m} 5,000万元？"
    assert f'<p class="fs-5 fw-semibold mb-3" id="verify-question">{expected}</p>' in html
    assert "确认核实" in html
    reject = client.get(reverse("projects:funds-reject", args=[queue["b"].pk]), **HTMX)
    assert f"退回 临清·高端轴承基地 {queue['b'].period:%Y-%m} 1,500.50万元？" in (
        reject.content.decode()
    )


def test_the_confirmation_warns_when_verifying_goes_over_the_total_investment(client, users, queue):
    client.force_login(users["city2"])
    html = client.get(reverse("projects:funds-verify", args=[queue["c"].pk]), **HTMX)
    text = html.content.decode()
    assert "核实后该项目累计到位资金将超过总投资；填报时的确认理由：增资协议已签。" in text
    calm = client.get(reverse("projects:funds-verify", args=[queue["a"].pk]), **HTMX)
    assert "将超过总投资" not in calm.content.decode()


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("5000", "5,000"),
        ("5000.00", "5,000"),
        ("1500.5", "1,500.50"),
        ("12345678.9", "12,345,678.90"),
        ("0.01", "0.01"),
    ],
)
def test_amounts_in_the_confirmation_are_wan_with_thousands_separators(amount, text):
    assert amount_text(Decimal(amount)) == text


def test_verifying_in_the_dialog_removes_the_row_in_place(client, users, queue):
    record = queue["a"]
    client.force_login(users["city2"])
    url = reverse("projects:funds-verify", args=[record.pk]) + "?back=unit%3D371581"
    response = client.post(url, {"note": "与进账单一致"}, **HTMX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {
        "zhaoshang:close-modal": True,
        "queue:decided": record.pk,
    }
    html = response.content.decode()
    assert f'<div hx-swap-oob="delete:#funds-{record.pk}"></div>' in html
    assert 'id="queue-count" hx-swap-oob="true" title="待核实（不含本人填报）">2</span>' in html
    assert '<span id="queue-shown" hx-swap-oob="true">1</span>' in html  # 临清 left: 1
    assert f"已核实：临清·高端轴承基地 {record.period:%Y-%m} 5,000万元" in html
    record.refresh_from_db()
    assert (record.status, record.verified_by) == (FundsStatus.VERIFIED, users["city2"])
    entry = AuditEntry.objects.get(action=AuditAction.VERIFY, object_id=str(record.pk))
    assert entry.note == "与进账单一致"
    assert pks(client.get(QUEUE)) == [queue["b"].pk, queue["c"].pk]


def test_without_htmx_a_decision_returns_to_the_filtered_queue(client, users, queue):
    client.force_login(users["city2"])
    url = reverse("projects:funds-verify", args=[queue["a"].pk]) + "?back=unit%3D371581"
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == QUEUE + "?unit=371581"


def test_rejecting_needs_a_reason_on_the_field_then_removes_the_row(client, users, queue):
    record = queue["b"]
    client.force_login(users["city2"])
    url = reverse("projects:funds-reject", args=[record.pk])
    refused = client.post(url, {"reason": " "}, **HTMX)
    assert refused.status_code == 200 and "HX-Trigger" not in refused
    assert refused.context["form"].errors["reason"] == ["退回必须说明原因"]
    assert "hx-swap-oob" not in refused.content.decode()
    response = client.post(url, {"reason": "进账单金额与填报不符"}, **HTMX)
    assert f'<div hx-swap-oob="delete:#funds-{record.pk}"></div>' in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.reject_reason) == (FundsStatus.REJECTED, "进账单金额与填报不符")


def test_ones_own_entry_is_refused_in_the_dialog_and_stays(client, users, queue):
    record = queue["c"]  # entered by city
    client.force_login(users["city"])
    response = client.post(reverse("projects:funds-verify", args=[record.pk]), **HTMX)
    html = response.content.decode()
    assert "不能核实自己填报的记录" in html and "hx-swap-oob" not in html
    record.refresh_from_db()
    assert record.status == FundsStatus.SUBMITTED


def test_a_record_decided_meanwhile_leaves_the_queue_with_the_reason(client, users, queue):
    record = queue["a"]
    funds_verify(actor=users["city"], record=record)
    client.force_login(users["city2"])
    response = client.post(
        reverse("projects:funds-reject", args=[record.pk]), {"reason": "x"}, **HTMX
    )
    html = response.content.decode()
    assert f'<div hx-swap-oob="delete:#funds-{record.pk}"></div>' in html
    assert "该记录已核实，不能重复处理" in html
    record.refresh_from_db()
    assert (record.status, record.verified_by) == (FundsStatus.VERIFIED, users["city"])


@pytest.mark.parametrize("who", ["linqing", "linqing_leader", "inspector", "auditor", "sysadmin"])
def test_only_verifiers_open_the_queue_and_decide(client, users, queue, who):
    record = queue["c"]
    client.force_login(users[who])
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("projects:funds-verify", args=[record.pk])).status_code == 403
    assert (
        client.post(reverse("projects:funds-verify", args=[record.pk]), **HTMX).status_code == 403
    )
    url = reverse("projects:funds-reject", args=[record.pk])
    assert client.post(url, {"reason": "x"}, **HTMX).status_code == 403
    record.refresh_from_db()
    assert record.status == FundsStatus.SUBMITTED


def test_anonymous_is_sent_to_the_login(client, queue):
    response = client.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    post = client.post(reverse("projects:funds-verify", args=[queue["a"].pk]))
    assert post.status_code == 302
