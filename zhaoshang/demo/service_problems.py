"""The demo city's 问题诉求: about 300 problems raised on its projects during 2024.

Commissioners, unit staff and the city leader (on 一线 visits) raise problems on projects that
are moving (negotiating to operating), in proportions that favour land and planning, so that
自然资源和规划局 (`dept_land`) has a real queue. Most are signed for within a working day or two,
answered and resolved within their limit and confirmed with a good rating; some are resolved
late (the daily job, run every morning of the replay, reminds and escalates them: department
head, then the 分管 city leader, then the 联席会议); a few are sent back once; those raised in
the last weeks are still open on the reference date, some of them overdue and escalated.

Everything goes through the problem services as events of the replay, on its simulated clock,
so each step is dated, audited and notified as if entered on the day. Its own random stream
(seeded) keeps the rest of the demo unchanged.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from zhaoshang.accounts.models import Department, User
from zhaoshang.core import workdays
from zhaoshang.projects.models import Stage
from zhaoshang.service.models import Problem, ProblemCategory, SupervisingLeader
from zhaoshang.service.services import problems as svc

from .planner import STAFF_OF_UNIT, ProjectScript
from .reference import REFERENCE_DATE

SEED = "service-problems"
PER_PROJECT = 0.5  # about 300 problems for the 600 projects of the full demo
YEAR_START = dt.date(2024, 1, 2)

# category code → weight, titles (a title, then the description's first sentence)
CATEGORY_PLAN: dict[str, tuple[int, tuple[tuple[str, str], ...]]] = {
    "land": (
        9,
        (
            ("二期用地指标尚未落实", "项目二期约120亩建设用地尚无年度新增建设用地指标"),
            ("土地组卷报批进度慢", "用地组卷材料已报送一个月，尚未上报省厅"),
            ("地块存在历史遗留权属问题", "拟供地块内有一处村集体厂房未完成补偿"),
            ("土地出让时间晚于企业计划", "企业要求年内摘牌，目前出让方案尚未公示"),
        ),
    ),
    "planning": (
        6,
        (
            ("规划条件与项目需求不符", "地块容积率上限1.2，企业厂房方案需1.5"),
            ("工程规划许可证办理周期长", "设计方案已修改两轮，许可证尚未核发"),
            ("道路红线调整影响厂区布局", "规划道路穿越厂区，企业希望优化线位"),
        ),
    ),
    "eia": (
        4,
        (
            ("环评批复进度滞后", "环评报告书已受理，技术评估意见尚未出具"),
            ("主要污染物总量指标缺口", "VOCs总量指标缺口约8吨/年"),
        ),
    ),
    "energy": (
        3,
        (
            ("节能审查未通过", "项目综合能耗超出园区能耗强度控制要求"),
            ("能耗指标需要市级统筹", "项目新增能耗约2万吨标准煤，县级指标不足"),
        ),
    ),
    "power": (
        4,
        (
            ("施工临时用电未接入", "800kVA临时用电申请已提交三周"),
            ("双回路供电方案待确认", "企业生产线需要双回路供电，方案尚未批复"),
        ),
    ),
    "finance": (
        2,
        (
            ("项目贷款授信进度慢", "已对接两家银行，授信审批尚未完成"),
            ("希望对接产业引导基金", "企业希望引入市级产业引导基金参股"),
        ),
    ),
    "labour": (
        2,
        (
            ("熟练技工招聘困难", "投产前需招聘技工约200人，目前到岗不足三成"),
            ("员工子女入学问题", "外地高管子女入学需协调"),
        ),
    ),
    "approval": (
        3,
        (
            ("施工许可办理材料反复补正", "施工许可材料三次被要求补正"),
            ("项目备案信息变更", "投资主体变更后需要变更备案"),
        ),
    ),
    "other": (
        2,
        (
            ("厂区周边道路破损", "进出厂区道路破损严重，影响大件运输"),
            ("企业反映涉企检查频次较多", "一个月内接到多个部门检查"),
        ),
    ),
}
ANSWERS = (
    "已安排专人对接，正在按程序办理",
    "经研究，可按现行政策办理，请企业补充相关材料",
    "已与企业当面沟通，明确了办理路径和时间节点",
)
RESULTS = (
    "已办结：相关手续已办理完毕，企业已确认",
    "已协调解决，批复文件已送达企业",
    "经现场协调，问题已解决",
    "已纳入本月批次办理，手续已完成",
)
REOPEN_REASONS = ("企业反映问题仍未实质解决", "答复未明确办理时限，请重新办理")
COMMENTS = ("办理及时，感谢", "服务很好", "", "", "基本解决，希望后续继续跟进")
# The share of problems resolved late, sent back once, confirmed straight after the answer.
LATE_SHARE = 0.1
REOPEN_SHARE = 0.05
ANSWER_ONLY_SHARE = 0.2
OPEN_WINDOW_DAYS = 40  # problems raised this close to the reference date may still be open
# 分管市领导 of the departments (the demo has one city leader).
SUPERVISED = ("zrzy", "sthj", "fgw", "gdgs")

MOVING = (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.OPERATING)


def _stage_on(script: ProjectScript, day: dt.date) -> str:
    stage = Stage.LEAD
    for name, on in script.path:
        if on <= day:
            stage = name
    return stage


class _Problems:
    def __init__(self, replayer, scripts: list[ProjectScript]) -> None:
        self.replayer = replayer
        self.rng = random.Random(SEED)
        self.users: dict[str, User] = replayer.users
        self.scripts = scripts
        self.handlers: dict[str, User] = {}

    def setup(self) -> None:
        svc.problem_categories_load()
        leader = self.users["leader"]
        for department in Department.objects.filter(code__in=SUPERVISED).order_by("id"):
            SupervisingLeader.objects.get_or_create(
                department=department, defaults={"leader": leader}
            )
        for user in User.objects.filter(role="dept_staff", is_active=True).order_by("id"):
            self.handlers.setdefault(user.department.code, user)

    def handler(self, problem: Problem) -> User:
        # A department without a demo login has its steps entered by the city's office.
        return self.handlers.get(problem.department.code, self.users["city"])

    def at(self, day: dt.date, hour: int, minute: int, action: Callable[[], None]) -> None:
        self.replayer.add(day, hour, minute, action)

    # plan ----------------------------------------------------------------------------------

    def candidates(self, day: dt.date) -> list[ProjectScript]:
        return [
            s for s in self.scripts
            if s.lead_on < day and _stage_on(s, day) in MOVING
        ]  # fmt: skip

    def plan(self) -> None:
        rng = self.rng
        span = (REFERENCE_DATE - YEAR_START).days
        codes = list(CATEGORY_PLAN)
        weights = [CATEGORY_PLAN[c][0] for c in codes]
        for n in range(round(len(self.scripts) * PER_PROJECT)):
            # Spread over the year, a little denser towards its end (more projects moving).
            day = YEAR_START + dt.timedelta(days=int(span * rng.random() ** 0.8))
            while not workdays.is_workday(day):
                day += dt.timedelta(days=1)
            if day > REFERENCE_DATE:
                continue
            pool = self.candidates(day)
            if not pool:
                continue
            script = rng.choice(pool)
            code = rng.choices(codes, weights=weights)[0]
            title, detail = rng.choice(CATEGORY_PLAN[code][1])
            self.plan_one(n, script, code, day, title, detail)

    def raiser(self, script: ProjectScript) -> User:
        rng = self.rng
        options = [self.users[STAFF_OF_UNIT[script.unit_code]]]
        if script.has_commissioner:
            options += [self.users["commissioner"]] * 2
        if script.is_key:
            options.append(self.users["leader"])
        return rng.choice(options)

    def plan_one(self, n: int, script: ProjectScript, code: str, day: dt.date, title: str,
                 detail: str) -> None:  # fmt: skip
        rng = self.rng
        raiser = self.raiser(script)
        holder: dict[str, Problem] = {}

        def raise_() -> None:
            holder["p"] = svc.problem_raise(
                actor=raiser,
                project=self.replayer.projects[script.index],
                category=ProblemCategory.objects.get(code=code),
                title=title,
                description=f"{detail}。{script.name}希望尽快协调解决。",
            )

        self.at(day, 9, 10 + n % 40, raise_)
        category_limit = svc_limit(code)
        due = workdays.add_workdays(day, category_limit)
        recent = (REFERENCE_DATE - day).days <= OPEN_WINDOW_DAYS
        ack = workdays.add_workdays(day, rng.choice((0, 1, 1, 2)))
        if recent and rng.random() < 0.35:
            return  # not yet signed for: the department's 待签收
        self.step(
            ack, 11, lambda p: svc.problem_acknowledge(actor=self.handler(p), problem=p), holder
        )
        late = rng.random() < LATE_SHARE
        if late:
            finish = workdays.add_workdays(due, rng.choice((1, 1, 1, 2, 2, 3, 4, 6)))
        else:
            finish = workdays.add_workdays(ack, rng.randint(1, max(1, category_limit - 1)))
            finish = min(finish, due)
        if finish > REFERENCE_DATE or (recent and rng.random() < 0.4):
            return  # still being handled on the reference date (some of them overdue)
        answer_only = rng.random() < ANSWER_ONLY_SHARE
        between = workdays.workdays_between(ack, finish)
        answer_day = finish if answer_only else workdays.add_workdays(ack, rng.randint(0, between))
        self.step(answer_day, 15, lambda p: svc.problem_answer(
            actor=self.handler(p), problem=p, answer=rng.choice(ANSWERS)), holder)  # fmt: skip
        if not answer_only:
            self.step(finish, 16, lambda p: svc.problem_resolve(
                actor=self.handler(p), problem=p, result=rng.choice(RESULTS)), holder)  # fmt: skip
        verdict_day = workdays.add_workdays(finish, rng.randint(1, 4))
        if verdict_day > REFERENCE_DATE:
            return
        if rng.random() < REOPEN_SHARE and not answer_only:
            self.step(verdict_day, 10, lambda p: svc.problem_reopen(
                actor=raiser, problem=p, reason=rng.choice(REOPEN_REASONS)), holder)  # fmt: skip
            again = workdays.add_workdays(verdict_day, rng.randint(1, 3))
            if again > REFERENCE_DATE:
                return
            self.step(
                again,
                11,
                lambda p: svc.problem_acknowledge(actor=self.handler(p), problem=p),
                holder,
            )
            self.step(again, 16, lambda p: svc.problem_resolve(
                actor=self.handler(p), problem=p, result=rng.choice(RESULTS)), holder)  # fmt: skip
            verdict_day = workdays.add_workdays(again, rng.randint(1, 3))
            if verdict_day > REFERENCE_DATE:
                return
        rating = rng.choice((2, 3, 3, 4)) if late else rng.choices((5, 4, 3), weights=(6, 3, 1))[0]
        self.step(verdict_day, 17, lambda p: svc.problem_confirm(
            actor=raiser, problem=p, satisfaction=rating, comment=rng.choice(COMMENTS)), holder)  # fmt: skip

    def step(self, day: dt.date, hour: int, action: Callable[[Problem], object],
             holder: dict[str, Problem]) -> None:  # fmt: skip
        def run() -> None:
            holder["p"] = action(holder["p"])

        self.at(day, hour, 30, run)

    def daily(self) -> None:
        """The daily reminder and escalation job, every working morning of the year."""
        day = YEAR_START
        while day <= REFERENCE_DATE:
            if workdays.is_workday(day):
                self.at(day, 7, 0, lambda d=day: svc.problems_daily(today=d))
            day += dt.timedelta(days=1)


def svc_limit(code: str) -> int:
    return next(limit for c, _n, _d, limit in svc.CATEGORIES if c == code)


def schedule_problems(replayer, scripts: list[ProjectScript]) -> None:
    """Schedule the demo's problems on the replay (call before run)."""
    problems = _Problems(replayer, scripts)
    replayer.add(YEAR_START, 6, 0, problems.setup)
    problems.plan()
    problems.daily()
