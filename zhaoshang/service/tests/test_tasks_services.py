"""Tasks (督办事项): created through `task_create` by every source, owner notified once, closed
by the owner with a result, cancelled or given a new deadline by the setter, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.accounts.models import Department
from zhaoshang.core import audit
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.notices.models import Notification
from zhaoshang.service.models import Task, TaskSource, TaskStatus
from zhaoshang.service.services.tasks import (
    Owner,
    owner_recipients,
    task_cancel,
    task_close,
    task_create,
    task_extend,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def land():
    return Department.objects.get(code="zrzy")


@pytest.fixture
def project(make_project):
    return make_project(name="临清轴承项目")


@pytest.fixture
def task(users, project, land, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return task_create(
            actor=users["leader"],
            source=TaskSource.INSTRUCTION,
            project=project,
            title="协调解决项目用地指标",
            due_on=today + dt.timedelta(days=10),
            owner=Owner(department=land),
        )


def test_a_new_task_notifies_the_owning_departments_staff_once_after_the_commit(
    users, project, land, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task = task_create(
            actor=users["leader"],
            source=TaskSource.INSTRUCTION,
            project=project,
            title="协调解决项目用地指标",
            due_on=today + dt.timedelta(days=10),
            owner=Owner(department=land),
        )
    assert Notification.objects.count() == 0  # nothing before the commit
    for callback in callbacks:
        callback()
    for callback in callbacks:  # a retried job sends nothing twice
        callback()
    notices = list(Notification.objects.values_list("recipient__username", "kind", "url"))
    assert notices == [("dept_land", "task_assigned", f"/service/tasks/{task.pk}/")]
    assert task.status == TaskStatus.OPEN
    assert task.original_due_on == today + dt.timedelta(days=10)
    assert task.created_by == users["leader"]
    assert [e.action for e in audit.history_for(task)] == ["create"]


def test_a_task_for_a_person_notifies_that_person_only(users, project, today):
    task = task_create(
        actor=users["city"],
        source=TaskSource.DECISION,
        title="督促签约",
        due_on=today,
        owner=Owner(user=users["commissioner"]),
        project=project,
    )
    assert owner_recipients(task) == [users["commissioner"]]


def test_a_task_for_a_unit_goes_to_its_investment_staff_not_its_leader(users, project, today, org):
    task = task_create(
        actor=users["city"],
        source=TaskSource.DECISION,
        title="报送项目进展",
        due_on=today,
        owner=Owner(unit=org["linqing"]),
        project=project,
    )
    assert owner_recipients(task) == [users["linqing"]]


def test_a_task_needs_an_owner_a_title_and_a_deadline_not_past(users, project, today):
    with pytest.raises(ValidationError) as caught:
        task_create(
            actor=users["city"],
            source=TaskSource.DECISION,
            title="  ",
            due_on=today - dt.timedelta(days=1),
            owner=Owner(),
            project=project,
        )
    assert caught.value.message_dict == {"title": ["请填写督办事项"]}
    with pytest.raises(ValidationError) as caught:
        task_create(
            actor=users["city"],
            source=TaskSource.DECISION,
            title="督促签约",
            due_on=today - dt.timedelta(days=1),
            owner=Owner(),
            project=project,
        )
    assert caught.value.message_dict == {
        "owner": ["请指定责任部门、责任单位或责任人"],
        "due_on": ["办结时限不能早于今天"],
    }
    assert Task.objects.count() == 0


def test_a_role_without_the_task_permission_cannot_create_one_unless_its_source_checked(
    users, project, land, today
):
    kwargs = dict(
        source=TaskSource.CONDITION,
        title="补充环评材料",
        due_on=today,
        owner=Owner(unit=project.unit),
        project=project,
    )
    with pytest.raises(PermissionDenied):
        task_create(actor=users["dept_land"], **kwargs)
    task = task_create(actor=users["dept_land"], checked_by_source=True, **kwargs)
    assert task.created_by == users["dept_land"]


def test_a_county_leader_cannot_set_a_task_on_another_countys_project(
    users, make_project, land, today
):
    other = make_project("dongchangfu", name="东昌府项目")
    with pytest.raises(PermissionDenied):
        task_create(
            actor=users["linqing_leader"],
            source=TaskSource.INSTRUCTION,
            title="x",
            due_on=today,
            owner=Owner(department=land),
            project=other,
        )


def test_the_owning_department_closes_the_task_with_its_result_and_the_setter_hears_of_it(
    users, task, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        closed = task_close(
            actor=users["dept_land"],
            task=task,
            result="已调剂用地指标50亩",
            done_on=today,
            version=version_of(task),
        )
    assert (closed.status, closed.done_on, closed.result) == ("done", today, "已调剂用地指标50亩")
    assert closed.closed_by == users["dept_land"]
    done = Notification.objects.filter(kind="task_done")
    assert list(done.values_list("recipient__username", flat=True)) == ["leader"]
    assert [e.note for e in audit.history_for(task)] == ["办结", "领导批示"]


def test_a_unit_may_not_close_a_task_its_project_has_but_a_department_owns(users, task, today):
    with pytest.raises(PermissionDenied) as caught:
        task_close(actor=users["linqing"], task=task, result="x", done_on=today)
    assert str(caught.value) == "只有责任部门、责任单位或责任人可以办结此事项"
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_closing_needs_a_result_and_a_date_not_in_the_future(users, task, today):
    with pytest.raises(ValidationError) as caught:
        task_close(
            actor=users["dept_land"], task=task, result="", done_on=today + dt.timedelta(days=1)
        )
    assert caught.value.message_dict == {
        "result": ["请填写办理结果"],
        "done_on": ["办结日期不能晚于今天"],
    }


def test_a_closed_task_cannot_be_closed_cancelled_or_extended_again(users, task, today):
    task_close(actor=users["dept_land"], task=task, result="已办", done_on=today)
    with pytest.raises(ValidationError) as caught:
        task_close(actor=users["dept_land"], task=task, result="再办", done_on=today)
    assert caught.value.message_dict == {"status": ["该督办事项已办结，不能再办理"]}
    with pytest.raises(ValidationError):
        task_cancel(actor=users["leader"], task=task, reason="不再需要")
    with pytest.raises(ValidationError):
        task_extend(
            actor=users["leader"], task=task, due_on=today + dt.timedelta(days=30), reason="x"
        )


def test_a_stale_close_writes_nothing(users, task, today):
    read = version_of(task)
    task_extend(
        actor=users["leader"], task=task, due_on=today + dt.timedelta(days=20), reason="待省厅批复"
    )
    with pytest.raises(VersionConflict):
        task_close(actor=users["dept_land"], task=task, result="已办", done_on=today, version=read)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_the_setter_extends_the_deadline_with_a_reason_kept_in_the_log(
    users, task, today, django_capture_on_commit_callbacks
):
    new = today + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as caught:
        task_extend(actor=users["leader"], task=task, due_on=new, reason=" ")
    assert caught.value.message_dict == {"reason": ["请填写调整理由"]}
    with django_capture_on_commit_callbacks(execute=True):
        task_extend(actor=users["leader"], task=task, due_on=new, reason="待省厅批复")
    task.refresh_from_db()
    assert (task.due_on, task.original_due_on) == (new, today + dt.timedelta(days=10))
    old = today + dt.timedelta(days=10)
    assert audit.history_for(task).first().note == (
        f"办结时限 {old:%Y-%m-%d} → {new:%Y-%m-%d}：待省厅批复"
    )
    changed = Notification.objects.filter(kind="task_changed")
    assert list(changed.values_list("recipient__username", flat=True)) == ["dept_land"]


def test_only_the_setter_or_the_city_cancels_or_extends(users, task, today):
    for who in ("dept_land", "linqing", "commissioner"):
        with pytest.raises(PermissionDenied):
            task_cancel(actor=users[who], task=task, reason="不需要了")
        with pytest.raises(PermissionDenied):
            task_extend(
                actor=users[who], task=task, due_on=today + dt.timedelta(days=3), reason="x"
            )
    cancelled = task_cancel(actor=users["city"], task=task, reason="项目已调整方案")
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "项目已调整方案")


def test_administrators_and_inspectors_change_no_task(users, task, today):
    for who in ("inspector", "auditor", "sysadmin", "secadmin", "norole"):
        with pytest.raises(PermissionDenied):
            task_close(actor=users[who], task=task, result="x", done_on=today)
        with pytest.raises(PermissionDenied):
            task_cancel(actor=users[who], task=task, reason="x")


def test_reminders_tell_owners_of_tasks_due_in_three_days_and_overdue_once_per_deadline(
    users, task, today
):
    from zhaoshang.notices import reminders

    Task.objects.filter(pk=task.pk).update(due_on=today + dt.timedelta(days=3))
    assert reminders.run(today=today, only=["service.task_due"]).created == {"service.task_due": 1}
    assert reminders.run(today=today, only=["service.task_due"]).created == {"service.task_due": 0}
    later = today + dt.timedelta(days=4)
    assert reminders.run(today=later, only=["service.task_overdue"]).created == {
        "service.task_overdue": 2  # the department's staff and the leader who set it
    }
    assert reminders.run(today=later, only=["service.task_overdue"]).created == {
        "service.task_overdue": 0
    }
    kinds = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == [
        ("dept_land", "task_assigned"),
        ("dept_land", "task_due"),
        ("dept_land", "task_overdue"),
        ("leader", "task_overdue"),
    ]
