"""Closing a period freezes its records in the project services until a reopen with a reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core import audit
from zhaoshang.core.closing import ensure_open, period_close, period_reopen
from zhaoshang.core.models import AuditAction, PeriodClose
from zhaoshang.core.periods import parse_period
from zhaoshang.goals.indicators import evaluate
from zhaoshang.projects.models import FundsStatus, Stage

pytestmark = pytest.mark.django_db

D = dt.date
Q1 = parse_period("2024Q1")


def test_closing_refuses_a_funds_submission_dated_in_the_period_until_reopened(users, world, funds):
    close = period_close(actor=users["city"], period="2024Q1", note="一季度数据截止")
    with pytest.raises(ValidationError) as exc:
        funds(world["p2"], D(2024, 3, 1), 100)
    message = exc.value.message_dict["period"][0]
    assert message.startswith("2024年第1季度已关账")
    assert "重新开放" in message
    funds(world["p2"], D(2024, 4, 1), 100)  # April is open

    with pytest.raises(ValidationError) as exc:
        period_reopen(actor=users["city"], period="2024Q1", reason=" ")
    assert "reason" in exc.value.message_dict
    period_reopen(actor=users["city"], period="2024Q1", reason="临清补录3月进账单")
    record = funds(world["p2"], D(2024, 3, 1), 100)
    assert record.status == FundsStatus.VERIFIED
    close.refresh_from_db()
    assert close.reopened_by == users["city"] and close.reason == "临清补录3月进账单"
    actions = [e.action for e in audit.history_for(close).order_by("id")]
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]


def test_closing_refuses_a_stage_change_dated_in_the_period(users, make_project, advance):
    project = make_project(lead_on=D(2024, 1, 5))
    period_close(actor=users["city"], period="2024Q1")
    with pytest.raises(ValidationError) as exc:
        advance(project, Stage.NEGOTIATING, D(2024, 3, 20))
    assert exc.value.message_dict["on"][0].startswith("2024年第1季度已关账")
    advance(project, Stage.NEGOTIATING, D(2024, 4, 2))  # dated after the closed quarter
    period_reopen(actor=users["city"], period="2024Q1", reason="补录")
    advance(project, Stage.SIGNED, D(2024, 4, 3))


def test_verifying_or_rejecting_a_record_of_a_closed_month_is_refused(users, world, funds):
    from zhaoshang.projects.services import funds_reject, funds_verify

    pending = world["funds"]["p4_02"]  # February, submitted, not verified
    period_close(actor=users["city"], period="2024-02")
    with pytest.raises(ValidationError) as exc:
        funds_verify(actor=users["city"], record=pending)
    assert "period" in exc.value.message_dict
    with pytest.raises(ValidationError, match="2024年2月已关账"):
        funds_reject(actor=users["city"], record=pending, reason="不符")
    pending.refresh_from_db()
    assert pending.status == FundsStatus.SUBMITTED


def test_close_rules(users):
    with pytest.raises(ValidationError) as exc:
        period_close(actor=users["city"], period="2024YTD")
    assert exc.value.message_dict["period"] == ["只能按月、季度或年度关账"]
    with pytest.raises(ValidationError) as exc:
        period_close(actor=users["city"], period="2099Q1")
    assert "尚未结束" in exc.value.message_dict["period"][0]
    period_close(actor=users["city"], period="2024Q1")
    with pytest.raises(ValidationError) as exc:
        period_close(actor=users["city"], period="2024Q1")
    assert exc.value.message_dict["period"] == ["2024年第1季度已关账"]
    with pytest.raises(ValidationError, match="2024年第2季度未关账"):
        period_reopen(actor=users["city"], period="2024Q2", reason="x")
    with pytest.raises(PermissionDenied, match="没有新增期间关账的权限"):
        period_close(actor=users["linqing"], period="2024Q2")
    with pytest.raises(PermissionDenied, match="没有修改期间关账的权限"):
        period_reopen(actor=users["linqing"], period="2024Q1", reason="想改")


def test_a_closed_reopened_and_closed_again_period_keeps_its_history(users):
    period_close(actor=users["city"], period="2024-03")
    period_reopen(actor=users["city"], period="2024-03", reason="补录")
    ensure_open(D(2024, 3, 9))
    period_close(actor=users["city"], period="2024-03")
    with pytest.raises(ValidationError) as exc:
        ensure_open(D(2024, 3, 9), field="period")
    assert "period" in exc.value.message_dict
    assert PeriodClose.objects.filter(label="2024-03").count() == 2


def test_entered_before_close_counts_only_what_was_there_at_the_first_close(
    users, world, funds, make_project, advance
):
    period_close(actor=users["city"], period="2024Q1")
    period_reopen(actor=users["city"], period="2024Q1", reason="补录")
    late = funds(world["p2"], D(2024, 3, 1), 100)  # verified after the close
    project = make_project(name="P6 补录签约", lead_on=D(2024, 1, 2))
    advance(project, Stage.SIGNED, D(2024, 3, 25))  # recorded after the close
    period_close(actor=users["city"], period="2024Q1")

    unit = world["p1"].unit_id
    assert evaluate("funds_verified", Q1).value(unit) == Decimal("5600.00")
    strict = evaluate("funds_verified", Q1, {"entered_before_close": True}, records=True)
    assert strict.value(unit) == Decimal("5500.00")
    assert late.pk not in strict.record_ids(unit)
    assert evaluate("new_signed_count", Q1).value(unit) == 4
    assert evaluate("new_signed_count", Q1, {"entered_before_close": True}).value(unit) == 3
    both = {"entered_before_close": True, "once_only": True}
    assert evaluate("new_signed_count", Q1, both).value(unit) == 2
