"""领导批示 → tasks → owners notified once; 要素保障: needs, allocations by the kind's department,
a unit's yearly totals against its quotas (exact numbers), and the agenda source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.accounts.models import Department
from zhaoshang.notices.models import Notification
from zhaoshang.service import agenda_sources
from zhaoshang.service.models import ElementKind, Task
from zhaoshang.service.selectors.elements import element_candidates, totals, waiting
from zhaoshang.service.selectors.instructions import instructions_for
from zhaoshang.service.services.elements import allocation_add, need_save, quota_set
from zhaoshang.service.services.instructions import TaskSpec, instruction_give
from zhaoshang.service.services.tasks import Owner, task_close

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def land_dept():
    return Department.objects.get(code="zrzy")


@pytest.fixture
def project(make_project):
    return make_project(name="临清轴承项目", is_key=True)


def test_an_instruction_becomes_tasks_due_in_working_days_and_notifies_owners_once(
    users, project, land_dept, org, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2024, 9, 27))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        instruction = instruction_give(
            actor=users["leader"],
            project=project,
            content="请自然资源局和临清市抓紧解决用地问题。",
            issued_on=dt.date(2024, 9, 27),
            tasks=[
                TaskSpec("落实用地指标", Owner(department=land_dept), workdays=5),
                TaskSpec("完成土地征收", Owner(unit=org["linqing"]), due_on=dt.date(2024, 12, 31)),
            ],
        )
    for callback in callbacks:  # run again: nobody is told twice
        callback()
    tasks = list(instruction.tasks.order_by("id").values_list("title", "due_on", "source"))
    assert tasks == [
        ("落实用地指标", dt.date(2024, 10, 10), "instruction"),
        ("完成土地征收", dt.date(2024, 12, 31), "instruction"),
    ]
    notices = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert notices == [("dept_land", "task_assigned"), ("linqing", "task_assigned")]
    row = instructions_for(user=users["leader"], leader=users["leader"]).get()
    assert (row.n_tasks, row.n_done, row.n_open) == (2, 0, 2)


def test_the_instructing_leader_sees_progress_when_the_owner_closes(
    users, project, land_dept, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        instruction = instruction_give(
            actor=users["leader"], project=project, content="抓紧办理",
            tasks=[TaskSpec("落实用地指标", Owner(department=land_dept), due_on=today)],
        )  # fmt: skip
        task_close(actor=users["dept_land"], task=instruction.tasks.get(), result="已落实",
                   done_on=today)  # fmt: skip
    row = instructions_for(user=users["leader"], leader=users["leader"]).get()
    assert (row.n_tasks, row.n_done, row.n_open) == (1, 1, 0)
    done = Notification.objects.filter(kind="task_done").values_list("recipient__username")
    assert list(done) == [("leader",)]


def test_only_leaders_instruct_and_a_county_leader_only_in_the_county(
    users, project, make_project, land_dept, today
):
    spec = [TaskSpec("x", Owner(department=land_dept), due_on=today)]
    for who in ("city", "linqing", "commissioner", "dept_land", "inspector", "auditor"):
        with pytest.raises(PermissionDenied):
            instruction_give(actor=users[who], project=project, content="x", tasks=spec)
    other = make_project("dongchangfu", name="东昌府项目")
    with pytest.raises(PermissionDenied):
        instruction_give(actor=users["linqing_leader"], project=other, content="x", tasks=spec)
    instruction_give(actor=users["linqing_leader"], project=project, content="x", tasks=spec)
    with pytest.raises(ValidationError) as caught:
        instruction_give(actor=users["leader"], project=project, content=" ", tasks=[])
    assert caught.value.message_dict == {
        "content": ["请填写批示内容"],
        "tasks": ["请至少交办一项督办事项"],
    }
    assert Task.objects.count() == 1


# --- 要素保障 ---------------------------------------------------------------------------------


def _kind(code):
    return ElementKind.objects.get(code=code)


def test_the_element_kinds_are_data_with_their_measure_and_allocating_department():
    rows = list(ElementKind.objects.values_list("code", "name", "measure", "department__code"))
    assert rows == [
        ("land", "用地", "亩", "zrzy"),
        ("energy", "能耗", "吨标准煤", "fgw"),
        ("power", "用电", "kVA", "gdgs"),
        ("water", "用水", "吨/日", None),
        ("emission", "排放", "吨/年", "sthj"),
    ]


def test_land_is_allocated_by_natural_resources_in_parts_until_the_need_is_met(
    users, project, today
):
    land = _kind("land")
    need = need_save(actor=users["linqing"], project=project, kind=land,
                     requested_amount=D("120"), requested_on=today)  # fmt: skip
    with pytest.raises(PermissionDenied):
        allocation_add(actor=users["linqing"], need=need, amount=D("50"), allocated_on=today)
    env = Department.objects.get(code="sthj")
    from zhaoshang.accounts.models import User

    env_user = User.objects.create(username="dept_env", role="dept_staff", department=env)
    with pytest.raises(PermissionDenied):
        allocation_add(actor=env_user, need=need, amount=D("50"), allocated_on=today)
    allocation_add(actor=users["dept_land"], need=need, amount=D("80"), allocated_on=today)
    with pytest.raises(ValidationError) as caught:
        allocation_add(actor=users["dept_land"], need=need, amount=D("50"), allocated_on=today)
    assert caught.value.message_dict == {"amount": ["配置量超过尚未配置的 40.00亩"]}
    need.refresh_from_db()
    assert (need.allocated_amount, need.gap, need.met_on) == (D("80"), D("40"), None)
    allocation_add(actor=users["city"], need=need, amount=D("40"), allocated_on=today)
    need.refresh_from_db()
    assert (need.allocated_amount, need.met_on) == (D("120"), today)
    with pytest.raises(ValidationError) as caught:
        need_save(actor=users["linqing"], project=project, kind=land,
                  requested_amount=D("100"), requested_on=today)  # fmt: skip
    assert caught.value.message_dict == {"requested_amount": ["需求量不能低于已配置的 120.00亩"]}


def test_a_units_yearly_totals_stand_against_the_citys_quotas(users, make_project, org):
    land, energy = _kind("land"), _kind("energy")
    a = make_project(name="甲项目", lead_on=dt.date(2024, 1, 2))
    b = make_project(name="乙项目", lead_on=dt.date(2024, 1, 2))
    c = make_project("dongchangfu", name="丙项目", lead_on=dt.date(2024, 1, 2))
    quota_set(actor=users["city"], unit=org["linqing"], year=2024, kind=land, amount=D("300"))
    quota_set(actor=users["city"], unit=org["linqing"], year=2024, kind=energy, amount=D("5000"))
    with pytest.raises(PermissionDenied):
        quota_set(actor=users["linqing"], unit=org["linqing"], year=2024, kind=land, amount=D("1"))
    n1 = need_save(actor=users["linqing"], project=a, kind=land, requested_amount=D("200"),
                   requested_on=dt.date(2024, 3, 1))  # fmt: skip
    n2 = need_save(actor=users["linqing"], project=b, kind=land, requested_amount=D("150.5"),
                   requested_on=dt.date(2024, 4, 1))  # fmt: skip
    n3 = need_save(actor=users["linqing"], project=a, kind=energy, requested_amount=D("6000"),
                   requested_on=dt.date(2024, 5, 1))  # fmt: skip
    n4 = need_save(actor=users["dongchangfu"], project=c, kind=land, requested_amount=D("90"),
                   requested_on=dt.date(2024, 5, 1))  # fmt: skip
    allocation_add(
        actor=users["dept_land"], need=n1, amount=D("200"), allocated_on=dt.date(2024, 6, 1)
    )
    allocation_add(
        actor=users["dept_land"], need=n2, amount=D("120"), allocated_on=dt.date(2024, 7, 1)
    )
    allocation_add(actor=users["city"], need=n3, amount=D("4000"), allocated_on=dt.date(2024, 8, 1))
    allocation_add(
        actor=users["dept_land"], need=n4, amount=D("10"), allocated_on=dt.date(2025, 1, 5)
    )
    rows = [
        (r.unit.short_name, r.kind.code, r.quota, r.requested, r.allocated, r.waiting, r.remaining,
         r.over)
        for r in totals(user=users["city"], year=2024)
    ]  # fmt: skip
    assert rows == [
        ("东昌府", "land", None, D("90.00"), D("0"), D("80.00"), None, False),
        ("临清", "land", D("300.00"), D("350.50"), D("320.00"), D("30.50"), D("-20.00"), True),
        ("临清", "energy", D("5000.00"), D("6000.00"), D("4000.00"), D("2000.00"), D("1000.00"), False),
    ]  # fmt: skip
    mine = [(r.unit.short_name, r.kind.code) for r in totals(user=users["linqing"], year=2024)]
    assert mine == [("临清", "land"), ("临清", "energy")]


def test_waiting_needs_go_on_the_agenda_after_their_kinds_days(users, project, today):
    land = _kind("land")
    old = today - dt.timedelta(days=45)
    need_save(actor=users["linqing"], project=project, kind=land, requested_amount=D("50"),
              requested_on=old)  # fmt: skip
    need_save(actor=users["linqing"], project=project, kind=_kind("power"),
              requested_amount=D("800"), requested_on=today - dt.timedelta(days=5))  # fmt: skip
    rows = waiting(user=users["city"], as_of=today)
    assert [(n.kind.code, n.waiting_days) for n in rows] == [("land", 45), ("power", 5)]
    found = element_candidates(as_of=today, user=users["city"])
    assert [(c.kind, c.title, c.since) for c in found] == [
        ("element", "临清轴承项目：用地尚缺 50亩（已等待45天）", old)
    ]
    assert "element" in agenda_sources.labels()
    assert element_candidates(as_of=today, user=users["dongchangfu"]) == []
    ElementKind.objects.filter(code="power").update(agenda_after_days=5)
    assert len(element_candidates(as_of=today, user=users["city"])) == 2
