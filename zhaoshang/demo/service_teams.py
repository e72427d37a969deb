"""The demo city's 五个一 teams, leaders' instructions and 要素保障.

Every key project gets its service team a few days after it is registered: a city key project,
carried by the city leader 顶格, led by a department by industry, with members from the
departments concerned and the unit. When the project produces, the city closes its team.
Through 2024 the leader writes about forty instructions on the key projects still in service;
each gives one or two tasks to a department or the unit, most closed with a result in time, some
late, a few still open past their deadline. Signed key projects state the land, energy and power
they need; the departments allocate most of it, in parts, and some waits (the joint meeting's
agenda); the city sets each unit's 2024 quotas in January.

Everything goes through the services as events of the replay, on its simulated clock. Its own
random stream (seeded) keeps the rest of the demo unchanged.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.projects.models import Stage
from zhaoshang.service.models import ElementKind, Task, TeamLevel
from zhaoshang.service.services.elements import allocation_add, need_save, quota_set
from zhaoshang.service.services.instructions import TaskSpec, instruction_give
from zhaoshang.service.services.tasks import Owner, task_close
from zhaoshang.service.services.teams import member_add, team_close, team_save

from .planner import STAFF_OF_UNIT, ProjectScript
from .reference import REFERENCE_DATE

SEED = "service-teams"
INSTRUCTIONS = 40
YEAR = 2024

# The lead department of a team: mostly 工业和信息化局, else the department of its hardest step.
LEADS = ("gxj", "gxj", "gxj", "zrzy", "fgw", "sww")
MEMBERS = (
    ("dept_land", "负责用地预审、供地和规划许可"),
    ("dept_dev", "负责项目备案、节能审查和能耗指标"),
    ("dept_env", "负责环评审批和排放总量指标"),
)
UNIT_DUTY = "项目专班联络，协调征地拆迁和水电气暖配套"
NAMED = (
    ("王立军", "乡镇党委书记，负责项目周边环境保障"),
    ("刘春梅", "园区管委会副主任，负责入园手续"),
)

INSTRUCTION_TEXTS = (
    "请{dept}抓紧研究解决项目{topic}问题，确保按期推进，结果及时报我。",
    "项目是全市重点，{dept}要靠前服务，{topic}事项限期办结。",
    "请{dept}会同{unit}专题研究{topic}，拿出具体方案。",
    "此事要一抓到底，{dept}牵头解决{topic}，不能影响开工。",
)
TOPICS = {
    "zrzy": ("用地指标", "土地摘牌", "规划许可"),
    "fgw": ("能耗指标", "项目备案", "节能审查"),
    "sthj": ("环评审批", "排放总量指标"),
    "gxj": ("技改备案", "设备补贴"),
    "unit": ("征地拆迁", "水电气配套", "施工许可"),
}
DEPT_USERS = {"zrzy": "dept_land", "fgw": "dept_dev", "sthj": "dept_env", "gxj": "dept_ind"}
RESULTS = (
    "已专题研究落实，相关手续已办结",
    "已完成，批复文件已送达企业",
    "已协调解决，企业表示满意",
    "已按要求办理完毕，情况已报领导",
)
# Element needs of a signed key project: (kind, amount per 万元 of investment, rounding).
NEEDS = (
    ("land", Decimal("0.004"), 5),
    ("energy", Decimal("0.05"), 100),
    ("power", Decimal("0.02"), 50),
)
ALLOCATORS = {"land": "dept_land", "energy": "dept_dev", "power": "city", "emission": "dept_env"}
QUOTA_RANGES = {
    "land": (300, 1200, 50),
    "energy": (20000, 90000, 1000),
    "power": (5000, 40000, 500),
}


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class _Teams:
    def __init__(self, replayer, scripts: list[ProjectScript]) -> None:
        self.replayer = replayer
        self.rng = random.Random(SEED)
        self.users: dict[str, User] = replayer.users
        self.key = [s for s in scripts if s.is_key]

    def project(self, script: ProjectScript):
        return self.replayer.projects[script.index]

    def add(self, day: dt.date, hour: int, minute: int, action) -> None:
        self.replayer.add(day, hour, minute, action)

    # teams ---------------------------------------------------------------------------------

    def plan_teams(self) -> None:
        for script in self.key:
            produced = script.date_of(Stage.OPERATING)
            day = script.lead_on + dt.timedelta(days=2)
            if day > REFERENCE_DATE or (produced is not None and produced <= day):
                continue
            self.add(day, 17, 50, self._set_up(script, day))
            if produced is not None and produced < REFERENCE_DATE:
                self.add(produced, 18, 30, self._close(script))

    def _set_up(self, script: ProjectScript, day: dt.date):
        def set_up() -> None:
            project = self.project(script)
            city = self.users["city"]
            code = self.rng.choice(LEADS)
            team = team_save(
                actor=city,
                project=project,
                level=TeamLevel.CITY,
                leader=self.users["leader"],
                lead_department=Department.objects.get(code=code),
                commissioner=self.users["commissioner"] if script.has_commissioner else None,
                assigned_on=day,
            )
            for username, duty in self.rng.sample(MEMBERS, 2):
                member_add(actor=city, team=team, user=self.users[username], duty=duty,
                           joined_on=day)  # fmt: skip
            member_add(actor=city, team=team, user=self.users[STAFF_OF_UNIT[script.unit_code]],
                       duty=UNIT_DUTY, joined_on=day)  # fmt: skip
            name, duty = self.rng.choice(NAMED)
            member_add(actor=city, team=team, name=name, unit=project.unit, duty=duty,
                       joined_on=day)  # fmt: skip

        return set_up

    def _close(self, script: ProjectScript):
        def close() -> None:
            team = self.project(script).service_team
            team_close(actor=self.users["city"], team=team)

        return close

    # instructions --------------------------------------------------------------------------

    def plan_instructions(self) -> None:
        rng = self.rng
        start = dt.date(YEAR, 1, 8)
        candidates = []
        for script in self.key:
            first = max(script.lead_on + dt.timedelta(days=7), start)
            produced = script.date_of(Stage.OPERATING) or script.date_of(Stage.DROPPED)
            last = min(produced - dt.timedelta(days=10) if produced else REFERENCE_DATE,
                       REFERENCE_DATE - dt.timedelta(days=5))  # fmt: skip
            if first < last:
                candidates.append((script, first, last))
        if not candidates:
            return
        for n in range(INSTRUCTIONS):
            script, first, last = candidates[n % len(candidates)]
            day = _weekday(first + dt.timedelta(days=rng.randint(0, (last - first).days)))
            if day > last:
                continue
            owners = rng.sample(["zrzy", "fgw", "sthj", "gxj", "unit"], rng.choice([1, 1, 2]))
            self.add(day, 11, rng.randint(0, 59), self._instruct(script, day, owners))

    def _instruct(self, script: ProjectScript, day: dt.date, owners: list[str]):
        rng = self.rng
        unit_name = self.replayer.units[script.unit_code].short_name
        specs_plan = [
            (code, rng.choice(TOPICS[code]), rng.choice([5, 10, 15, 20])) for code in owners
        ]
        first_dept = next((c for c in owners if c != "unit"), "zrzy")
        text = rng.choice(INSTRUCTION_TEXTS)

        def instruct() -> None:
            project = self.project(script)
            departments = {d.code: d for d in Department.objects.filter(code__in=DEPT_USERS)}
            specs = []
            for code, topic, days in specs_plan:
                owner = (Owner(unit=project.unit) if code == "unit"
                         else Owner(department=departments[code]))  # fmt: skip
                specs.append(TaskSpec(title=f"解决{project.name}{topic}问题"[:300], owner=owner,
                                      workdays=days))  # fmt: skip
            content = text.format(dept=departments[first_dept].short_name,
                                  topic=specs_plan[0][1], unit=unit_name)  # fmt: skip
            instruction = instruction_give(actor=self.users["leader"], project=project,
                                           content=content, tasks=specs, issued_on=day)  # fmt: skip
            for task in instruction.tasks.order_by("id"):
                self._plan_close(script, task, day)

        return instruct

    def _plan_close(self, script: ProjectScript, task: Task, given_on: dt.date) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return  # still open: overdue when its deadline has passed
        span = (task.due_on - given_on).days
        late = roll > 0.85
        done_on = given_on + dt.timedelta(
            days=rng.randint(span + 2, span + 25) if late else rng.randint(2, max(2, span))
        )
        if done_on > REFERENCE_DATE:
            return
        owner = (self.users[STAFF_OF_UNIT[script.unit_code]] if task.owner_unit_id
                 else self.users[DEPT_USERS[task.owner_department.code]])  # fmt: skip
        result = rng.choice(RESULTS)

        def close() -> None:
            task_close(actor=owner, task=task, result=result, done_on=done_on)

        self.add(done_on, 16, rng.randint(0, 59), close)

    # elements ------------------------------------------------------------------------------

    def plan_quotas(self) -> None:
        rng = self.rng
        day = dt.date(YEAR, 1, 8)
        plan = []
        for unit in Unit.objects.exclude(kind="city").order_by("sort_order", "code"):
            for code, (low, high, step) in QUOTA_RANGES.items():
                plan.append((unit.pk, code, Decimal(rng.randrange(low, high, step))))

        def set_quotas() -> None:
            kinds = {k.code: k for k in ElementKind.objects.all()}
            units = {u.pk: u for u in Unit.objects.all()}
            for unit_id, code, amount in plan:
                quota_set(actor=self.users["city"], unit=units[unit_id], year=YEAR,
                          kind=kinds[code], amount=amount)  # fmt: skip

        self.add(day, 9, 30, set_quotas)

    def plan_elements(self) -> None:
        rng = self.rng
        for script in self.key:
            signed = script.date_of(Stage.SIGNED)
            if signed is None or signed > REFERENCE_DATE - dt.timedelta(days=3):
                continue
            for code, per_wan, step in NEEDS:
                if code != "land" and rng.random() < 0.3:
                    continue
                if code == "land" and script.land_mu:
                    amount = Decimal(script.land_mu).quantize(Decimal("1"))
                else:
                    amount = Decimal(max(step, round(script.total * per_wan / step) * step))
                self.add(signed, 17, 40, self._need(script, code, amount, signed))

    def _need(self, script: ProjectScript, code: str, amount: Decimal, day: dt.date):
        rng = self.rng
        # Most needs are met in one or two parts within months; some wait.
        parts = []
        roll = rng.random()
        if roll < 0.7:
            first = day + dt.timedelta(days=rng.randint(15, 120))
            if rng.random() < 0.35:
                half = (amount * Decimal("0.6")).quantize(Decimal("1"))
                parts = [
                    (first, half),
                    (first + dt.timedelta(days=rng.randint(20, 90)), amount - half),
                ]
            else:
                parts = [(first, amount)]
        elif roll < 0.85:
            part = (amount * Decimal("0.5")).quantize(Decimal("1"))
            parts = [(day + dt.timedelta(days=rng.randint(20, 60)), part)]

        def request() -> None:
            project = self.project(script)
            kind = ElementKind.objects.get(code=code)
            need = need_save(actor=self.users[STAFF_OF_UNIT[script.unit_code]], project=project,
                             kind=kind, requested_amount=amount, requested_on=day,
                             note="按项目可研报告测算")  # fmt: skip
            for on, part in parts:
                if on <= REFERENCE_DATE and part > 0:
                    self.add(_weekday(on) if _weekday(on) <= REFERENCE_DATE else on, 14, 20,
                             self._allocate(need.pk, code, part, on))  # fmt: skip

        return request

    def _allocate(self, need_id: int, code: str, amount: Decimal, on: dt.date):
        def allocate() -> None:
            from zhaoshang.service.models import ElementNeed

            need = ElementNeed.objects.select_related("kind", "project").get(pk=need_id)
            today = _weekday(on) if _weekday(on) <= REFERENCE_DATE else on
            allocation_add(actor=self.users[ALLOCATORS[code]], need=need, amount=amount,
                           allocated_on=today, note=f"聊要素〔{today.year}〕{need_id % 97 + 1}号")  # fmt: skip

        return allocate


def schedule_service_teams(replayer, scripts: list[ProjectScript]) -> None:
    """Schedule the teams, instructions, element needs and quotas on the replay (before run)."""
    teams = _Teams(replayer, scripts)
    teams.plan_teams()
    teams.plan_quotas()
    teams.plan_elements()
    teams.plan_instructions()
