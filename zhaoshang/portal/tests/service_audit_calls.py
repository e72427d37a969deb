"""The service system's writes (#10) in the audit matrix (`test_service_audit`): teams, tasks,
批示, elements, 联评联审, problems, settings, 联席会议 and 服务记录, each called once on a fresh world.

Kept beside the matrix so that its module stays readable; the entries have the matrix's shape:
service → (a call given the world, the actions it leaves, which sides its last entry holds)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

S = "zhaoshang.{}.{}".format
CREATE, UPDATE, DELETE, NEITHER = (True, False), (True, True), (False, True), (False, False)


def _department(code: str):
    from zhaoshang.accounts.models import Department

    return Department.objects.get(code=code)


def _key_project(w: Any):
    return w.make_project(name="临清轴承项目", is_key=True)


# --- 五个一 teams (service.services.teams) --------------------------------------------------------


def _teams():
    from zhaoshang.service.services import teams

    return teams


def _team(w: Any, project=None):
    from zhaoshang.service.models import TeamLevel

    return _teams().team_save(
        actor=w.city, project=project or _key_project(w), level=TeamLevel.CITY,
        leader=w.users["leader"], lead_department=_department("zrzy"), assigned_on=w.today,
    )  # fmt: skip


def _member(w: Any):
    return _teams().member_add(
        actor=w.city, team=_team(w), name="王建国", duty="企业联络", joined_on=w.today
    )


def _terminated_team(w: Any):
    from zhaoshang.projects.models import Stage
    from zhaoshang.projects.services import project_advance_stage

    project = _key_project(w)
    team = _team(w, project)
    project_advance_stage(
        project=project, to=Stage.DROPPED, on=w.today, actor=w.unit, note="企业放弃投资"
    )
    return team


# --- 督办事项 (service.services.tasks) ------------------------------------------------------------


def _tasks():
    from zhaoshang.service.services import tasks

    return tasks


def _task(w: Any):
    from zhaoshang.service.models import TaskSource

    tasks = _tasks()
    return tasks.task_create(
        actor=w.city, source=TaskSource.INSTRUCTION, title="落实用地指标",
        due_on=w.today + dt.timedelta(days=30), owner=tasks.Owner(unit=w.org["linqing"]),
        project=w.project,
    )  # fmt: skip


def _instructions():
    from zhaoshang.service.services import instructions

    return instructions


def _instruction_task(w: Any):
    instructions = _instructions()
    return instructions.TaskSpec("落实用地指标", _tasks().Owner(unit=w.org["linqing"]), workdays=5)


# --- 要素保障 (service.services.elements) ---------------------------------------------------------


def _elements():
    from zhaoshang.service.services import elements

    return elements


def _land():
    from zhaoshang.service.models import ElementKind

    return ElementKind.objects.get(code="land")


def _need(w: Any):
    return _elements().need_save(
        actor=w.unit, project=w.project, kind=_land(), requested_amount=Decimal("120"),
        requested_on=w.today,
    )  # fmt: skip


# --- 联评联审 (service.services.reviews) ----------------------------------------------------------


def _reviews():
    from zhaoshang.service.services import reviews

    return reviews


def _review(w: Any):
    return _reviews().review_send(
        project=w.project, actor=w.city, departments=[_department("zrzy")], on=w.today
    )


# --- 问题诉求 (service.services.problems) ---------------------------------------------------------


def _problems():
    from zhaoshang.service.services import problems

    return problems


def _problem(w: Any):
    from zhaoshang.service.models import ProblemCategory

    problems = _problems()
    problems.problem_categories_load()
    return problems.problem_raise(
        actor=w.unit, project=w.project, category=ProblemCategory.objects.get(code="land"),
        title="用地指标未落实", description="项目二期用地 120 亩尚无指标",
    )  # fmt: skip


def _acknowledged(w: Any):
    return _problems().problem_acknowledge(actor=w.users["dept_land"], problem=_problem(w))


def _answered(w: Any):
    return _problems().problem_answer(
        actor=w.users["dept_land"], problem=_acknowledged(w), answer="已列入下批次用地计划"
    )


def _resolved(w: Any):
    return _problems().problem_resolve(
        actor=w.users["dept_land"], problem=_acknowledged(w), result="指标已下达"
    )


def _settings():
    from zhaoshang.service.services import settings

    return settings


def _settings_row(model: str, **lookup):
    from zhaoshang.service import models

    return getattr(models, model).objects.get(**lookup)


SERVICE_CALLS = {
    S("service.services.settings", "problem_category_save"): (
        lambda w: lambda: _settings().problem_category_save(
            actor=w.city, name="人才引进", department=_department("zrzy"), limit_workdays=7,
        ), "create", CREATE,
    ),
    S("service.services.settings", "supervising_leader_set"): (
        lambda w: lambda: _settings().supervising_leader_set(
            actor=w.city, department=_department("zrzy"), leader=w.users["leader"],
        ), "create", CREATE,
    ),
    S("service.services.settings", "element_kind_save"): (
        lambda w: lambda: _settings().element_kind_save(
            actor=w.city, kind=_settings_row("ElementKind", code="water"), name="用水",
            measure="吨/日", department=None, agenda_after_days=20,
        ), "update", UPDATE,
    ),
    S("service.services.settings", "service_kind_save"): (
        lambda w: lambda: _settings().service_kind_save(actor=w.city, name="视频会商"),
        "create", CREATE,
    ),
    S("service.services.settings", "work_queue_rule_set"): (
        lambda w: lambda: _settings().work_queue_rule_set(
            actor=w.city, rule=_settings_row("WorkQueueRule", code="stale_project_days"), days=45,
        ), "update", UPDATE,
    ),
    S("service.services.teams", "team_save"): (
        lambda w: (lambda p: lambda: _team(w, p))(_key_project(w)),
        ("create", "update"), UPDATE,  # the team, then the project's leader and commissioner
    ),
    S("service.services.teams", "member_add"): (
        lambda w: (lambda t: lambda: _teams().member_add(
            actor=w.city, team=t, user=w.users["dept_land"], duty="负责用地报批",
            joined_on=w.today,
        ))(_team(w)), "create", CREATE,
    ),
    S("service.services.teams", "member_leave"): (
        lambda w: (lambda m: lambda: _teams().member_leave(
            actor=w.city, member=m, left_on=w.today, reason="工作调整"
        ))(_member(w)), "update", UPDATE,
    ),
    S("service.services.teams", "team_close"): (
        lambda w: (lambda t: lambda: _teams().team_close(actor=w.city, team=t, note="项目终止"))(
            _terminated_team(w)
        ), "update", UPDATE,
    ),
    S("service.services.tasks", "task_create"): (
        lambda w: (w.project, lambda: _task(w))[1], "create", CREATE,
    ),
    S("service.services.tasks", "task_close"): (
        lambda w: (lambda t: lambda: _tasks().task_close(
            actor=w.unit, task=t, result="已落实", done_on=w.today
        ))(_task(w)), "update", UPDATE,
    ),
    S("service.services.tasks", "task_cancel"): (
        lambda w: (lambda t: lambda: _tasks().task_cancel(actor=w.city, task=t, reason="重复交办"))(
            _task(w)
        ), "update", UPDATE,
    ),
    S("service.services.tasks", "task_extend"): (
        lambda w: (lambda t: lambda: _tasks().task_extend(
            actor=w.city, task=t, due_on=w.today + dt.timedelta(days=60), reason="等待省级批复"
        ))(_task(w)), "update", UPDATE,
    ),
    S("service.services.instructions", "instruction_give"): (
        lambda w: (lambda p: lambda: _instructions().instruction_give(
            actor=w.users["leader"], project=p, content="请抓紧解决用地问题。",
            tasks=[_instruction_task(w)],
        ))(_key_project(w)), ("create", "create"), CREATE,  # the instruction, then its task
    ),
    S("service.services.elements", "need_save"): (
        lambda w: (w.project, lambda: _need(w))[1], "create", CREATE,
    ),
    S("service.services.elements", "allocation_add"): (
        lambda w: (lambda n: lambda: _elements().allocation_add(
            actor=w.users["dept_land"], need=n, amount=Decimal("80"), allocated_on=w.today
        ))(_need(w)), ("create", "update"), UPDATE,  # the allocation, then the need's total
    ),
    S("service.services.elements", "quota_set"): (
        lambda w: lambda: _elements().quota_set(
            actor=w.city, unit=w.org["linqing"], year=w.today.year, kind=_land(),
            amount=Decimal("300"),
        ), "create", CREATE,
    ),
    S("service.services.reviews", "review_send"): (
        lambda w: (w.project, lambda: _review(w))[1], "create", CREATE,
    ),
    S("service.services.reviews", "opinion_give"): (
        lambda w: (lambda r: lambda: _reviews().opinion_give(
            opinion=r.opinions.get(), actor=w.users["dept_land"], verdict="agree", on=w.today
        ))(_review(w)), ("update", "update"), UPDATE,  # the opinion, then the review's outcome
    ),
    S("service.services.reviews", "review_close"): (
        lambda w: (lambda r: lambda: _reviews().review_close(
            review=r, actor=w.city, decision="passed", reason="市级研究同意", on=w.today
        ))(_review(w)), "update", UPDATE,
    ),
    S("service.services.reviews", "policy_update"): (
        lambda w: lambda: _reviews().policy_update(actor=w.city, gates_signing=True),
        "update", UPDATE,
    ),
    S("service.services.reviews", "reviewer_rule_save"): (
        lambda w: lambda: _reviews().reviewer_rule_save(
            actor=w.city, department=_department("zrzy"), focus="用地规划与供地", deadline_workdays=7
        ), "update", UPDATE,
    ),
    S("service.services.problems", "problem_raise"): (
        lambda w: (w.project, lambda: _problem(w))[1], "create", CREATE,
    ),
    S("service.services.problems", "problem_acknowledge"): (
        lambda w: (lambda p: lambda: _problems().problem_acknowledge(
            actor=w.users["dept_land"], problem=p
        ))(_problem(w)), "update", UPDATE,
    ),
    S("service.services.problems", "problem_answer"): (
        lambda w: (lambda p: lambda: _problems().problem_answer(
            actor=w.users["dept_land"], problem=p, answer="已列入下批次用地计划"
        ))(_acknowledged(w)), "update", UPDATE,
    ),
    S("service.services.problems", "problem_resolve"): (
        lambda w: (lambda p: lambda: _problems().problem_resolve(
            actor=w.users["dept_land"], problem=p, result="指标已下达"
        ))(_acknowledged(w)), "update", UPDATE,
    ),
    S("service.services.problems", "problem_confirm"): (
        lambda w: (lambda p: lambda: _problems().problem_confirm(
            actor=w.unit, problem=p, satisfaction=5, comment="满意"
        ))(_resolved(w)), "update", UPDATE,
    ),
    S("service.services.problems", "problem_reopen"): (
        lambda w: (lambda p: lambda: _problems().problem_reopen(
            actor=w.unit, problem=p, reason="指标仍未下达"
        ))(_answered(w)), "update", UPDATE,
    ),
    S("service.services.problems", "problem_note"): (
        lambda w: (lambda p: lambda: _problems().problem_note(
            actor=w.users["dept_land"], problem=p, note="已与企业电话沟通"
        ))(_acknowledged(w)), "update", UPDATE,
    ),
    S("service.services.problems", "problem_reroute"): (
        lambda w: (lambda p: lambda: _problems().problem_reroute(
            actor=w.city, problem=p, department=_department("sthj"), reason="属环评事项"
        ))(_problem(w)), "update", UPDATE,
    ),
    S("service.services.problems", "problem_escalate"): (
        lambda w: (lambda p: lambda: _problems().problem_escalate(
            actor=w.city, problem=p, reason="逾期未办结"
        ))(_acknowledged(w)), "update", UPDATE,
    ),
}  # fmt: skip


# --- 联席会议 (service.services.meetings) --------------------------------------------------------


def _meeting(w: Any, day: dt.date | None = None):
    from zhaoshang.accounts.models import Department
    from zhaoshang.service.services import meetings

    return meetings.meeting_create(
        actor=w.city, held_on=day or w.today, place="市政府第一会议室", chair=w.users["leader"],
        departments=[Department.objects.get(code="zrzy")],
    )  # fmt: skip


def _free_item(w: Any, meeting=None):
    from zhaoshang.service.services import meetings

    meeting = meeting or _meeting(w)
    return meetings.agenda_add_free(actor=w.city, meeting=meeting, title="园区供电规划")


def _decision_task(w: Any):
    from zhaoshang.accounts.models import Department
    from zhaoshang.service.services.meetings import TaskSpec

    return TaskSpec(
        due_on=w.today + dt.timedelta(days=30), owner_department=Department.objects.get(code="gdgs")
    )


def _held_item(w: Any):
    from zhaoshang.service.services import meetings

    item = _free_item(w)
    meetings.meeting_hold(actor=w.city, meeting=item.meeting)
    item.meeting.refresh_from_db()
    return item


def _decision(w: Any):
    from zhaoshang.service.services import meetings

    item = _held_item(w)
    return meetings.decision_record(
        actor=w.city, item=item, text="编制规划", tasks=[_decision_task(w)]
    )


def _carried_candidate(w: Any):
    """A meeting called before an earlier one's decision was taken: the decision is proposed."""
    from zhaoshang.service.services import meetings

    item = _held_item(w)
    later = _meeting(w, w.today + dt.timedelta(days=7))
    decision = meetings.decision_record(
        actor=w.city, item=item, text="编制", tasks=[_decision_task(w)]
    )
    return later, decision


def _meetings():
    from zhaoshang.service.services import meetings

    return meetings


MEETING_CALLS = {
    S("service.services.meetings", "meeting_create"): (
        lambda w: lambda: _meeting(w), "create", CREATE,
    ),
    S("service.services.meetings", "meeting_update"): (
        lambda w: (lambda m: lambda: _meetings().meeting_update(
            actor=w.city, meeting=m, place="市政府第二会议室"
        ))(_meeting(w)), "update", UPDATE,
    ),
    S("service.services.meetings", "agenda_add"): (
        lambda w: (lambda later, d: lambda: _meetings().agenda_add(
            actor=w.city, meeting=later, kind="carried", object_id=d.pk
        ))(*_carried_candidate(w)), "create", CREATE,
    ),
    S("service.services.meetings", "agenda_add_free"): (
        lambda w: (lambda m: lambda: _free_item(w, m))(_meeting(w)), "create", CREATE,
    ),
    S("service.services.meetings", "agenda_update"): (
        lambda w: (lambda i: lambda: _meetings().agenda_update(
            actor=w.city, item=i, presenter_unit=w.org["linqing"], presenter_department=None
        ))(_free_item(w)), "update", UPDATE,
    ),
    S("service.services.meetings", "agenda_remove"): (
        lambda w: (lambda i: lambda: _meetings().agenda_remove(actor=w.city, item=i))(
            _free_item(w)
        ), "delete", DELETE,
    ),
    S("service.services.meetings", "agenda_move"): (
        lambda w: (lambda i: lambda: _meetings().agenda_move(actor=w.city, item=i, to=1))(
            _free_item(w)
        ), "update", UPDATE,
    ),
    S("service.services.meetings", "agenda_confirm"): (
        lambda w: (lambda i: lambda: _meetings().agenda_confirm(actor=w.city, meeting=i.meeting))(
            _free_item(w)
        ), "update", UPDATE,
    ),
    S("service.services.meetings", "meeting_hold"): (
        lambda w: (lambda i: lambda: _meetings().meeting_hold(actor=w.city, meeting=i.meeting))(
            _free_item(w)
        ), "update", UPDATE,
    ),
    S("service.services.meetings", "decision_record"): (
        lambda w: (lambda i: lambda: _meetings().decision_record(
            actor=w.city, item=i, text="编制规划", tasks=[_decision_task(w)]
        ))(_held_item(w)), ("create", "create"), CREATE,  # the decision, then its task
    ),
    S("service.services.meetings", "decision_update"): (
        lambda w: (lambda d: lambda: _meetings().decision_update(
            actor=w.city, decision=d, text="四月底前编制规划"
        ))(_decision(w)), "update", UPDATE,
    ),
    S("service.services.meetings", "decision_task_add"): (
        lambda w: (lambda d: lambda: _meetings().decision_task_add(
            actor=w.city, decision=d, spec=_decision_task(w)
        ))(_decision(w)), "create", CREATE,
    ),
    S("service.services.meetings", "decision_delete"): (
        lambda w: (lambda d: lambda: _meetings().decision_delete(actor=w.city, decision=d))(
            _decision(w)
        ), ("delete", "delete"), DELETE,  # its task, then the decision
    ),
    S("service.services.meetings", "minutes_issue"): (
        lambda w: (lambda d: lambda: _meetings().minutes_issue(
            actor=w.city, meeting=d.meeting, issued_on=w.today
        ))(_decision(w)), ("update", "update"), UPDATE,  # the decision's number, the meeting
    ),
}  # fmt: skip


# --- 服务记录 (service.services.servicelog) -------------------------------------------------------


def _service_log(w: Any):
    from zhaoshang.service.models import ServiceKind
    from zhaoshang.service.services import servicelog

    return servicelog.service_log_add(
        actor=w.unit, project=w.project, on=w.today, kind=ServiceKind.objects.get(code="visit"),
        note="走访企业", contact_name="王经理", contact_phone="13812345678",
    )  # fmt: skip


def _servicelog():
    from zhaoshang.service.services import servicelog

    return servicelog


SERVICE_LOG_CALLS = {
    S("service.services.servicelog", "service_log_add"): (
        lambda w: (w.project, lambda: _service_log(w))[1], "create", CREATE,
    ),
    S("service.services.servicelog", "service_log_update"): (
        lambda w: (lambda e: lambda: _servicelog().service_log_update(
            actor=w.unit, entry=e, on=w.today, kind=e.kind, note="电话回访",
            contact_phone="138****5678",
        ))(_service_log(w)), "update", UPDATE,
    ),
    S("service.services.servicelog", "service_log_reveal"): (
        lambda w: (lambda e: lambda: _servicelog().service_log_reveal(actor=w.unit, entry=e))(
            _service_log(w)
        ), "reveal", NEITHER,  # who saw the number, never the number
    ),
}  # fmt: skip

SERVICE_CALLS.update(MEETING_CALLS)
SERVICE_CALLS.update(SERVICE_LOG_CALLS)
