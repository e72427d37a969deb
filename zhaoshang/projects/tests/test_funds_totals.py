"""FundsMonthlyTotal: the cache of funds sums per unit, month and status stays equal to the
records through the services, moves with a project, and is repaired by the rebuild."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Sum

from zhaoshang.projects.figures import funds_rows
from zhaoshang.projects.models import FundsMonthlyTotal, FundsRecord, FundsStatus, Project
from zhaoshang.projects.services import funds_reject, funds_verify, project_update
from zhaoshang.projects.services.funds_totals import funds_totals_diff, funds_totals_rebuild

from . import test_funds
from .test_funds import submit

pytestmark = pytest.mark.django_db

signed_project = test_funds.signed_project  # the fixture


def from_records() -> dict:
    rows = (
        FundsRecord.objects.order_by()
        .values_list("project__unit_id", "period", "status")
        .annotate(total=Sum("amount_wan"), n=Count("id"))
    )
    return {(u, p, s): (Decimal(t).quantize(Decimal("0.01")), n) for u, p, s, t, n in rows}


def from_table() -> dict:
    return {
        (t.unit_id, t.period, t.status): (t.amount_wan, t.record_count)
        for t in FundsMonthlyTotal.objects.exclude(record_count=0)
    }


def assert_consistent():
    assert from_table() == from_records()
    assert funds_totals_diff() == []


def test_submit_verify_reject_keep_totals_equal_to_records(users, signed_project, org):
    march, april = dt.date(2024, 3, 1), dt.date(2024, 4, 1)
    first = submit(users, signed_project, "300", period=march)
    second = submit(users, signed_project, "200", period=april)
    assert_consistent()
    unit = org["linqing"].pk
    assert from_table()[(unit, march, FundsStatus.SUBMITTED)] == (Decimal("300.00"), 1)

    funds_verify(actor=users["city"], record=first)
    assert_consistent()
    assert (unit, march, FundsStatus.SUBMITTED) not in from_table()
    assert from_table()[(unit, march, FundsStatus.VERIFIED)] == (Decimal("300.00"), 1)

    funds_reject(actor=users["city"], record=second, reason="进账单不清晰")
    assert_consistent()
    assert from_table()[(unit, april, FundsStatus.REJECTED)] == (Decimal("200.00"), 1)
    resubmitted = submit(users, signed_project, "150", period=april)
    funds_verify(actor=users["city"], record=resubmitted)
    assert_consistent()
    assert from_table()[(unit, april, FundsStatus.VERIFIED)] == (Decimal("150.00"), 1)


def test_moving_a_project_moves_its_totals(users, signed_project, org):
    record = submit(users, signed_project, "300")
    funds_verify(actor=users["city"], record=record)
    submit(users, signed_project, "100", period=dt.date(2024, 4, 1))
    project = Project.objects.get(pk=signed_project.pk)
    project_update(actor=users["city"], project=project, unit=org["dongchangfu"])
    assert_consistent()
    units = {unit for unit, _p, _s in from_table()}
    assert units == {org["dongchangfu"].pk}
    # the unit's figures follow: dongchangfu now has the verified 300
    rows = funds_rows(users["city"], start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1))
    assert [(r.unit_id, r.amount_wan, r.count) for r in rows] == [
        (org["dongchangfu"].pk, Decimal("300"), 1)
    ]


def test_a_failed_submission_leaves_totals_unchanged(users, signed_project):
    submit(users, signed_project, "300")
    before = from_table()
    with pytest.raises(
        ValidationError, match="2024年03月已有到位资金记录；待核实的可修改或撤回"
    ):  # the same month again
        submit(users, signed_project, "100")
    with pytest.raises(
        ValidationError, match=r"累计到位资金 5300\.00 万元将超过项目总投资 1000\.00 万元"
    ):  # over the total investment
        submit(users, signed_project, "5000", period=dt.date(2024, 5, 1))
    assert from_table() == before
    assert_consistent()


def test_unit_scope_sums_equal_the_restricted_records(users, signed_project):
    record = submit(users, signed_project, "300")
    funds_verify(actor=users["city"], record=record)
    for user in (users["city"], users["linqing"], users["dongchangfu"], users["leader"]):
        start, end = dt.date(2024, 1, 1), dt.date(2025, 1, 1)
        expected = {
            (u, p, s): (t, n)
            for u, p, s, t, n in FundsRecord.objects.restrict(user, "view")
            .filter(period__gte=start, period__lt=end)
            .order_by()
            .values_list("project__unit_id", "period", "status")
            .annotate(total=Sum("amount_wan"), n=Count("id"))
        }
        rows = funds_rows(user, start=start, end=end, statuses=list(FundsStatus.values))
        assert {(r.unit_id, r.period, r.status): (r.amount_wan, r.count) for r in rows} == (
            expected
        ), user.username


def test_rebuild_repairs_a_tampered_row(users, signed_project):
    record = submit(users, signed_project, "300")
    funds_verify(actor=users["city"], record=record)
    FundsMonthlyTotal.objects.filter(status=FundsStatus.VERIFIED).update(amount_wan=Decimal("1"))
    FundsMonthlyTotal.objects.create(
        unit=signed_project.unit, period=dt.date(2023, 1, 1), status=FundsStatus.VERIFIED,
        amount_wan=Decimal("5"), record_count=1,
    )  # fmt: skip
    assert len(funds_totals_diff()) == 2
    funds_totals_rebuild()
    assert_consistent()


def test_check_command_exits_1_on_a_difference_and_fix_repairs(users, signed_project):
    submit(users, signed_project, "300")
    call_command("check_funds_totals")  # consistent: returns normally
    FundsMonthlyTotal.objects.update(record_count=7)
    with pytest.raises(SystemExit) as exc:
        call_command("check_funds_totals")
    assert exc.value.code == 1
    assert funds_totals_diff()
    call_command("check_funds_totals", "--fix")
    assert_consistent()
    call_command("check_funds_totals")
