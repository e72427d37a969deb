"""The projects' reminders: who hears of what, once (run twice → one notice each)."""

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.conftest import pdf_file
from zhaoshang.notices import reminders
from zhaoshang.notices.models import Notification
from zhaoshang.notices.services import mutes_set
from zhaoshang.projects.models import EvidenceKind, FundsSource, Milestone, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    milestone_complete,
    milestone_create,
    progress_add,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db


def _sent(kind=None):
    qs = Notification.objects.order_by("recipient__username", "title")
    if kind:
        qs = qs.filter(kind=kind)
    return [(n.recipient.username, n.title) for n in qs]


@pytest.fixture
def project(users, make_project):
    return make_project(
        name="高端轴承项目", commissioner=users["commissioner"], lead_leader=users["leader"]
    )


def _milestone(users, project, title, due_on):
    return milestone_create(actor=users["linqing"], project=project, title=title, due_on=due_on)


def test_a_milestone_due_within_three_days_reminds_the_commissioner_once(users, project, today):
    _milestone(users, project, "土地摘牌", today + dt.timedelta(days=3))
    _milestone(users, project, "规划许可", today + dt.timedelta(days=4))
    first = reminders.run(today=today, only=["projects.milestone_due"])
    second = reminders.run(today=today, only=["projects.milestone_due"])
    assert (first.created, second.created) == (
        {"projects.milestone_due": 1},
        {"projects.milestone_due": 0},
    )
    notice = Notification.objects.get()
    assert (notice.recipient.username, notice.title, notice.body, notice.url) == (
        "commissioner",
        f"推进节点{today + dt.timedelta(days=3):%m月%d日}到期：高端轴承项目 · 土地摘牌",
        f"项目：高端轴承项目\n计划完成：{today + dt.timedelta(days=3):%Y-%m-%d}",
        f"/projects/{project.pk}/#milestones",
    )


def test_without_a_commissioner_the_units_staff_are_reminded(users, make_project, today):
    project = make_project(name="无专员项目")
    _milestone(users, project, "开工", today)
    reminders.run(today=today, only=["projects.milestone_due"])
    assert _sent() == [("linqing", f"推进节点{today:%m月%d日}到期：无专员项目 · 开工")]


def test_an_overdue_milestone_reminds_the_commissioner_and_the_leader_once(users, project, today):
    _milestone(users, project, "土地摘牌", today - dt.timedelta(days=2))
    reminders.run(today=today, only=["projects.milestone_overdue"])
    reminders.run(today=today + dt.timedelta(days=1), only=["projects.milestone_overdue"])
    assert _sent() == [
        ("commissioner", "推进节点逾期：高端轴承项目 · 土地摘牌"),
        ("leader", "推进节点逾期：高端轴承项目 · 土地摘牌"),
    ]


def test_a_done_milestone_or_one_of_a_dropped_project_is_not_reminded(users, project, today):
    done = _milestone(users, project, "土地摘牌", today - dt.timedelta(days=2))
    milestone_complete(actor=users["linqing"], milestone=done, done_on=today)
    other = _milestone(users, project, "开工", today + dt.timedelta(days=1))
    project_advance_stage(project=project, to=Stage.DROPPED, on=today, actor=users["linqing"],
                          evidence=[], note="投资方撤资")  # fmt: skip
    assert Milestone.objects.filter(pk=other.pk).exists()
    report = reminders.run(today=today, only=["projects.milestone_due",
                                              "projects.milestone_overdue"])  # fmt: skip
    assert report.total == 0


def test_a_milestone_moved_to_a_new_date_is_reminded_again(users, project, today):
    milestone = _milestone(users, project, "土地摘牌", today + dt.timedelta(days=1))
    reminders.run(today=today, only=["projects.milestone_due"])
    Milestone.objects.filter(pk=milestone.pk).update(due_on=today + dt.timedelta(days=2))
    reminders.run(today=today, only=["projects.milestone_due"])
    assert Notification.objects.count() == 2


def test_overdue_milestones_beyond_the_lookback_are_left_alone(users, project, today, settings):
    _milestone(users, project, "土地摘牌", today - dt.timedelta(days=31))
    assert reminders.run(today=today, only=["projects.milestone_overdue"]).total == 0
    settings.REMINDER_THRESHOLDS = {"projects.milestone_overdue.lookback_days": 60}
    assert reminders.run(today=today, only=["projects.milestone_overdue"]).total == 2


def test_the_due_window_is_a_threshold(users, project, today, settings):
    _milestone(users, project, "土地摘牌", today + dt.timedelta(days=5))
    assert reminders.run(today=today, only=["projects.milestone_due"]).total == 0
    settings.REMINDER_THRESHOLDS = {"projects.milestone_due.days": 5}
    assert reminders.run(today=today, only=["projects.milestone_due"]).total == 1


def test_a_muted_due_reminder_is_not_sent_but_overdue_cannot_be_muted(users, project, today):
    mutes_set(user=users["commissioner"], muted=["milestone_due"])
    _milestone(users, project, "土地摘牌", today + dt.timedelta(days=1))
    reminders.run(today=today, only=["projects.milestone_due"])
    assert _sent() == []
    with pytest.raises(Exception, match="不可关闭"):
        mutes_set(user=users["commissioner"], muted=["milestone_overdue"])


@pytest.fixture
def waiting_funds(users, project, today):
    project_advance_stage(
        project=project, to=Stage.SIGNED, on=today - dt.timedelta(days=40), actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("1000"),
    )  # fmt: skip
    return funds_submit(
        actor=users["linqing"],
        project=project,
        period=today.replace(day=1),
        amount_wan=Decimal("300"),
        source=FundsSource.OWN,
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
    )


def test_funds_waiting_more_than_seven_days_remind_each_verifier_once(users, waiting_funds, today):
    assert reminders.run(today=today + dt.timedelta(days=7),
                         only=["projects.funds_pending"]).total == 0  # fmt: skip
    later = today + dt.timedelta(days=8)
    reminders.run(today=later, only=["projects.funds_pending"])
    reminders.run(today=later, only=["projects.funds_pending"])
    title = f"到位资金待核实超过7天：高端轴承项目 {today:%Y-%m}"
    # The city administrators verify; the unit's staff who entered it, leaders and
    # commissioners do not.
    assert _sent() == [("city", title), ("city2", title)]
    notice = Notification.objects.filter(recipient=users["city"]).get()
    assert notice.url == f"/projects/funds/verify/#funds-{waiting_funds.pk}"
    assert notice.body == f"金额：300.00万元\n填报：linqing {today:%Y-%m-%d}"


def test_a_verifier_is_not_reminded_of_funds_they_entered(users, project, waiting_funds, today):
    from zhaoshang.projects.models import FundsRecord

    FundsRecord.objects.filter(pk=waiting_funds.pk).update(submitted_by=users["city"])
    reminders.run(today=today + dt.timedelta(days=8), only=["projects.funds_pending"])
    assert [u for u, _ in _sent()] == ["city2"]


def test_a_project_without_progress_for_thirty_days_reminds_its_commissioner_once(
    users, project, today
):
    assert reminders.run(today=today + dt.timedelta(days=30), only=["projects.stale"]).total == 0
    later = today + dt.timedelta(days=31)
    reminders.run(today=later, only=["projects.stale"])
    reminders.run(today=later + dt.timedelta(days=1), only=["projects.stale"])
    assert _sent() == [("commissioner", "项目超过30天没有进展更新：高端轴承项目")]
    notice = Notification.objects.get()
    assert notice.body == "尚无进展记录\n请及时跟进并填报项目进展。"
    assert notice.url == f"/projects/{project.pk}/#progress"


def test_a_new_progress_update_starts_a_new_stale_count(users, project, today):
    later = today + dt.timedelta(days=31)
    reminders.run(today=later, only=["projects.stale"])
    progress_add(actor=users["commissioner"], project=project, on=today, content="已对接土地")
    assert reminders.run(today=later, only=["projects.stale"]).total == 1
    assert reminders.run(today=later + dt.timedelta(days=1), only=["projects.stale"]).total == 0
    assert reminders.run(today=today + dt.timedelta(days=10), only=["projects.stale"]).total == 0


def test_projects_in_production_or_without_a_commissioner_are_not_stale(users, make_project, today):
    make_project(name="无专员项目")
    assert reminders.run(today=today + dt.timedelta(days=60), only=["projects.stale"]).total == 0


def test_every_projects_producer_is_registered_with_its_thresholds():
    registered = {p.code: p.thresholds for p in reminders.all_producers()}
    assert {
        "projects.milestone_due": {"days": 3},
        "projects.milestone_overdue": {"lookback_days": 30},
        "projects.funds_pending": {"days": 7},
        "projects.stale": {"days": 30},
    }.items() <= registered.items()
