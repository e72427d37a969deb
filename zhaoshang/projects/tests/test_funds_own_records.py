"""The submitting unit's own funds records: withdraw or correct a 待核实 one, correct and resubmit
a 退回 one. Totals stay exact, history stays visible, maker-checker stays intact."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhaoshang.conftest import pdf_file
from zhaoshang.core import audit
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.core.models import AuditAction
from zhaoshang.projects.figures import funds_totals
from zhaoshang.projects.models import EvidenceKind, FundsMonthlyTotal, FundsRecord, FundsStatus
from zhaoshang.projects.selectors import verification_queue
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_correct,
    funds_reject,
    funds_resubmit,
    funds_verify,
    funds_withdraw,
)
from zhaoshang.projects.services.funds_totals import funds_totals_diff

from . import test_funds
from .test_funds import submit

pytestmark = pytest.mark.django_db

signed_project = test_funds.signed_project  # signed 40 days ago, 总投资 1000 万元


@pytest.fixture
def months(today):
    this = today.replace(day=1)
    return this, (this - dt.timedelta(days=1)).replace(day=1)


def totals(user, months):
    this, _last = months
    return funds_totals(user, start=dt.date(2020, 1, 1), end=this + dt.timedelta(days=31))


def table(unit_id):
    return {
        (t.period, t.status): (t.amount_wan, t.record_count)
        for t in FundsMonthlyTotal.objects.filter(unit_id=unit_id).exclude(record_count=0)
    }


def queue_ids(user):
    return [r.pk for r in verification_queue(user=user).qs]


def test_withdrawing_a_pending_record_takes_it_out_of_the_queue_and_the_totals(
    users, signed_project, months, org
):
    this, last = months
    kept = submit(users, signed_project, "300", period=last)
    gone = submit(users, signed_project, "200", period=this)
    assert totals(users["city"], months) == {
        "verified_wan": Decimal("0.00"), "pending_wan": Decimal("500.00"), "pending_count": 2,
    }  # fmt: skip
    funds_withdraw(actor=users["linqing"], record=gone, version=version_of(gone), reason="填错月份")
    gone.refresh_from_db()
    assert gone.status == FundsStatus.WITHDRAWN  # kept on file, not deleted
    assert gone.evidence.count() == 1
    assert totals(users["city"], months) == {
        "verified_wan": Decimal("0.00"), "pending_wan": Decimal("300.00"), "pending_count": 1,
    }  # fmt: skip
    assert table(org["linqing"].pk) == {
        (last, FundsStatus.SUBMITTED): (Decimal("300.00"), 1),
        (this, FundsStatus.WITHDRAWN): (Decimal("200.00"), 1),
    }
    assert funds_totals_diff() == []
    assert queue_ids(users["city"]) == [kept.pk]
    entry = audit.history_for(gone).get(action=AuditAction.UPDATE)
    assert (entry.note, entry.before["status"], entry.after["status"]) == (
        "撤回：填错月份", "submitted", "withdrawn",
    )  # fmt: skip
    again = submit(users, signed_project, "250", period=this)  # the month is free again
    assert again.status == FundsStatus.SUBMITTED and funds_totals_diff() == []


def test_only_the_submitting_unit_withdraws_and_only_while_pending(users, signed_project, months):
    record = submit(users, signed_project, "300", period=months[0])
    with pytest.raises(PermissionDenied):
        funds_withdraw(actor=users["dongchangfu"], record=record)
    with pytest.raises(ValidationError) as caught:
        funds_withdraw(actor=users["city"], record=record)
    assert caught.value.message_dict == {"status": ["只有填报单位可以撤回该记录"]}
    funds_verify(actor=users["city"], record=record)
    with pytest.raises(ValidationError) as caught:
        funds_withdraw(actor=users["linqing"], record=record)
    assert caught.value.message_dict == {"status": ["该记录已核实，不能撤回"]}
    assert FundsRecord.objects.get().status == FundsStatus.VERIFIED


def test_correcting_a_pending_record_moves_its_amount_between_months(
    users, signed_project, months, org
):
    this, last = months
    record = submit(users, signed_project, "300", period=this)
    funds_correct(
        actor=users["linqing"],
        record=record,
        version=version_of(record),
        period=last,
        amount_wan=Decimal("350"),
        source="own",
        note="更正月份和金额",
        evidence=[EvidenceFile(EvidenceKind.CAPITAL_VERIFICATION, pdf_file("验资报告.pdf"))],
    )
    record.refresh_from_db()
    assert (record.period, record.amount_wan, record.status) == (
        last, Decimal("350.00"), FundsStatus.SUBMITTED,
    )  # fmt: skip
    assert sorted(record.evidence.values_list("original_name", flat=True)) == [
        "进账单.pdf", "验资报告.pdf",
    ]  # fmt: skip
    assert table(org["linqing"].pk) == {(last, FundsStatus.SUBMITTED): (Decimal("350.00"), 1)}
    assert totals(users["city"], months)["pending_wan"] == Decimal("350.00")
    entry = audit.history_for(record).get(action=AuditAction.UPDATE)
    assert (entry.before["amount_wan"], entry.after["amount_wan"]) == ("300.00", "350.00")
    assert entry.note == "修改；新增证明材料 1 份"


def test_a_stale_correction_writes_nothing(users, signed_project, months):
    record = submit(users, signed_project, "300", period=months[0])
    read = version_of(record)
    kw = dict(period=months[0], source="own", evidence=[], version=read)
    funds_correct(actor=users["linqing"], record=record, amount_wan=Decimal("320"), **kw)
    with pytest.raises(VersionConflict) as caught:
        funds_correct(actor=users["linqing"], record=record, amount_wan=Decimal("330"), **kw)
    assert "到位金额（万元）：您填写“330”，他人已改为“320”" in caught.value.messages
    record.refresh_from_db()
    assert record.amount_wan == Decimal("320.00") and funds_totals_diff() == []


def test_a_correction_still_keeps_the_cap_and_one_record_a_month(users, signed_project, months):
    this, last = months
    submit(users, signed_project, "300", period=last)
    record = submit(users, signed_project, "600", period=this)
    kw = dict(actor=users["linqing"], record=record, source="own", evidence=[])
    with pytest.raises(ValidationError) as caught:
        funds_correct(period=this, amount_wan=Decimal("800"), **kw)
    assert caught.value.message_dict["amount_wan"] == [
        "累计到位资金 1100.00 万元将超过项目总投资 1000.00 万元"
    ]
    with pytest.raises(ValidationError) as caught:
        funds_correct(period=last, amount_wan=Decimal("600"), **kw)
    assert caught.value.message_dict["period"] == [
        f"{last:%Y年%m月}已有到位资金记录；待核实的可修改或撤回，已核实的须先由市级退回"
    ]
    funds_correct(period=this, amount_wan=Decimal("700"), **kw)  # its own 600 does not count
    assert funds_totals_diff() == []


def test_a_rejected_record_is_corrected_resubmitted_and_back_in_the_queue(
    users, signed_project, months, org
):
    this, _last = months
    record = submit(users, signed_project, "300", period=this)
    funds_reject(actor=users["city"], record=record, reason="进账单金额不符")
    assert queue_ids(users["city"]) == []
    with pytest.raises(ValidationError) as caught:
        funds_correct(
            actor=users["linqing"], record=record, period=this, amount_wan=1, source="own",
            evidence=[],
        )  # fmt: skip
    assert caught.value.message_dict == {"status": ["该记录已退回，不能修改"]}
    funds_resubmit(
        actor=users["linqing"],
        record=record,
        version=version_of(record),
        period=this,
        amount_wan=Decimal("280"),
        source="own",
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("新进账单.pdf"))],
    )
    record.refresh_from_db()
    assert (record.status, record.amount_wan, record.verified_by) == (
        FundsStatus.SUBMITTED, Decimal("280.00"), None,
    )  # fmt: skip
    assert record.reject_reason == "进账单金额不符"  # still shown as 上次退回
    assert queue_ids(users["city"]) == [record.pk]
    assert table(org["linqing"].pk) == {(this, FundsStatus.SUBMITTED): (Decimal("280.00"), 1)}
    history = audit.history_for(record).order_by("seq")
    uploads = [
        n.split("（")[0] for n in history.filter(action="upload").values_list("note", flat=True)
    ]
    assert uploads == ["上传证明材料：进账单.pdf", "上传证明材料：新进账单.pdf"]
    actions = list(history.exclude(action="upload").values_list("action", "note"))
    assert actions == [
        (AuditAction.CREATE, ""),
        (AuditAction.REJECT, "进账单金额不符"),
        (AuditAction.UPDATE, "重新提交；新增证明材料 1 份"),
    ]
    funds_verify(actor=users["city"], record=record)
    assert totals(users["city"], months)["verified_wan"] == Decimal("280.00")
    assert funds_totals_diff() == []


def test_the_city_person_who_resubmits_cannot_verify_it(users, signed_project, months):
    record = submit(users, signed_project, "300", period=months[0], who="city")
    funds_reject(actor=users["city2"], record=record, reason="缺验资报告")
    funds_resubmit(
        actor=users["city"], record=record, period=months[0], amount_wan=300, source="own",
        evidence=[],
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        funds_verify(actor=users["city"], record=record)
    assert caught.value.message_dict == {"status": ["不能核实自己填报的记录"]}
    assert record.pk not in queue_ids(users["city"]) and record.pk in queue_ids(users["city2"])


# --- the pages ----------------------------------------------------------------------------------


def test_the_project_page_offers_correct_and_withdraw_to_the_unit_only(
    client, users, signed_project, months
):
    record = submit(users, signed_project, "300", period=months[0])
    detail = reverse("projects:detail", args=[signed_project.pk])
    client.force_login(users["linqing"])
    html = client.get(detail).content.decode()
    assert reverse("projects:funds-edit", args=[record.pk]) in html
    assert reverse("projects:funds-withdraw", args=[record.pk]) in html
    client.force_login(users["city"])
    html = client.get(detail).content.decode()
    assert reverse("projects:funds-withdraw", args=[record.pk]) not in html
    html = client.get(reverse("projects:funds-list")).content.decode()
    assert reverse("projects:funds-withdraw", args=[record.pk]) not in html


def test_the_withdraw_dialog_names_the_record_and_posting_withdraws_it(
    client, users, signed_project, months
):
    record = submit(users, signed_project, "300", period=months[0])
    client.force_login(users["linqing"])
    url = reverse("projects:funds-withdraw", args=[record.pk])
    dialog = client.get(url, {"next": "/projects/funds/"}, HTTP_HX_REQUEST="true")
    html = dialog.content.decode()
    assert f"撤回 临清·高端轴承项目 {months[0]:%Y-%m} 300万元？" in html and "确认撤回" in html
    response = client.post(
        url + "?next=/projects/funds/",
        {"version": dialog.context["form"]["version"].value(), "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == "/projects/funds/"
    record.refresh_from_db()
    assert record.status == FundsStatus.WITHDRAWN
    html = client.get(reverse("projects:funds-list")).content.decode()
    assert "已撤回" in html


def test_the_edit_dialog_resubmits_a_rejected_record_after_correction(
    client, users, signed_project, months
):
    record = submit(users, signed_project, "300", period=months[0])
    funds_reject(actor=users["city"], record=record, reason="金额与进账单不符")
    client.force_login(users["linqing"])
    detail = client.get(reverse("projects:detail", args=[signed_project.pk])).content.decode()
    assert "重新提交" in detail
    url = reverse("projects:funds-edit", args=[record.pk])
    dialog = client.get(url)
    html = dialog.content.decode()
    assert "市级退回原因：</strong>金额与进账单不符" in html and "确认重新提交" in html
    response = client.post(
        url,
        {
            "version": dialog.context["form"]["version"].value(),
            "period": f"{months[0]:%Y-%m}",
            "amount_wan": "290",
            "source": "own",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("projects:detail", args=[signed_project.pk]) + "#funds"
    record.refresh_from_db()
    assert (record.status, record.amount_wan) == (FundsStatus.SUBMITTED, Decimal("290.00"))


def test_a_page_read_before_someone_else_corrected_the_record_is_refused(
    client, users, signed_project, months
):
    record = submit(users, signed_project, "300", period=months[0])
    client.force_login(users["linqing"])
    url = reverse("projects:funds-edit", args=[record.pk])
    old = client.get(url).context["form"]["version"].value()
    data = {"period": f"{months[0]:%Y-%m}", "source": "own", "version": old}
    assert client.post(url, {**data, "amount_wan": "310"}).status_code == 302
    response = client.post(url, {**data, "amount_wan": "320"})
    assert response.status_code == 200
    assert "到位金额（万元）：您填写“320”，他人已改为“310”" in response.content.decode()
    record.refresh_from_db()
    assert record.amount_wan == Decimal("310.00")


def test_a_month_before_signing_is_warned_about_and_accepted_once_confirmed(
    client, users, signed_project
):
    signed_project.refresh_from_db()
    client.force_login(users["linqing"])
    url = reverse("projects:funds-create", args=[signed_project.pk])
    early = (signed_project.signed_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    data = {
        "period": f"{early:%Y-%m}",
        "amount_wan": "100",
        "source": "own",
        "evidence-0-kind": "bank_receipt",
        "evidence-0-file": pdf_file("进账单.pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirm_early": [
            f"所属月份 {early:%Y-%m} 早于项目签约日期 {signed_project.signed_on:%Y-%m-%d}，"
            "请核对；确属签约前到位的，请勾选“确认该月份早于签约日期”后再提交"
        ]
    }
    assert 'name="confirm_early"' in response.content.decode()
    assert not FundsRecord.objects.exists()
    assert 'name="confirm_early"' not in client.get(url).content.decode()  # only when warned
    data["evidence-0-file"] = pdf_file("进账单.pdf")
    assert client.post(url, {**data, "confirm_early": "on"}).status_code == 302
    assert FundsRecord.objects.get().period == early


def test_another_unit_or_the_city_cannot_open_the_dialogs(client, users, signed_project, months):
    record = submit(users, signed_project, "300", period=months[0])
    for who, status in (("city", 403), ("dongchangfu", 404), ("inspector", 403)):
        client.force_login(users[who])
        for name in ("projects:funds-edit", "projects:funds-withdraw"):
            assert client.get(reverse(name, args=[record.pk])).status_code == status, (who, name)
    assert FundsRecord.objects.get().status == FundsStatus.SUBMITTED
