"""The demo city's service log (服务记录): the commissioner's year on the projects they carry.

Every project with a 服务专员 gets its first contact a few working days after the commissioner
was assigned (its registration), then regular visits, calls, coordination and 帮办 until it is
producing or dropped (or the demo's reference date), mostly by the commissioner, sometimes by the
unit's staff or the 包帮 leader. Each entry is a `service_log_add` call scheduled on the replay's
simulated clock, so it is dated, audited and timed exactly as if entered on the day.

Its own random stream (seeded) keeps the rest of the demo unchanged.
"""

from __future__ import annotations

import datetime as dt
import random

from zhaoshang.core.workdays import add_workdays
from zhaoshang.projects.models import Stage
from zhaoshang.service.models import ServiceKind
from zhaoshang.service.reference import service_reference_load
from zhaoshang.service.services.servicelog import service_log_add

from . import names
from .planner import STAFF_OF_UNIT, ProjectScript
from .reference import REFERENCE_DATE

SEED = "service-desk"

FIRST_CONTACT = (
    ("visit", "首次走访企业，介绍服务专员职责和对接方式，了解项目推进计划和近期需求", ""),
    ("call", "电话联系企业负责人，建立服务对接机制，约定每月走访", ""),
)
VISITS = (
    ("visit", "到项目现场查看施工进度，了解用工和原材料到场情况", ""),
    ("visit", "走访企业，听取项目推进中的困难和诉求", "梳理问题清单，明确责任部门和办结时限"),
    ("call", "电话了解本周工程进度和资金到位安排", ""),
    ("call", "电话回访前期反映的用电问题办理情况", "企业确认已解决"),
    (
        "coordinate",
        "协调供电公司现场踏勘，商定临时用电接入方案",
        "供电公司承诺10个工作日内完成接电",
    ),
    ("coordinate", "协调自然资源和规划局对接用地手续", "明确土地组卷报批时间表"),
    ("coordinate", "召开项目推进调度会，协调环评和能评并联审批", "环评、能评同步受理"),
    ("assist", "帮办施工许可证申报材料，陪同企业到政务服务中心窗口办理", "施工许可证当日受理"),
    ("assist", "帮办企业用工招聘，对接县人社局专场招聘会", "首批招聘操作工60人"),
    ("assist", "代办项目备案变更手续", "备案变更已办结"),
)
SERVED = (Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED)


def _served_until(script: ProjectScript) -> dt.date:
    """The last day the project is served: production, dropping, or the reference date."""
    for stage, day in script.path:
        if stage in (Stage.OPERATING, Stage.DROPPED):
            return min(day, REFERENCE_DATE)
    return REFERENCE_DATE


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def schedule_service_desk(replayer, scripts: list[ProjectScript]) -> int:
    """Schedule the service log of every project with a commissioner on the replay; returns the
    number of entries scheduled."""
    rng = random.Random(SEED)
    service_reference_load()
    kinds: dict[str, ServiceKind] = {k.code: k for k in ServiceKind.objects.all()}
    commissioner = replayer.users["commissioner"]
    leader = replayer.users["leader"]
    scheduled = 0
    for script in scripts:
        if not script.has_commissioner:
            continue
        staff = replayer.users[STAFF_OF_UNIT[script.unit_code]]
        until = _served_until(script)
        contact = names.person_name(rng)
        phone = names.fictional_mobile(rng)
        # First contact: 1–6 working days after assignment (a few projects wait longer).
        delay = rng.choice((1, 2, 2, 3, 3, 4, 5, 6, 9))
        day = add_workdays(script.lead_on, delay)
        first = True
        while day <= until:
            if first:
                code, note, help_given = rng.choice(FIRST_CONTACT)
                actor = commissioner
            else:
                code, note, help_given = rng.choice(VISITS)
                actor = rng.choices([commissioner, staff, leader], weights=[14, 5, 1])[0]
            with_contact = first or rng.random() < 0.6

            def log(
                i: int = script.index,
                on: dt.date = day,
                kind: ServiceKind = kinds[code],
                note: str = note,
                help_given: str = help_given,
                actor=actor,
                with_contact: bool = with_contact,
                contact: str = contact,
                phone: str = phone,
            ) -> None:
                service_log_add(
                    actor=actor,
                    project=replayer.projects[i],
                    on=on,
                    kind=kind,
                    note=note,
                    contact_name=f"{contact}（项目负责人）" if with_contact else "",
                    contact_phone=phone if with_contact else "",
                    help_given=help_given,
                )

            replayer.add(day, 17, rng.randint(0, 29), log)
            scheduled += 1
            first = False
            day = _weekday(day + dt.timedelta(days=rng.randint(18, 45)))
    return scheduled
