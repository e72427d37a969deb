"""The demo city's 联评联审: every major project (key, or ≥ 10亿元) reviewed before it signs.

On the first morning of the history the city turns on "未通过联评联审不得签约" and keeps the
default reviewing departments. Each major project the replay signs is sent for review by its
unit two to six weeks before its signing date (never before its registration); the departments
answer within days, mostly 同意, some 有条件同意 with conditions that become the unit's tasks;
one review meets a 不同意 and the city overrides it with a reason, so that project still signs.
Of the major projects not signed by the reference date, some are under review (opinions
pending, several overdue: the departments' queues and the joint meeting's agenda), one was
refused by 发展改革 (不通过, awaiting the city's decision), and a dropped one was closed 不通过.

Everything goes through the review services as events of the replay, on its simulated clock,
so it is dated and audited as if entered on the day. Its own random stream (seeded) keeps the
rest of the demo unchanged.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from zhaoshang.accounts.models import Department, User
from zhaoshang.projects.models import Stage
from zhaoshang.service.models import JointReview, ReviewPolicy, Task
from zhaoshang.service.services import reviews as svc
from zhaoshang.service.services.tasks import task_close

from .planner import STAFF_OF_UNIT, ProjectScript
from .reference import HISTORY_START, REFERENCE_DATE

SEED = "service-reviews"

# Conditions a department attaches, by department code.
CONDITIONS: dict[str, tuple[str, ...]] = {
    "zrzy": (
        "依法办理建设用地预审与选址意见书后方可签订供地协议",
        "落实耕地占补平衡指标",
        "按控制性详细规划调整容积率和建筑密度",
    ),
    "sthj": (
        "取得环境影响评价批复后方可开工建设",
        "落实主要污染物排放总量替代来源",
        "配套建设废气治理设施，与主体工程同时设计、同时施工、同时投产",
    ),
    "fgw": (
        "完成节能审查并落实能耗等量替代方案",
        "项目备案内容与签约内容保持一致",
    ),
    "gxj": (
        "亩均税收不低于园区准入标准，写入投资协议",
        "主要设备选型达到行业先进水平",
    ),
    "yjj": (
        "开展安全预评价，危险化学品储存设施按规范设计",
        "落实安全设施“三同时”",
    ),
}
AGREE_NOTES = ("符合本部门审查要求", "同意", "原则同意，按程序办理后续手续")
DISAGREE = ("fgw", "项目能耗强度高于全省同行业先进值，本年度能耗指标无法保障，暂不同意")
OVERRIDE_REASON = "市双招双引领导小组专题会议研究：能耗指标由市级统筹解决，同意有条件推进"

# The share of signed major projects whose review carries conditions, and of conditions met.
CONDITIONAL_SHARE = 0.35
MET_SHARE = 0.85
MET_RESULTS = (
    "已落实，相关批复文件已报审查部门备案",
    "已按要求完成，经审查部门确认",
    "已办结，材料已归档",
)


def _weekday_on_or_before(day: dt.date, floor: dt.date) -> dt.date:
    while day.weekday() >= 5 and day > floor:
        day -= dt.timedelta(days=1)
    return day


class _Reviews:
    def __init__(self, replayer, scripts: list[ProjectScript]) -> None:
        self.replayer = replayer
        self.rng = random.Random(SEED)
        self.users: dict[str, User] = replayer.users
        self.scripts = scripts
        self.reviews: dict[int, JointReview] = {}  # by script index
        self.staff_of: dict[str, User] = {}

    # setup ---------------------------------------------------------------------------------

    def setup(self) -> None:
        city = self.users["city"]
        policy = svc.review_policy()
        svc.policy_update(actor=city, version=None, gates_signing=True)
        assert ReviewPolicy.objects.get(pk=policy.pk).gates_signing
        rules = svc.reviewer_rules()
        codes = {r.department.code: r.department for r in rules}
        for user in User.objects.filter(department__code__in=codes, is_active=True).order_by("id"):
            self.staff_of.setdefault(user.department.code, user)

    def answerer(self, department: Department) -> User:
        # A department without a demo login has its opinion entered by the city's office.
        return self.staff_of.get(department.code, self.users["city"])

    # events --------------------------------------------------------------------------------

    def at(self, day: dt.date, action: Callable[[], None], *, minute: int = 59) -> None:
        # 9:59: after the day's registrations (8–9h), before its stage changes (10h).
        self.replayer.add(day, 9, minute, action)

    def send(self, script: ProjectScript, day: dt.date, note: str) -> None:
        staff = self.users[STAFF_OF_UNIT[script.unit_code]]

        def send() -> None:
            project = self.replayer.projects[script.index]
            self.reviews[script.index] = svc.review_send(
                project=project, actor=staff, note=note, on=day
            )

        self.at(day, send)

    def answer(
        self,
        script: ProjectScript,
        code: str,
        day: dt.date,
        verdict: str,
        reasons: str = "",
        conditions: tuple[str, ...] = (),
        conditions_due_on: dt.date | None = None,
    ) -> None:
        def answer() -> None:
            review = self.reviews[script.index]
            opinion = review.opinions.select_related("department").get(department__code=code)
            svc.opinion_give(
                opinion=opinion,
                actor=self.answerer(opinion.department),
                verdict=verdict,
                reasons=reasons,
                conditions=list(conditions),
                conditions_due_on=conditions_due_on,
                on=day,
            )
            for task in opinion.tasks.order_by("id"):
                self.schedule_done(script, task, day)

        self.at(day, answer)

    def schedule_done(self, script: ProjectScript, task: Task, given_on: dt.date) -> None:
        """Most conditions are met by the unit within weeks; a few are still open."""
        done_on = given_on + dt.timedelta(days=self.rng.randint(10, 75))
        if self.rng.random() >= MET_SHARE or done_on > min(task.due_on, REFERENCE_DATE):
            return
        staff = self.users[STAFF_OF_UNIT[script.unit_code]]
        result = self.rng.choice(MET_RESULTS)

        def done() -> None:
            task_close(actor=staff, task=task, result=result, done_on=done_on)

        self.replayer.add(done_on, 15, 30, done)

    def close(self, script: ProjectScript, day: dt.date, decision: str, reason: str) -> None:
        def close() -> None:
            svc.review_close(
                review=self.reviews[script.index],
                actor=self.users["city"],
                decision=decision,
                reason=reason,
                on=day,
            )

        self.at(day, close, minute=59)

    # plans ---------------------------------------------------------------------------------

    def plan(self, codes: list[str]) -> None:
        rng = self.rng
        policy = ReviewPolicy(gates_signing=True)  # the defaults the demo city keeps
        major = [s for s in self.scripts if svc.needs_review(_Proposed(s), policy)]
        signed = [s for s in major if s.date_of(Stage.SIGNED)]
        unsigned = [s for s in major if not s.date_of(Stage.SIGNED)]
        override = next(
            (s for s in signed if (s.date_of(Stage.SIGNED) - s.lead_on).days >= 20), None
        )
        for script in signed:
            self.plan_signed(script, codes, override=script is override)
        dropped = [s for s in unsigned if s.date_of(Stage.DROPPED)]
        open_ = [s for s in unsigned if not s.date_of(Stage.DROPPED)]
        if dropped:
            self.plan_dropped(dropped[0], codes)
        if open_:
            self.plan_refused(open_[0], codes)
        # About half of the others are under review at the reference date.
        for script in open_[1:]:
            if rng.random() < 0.6:
                self.plan_pending(script, codes)

    def plan_signed(self, script: ProjectScript, codes: list[str], *, override: bool) -> None:
        rng = self.rng
        sign_day = script.date_of(Stage.SIGNED)
        assert sign_day is not None
        lead = script.lead_on
        send_day = max(
            lead, _weekday_on_or_before(sign_day - dt.timedelta(days=rng.randint(14, 42)), lead)
        )
        self.send(script, send_day, "项目已基本谈定，拟近期签约，提请各部门联评联审")
        window = max((sign_day - send_day).days - 1, 0)
        conditional = set()
        if rng.random() < CONDITIONAL_SHARE:
            conditional = set(rng.sample(codes, k=rng.choice((1, 1, 2))))
        disagree_code = DISAGREE[0] if override and DISAGREE[0] in codes else ""
        last = send_day
        for code in codes:
            day = send_day + dt.timedelta(days=min(window, rng.randint(1, 7)))
            last = max(last, day)
            if code == disagree_code:
                self.answer(script, code, day, "disagree", reasons=DISAGREE[1])
            elif code in conditional:
                picks = (
                    CONDITIONS[code][: rng.choice((1, 2))]
                    if code in CONDITIONS
                    else ("按本部门要求办理相关手续",)
                )
                due = min(
                    sign_day + dt.timedelta(days=rng.randint(30, 120)),
                    REFERENCE_DATE + dt.timedelta(days=60),
                )
                self.answer(
                    script, code, day, "conditional", reasons="原则同意，须落实以下条件",
                    conditions=tuple(picks), conditions_due_on=max(due, day),
                )  # fmt: skip
            else:
                self.answer(script, code, day, "agree", reasons=rng.choice(AGREE_NOTES))
        if disagree_code:
            self.close(script, min(last, sign_day), "conditional", OVERRIDE_REASON)

    def plan_refused(self, script: ProjectScript, codes: list[str]) -> None:
        """发展改革 says no; the review waits for the city's decision (the agenda's item)."""
        rng = self.rng
        send_day = self._proposed_day(script)
        self.send(script, send_day, "投资方要求尽快明确能耗指标，提请联评联审")
        for code in codes:
            day = min(send_day + dt.timedelta(days=rng.randint(2, 6)), REFERENCE_DATE)
            if code == DISAGREE[0]:
                self.answer(script, code, day, "disagree", reasons=DISAGREE[1])
            else:
                self.answer(script, code, day, "agree", reasons=rng.choice(AGREE_NOTES))

    def plan_dropped(self, script: ProjectScript, codes: list[str]) -> None:
        """Refused by every department concerned with capital; closed 不通过 before it dropped."""
        rng = self.rng
        dropped = script.date_of(Stage.DROPPED)
        assert dropped is not None
        send_day = max(script.lead_on, dropped - dt.timedelta(days=rng.randint(20, 40)))
        self.send(script, send_day, "提请联评联审")
        last = send_day
        for code in codes:
            day = min(send_day + dt.timedelta(days=rng.randint(1, 6)), dropped)
            last = max(last, day)
            if code in ("fgw", "gxj"):
                self.answer(
                    script,
                    code,
                    day,
                    "disagree",
                    reasons="投资方注册资本与投资规模明显不匹配，资金来源不明",
                )
            else:
                self.answer(script, code, day, "agree", reasons=rng.choice(AGREE_NOTES))
        # The opinions' outcome (不通过) stands: the city closes without overriding it.
        self.close(script, min(last, dropped), "", "")

    def plan_pending(self, script: ProjectScript, codes: list[str]) -> None:
        """Sent recently: some departments answered, the others still owe their opinion."""
        rng = self.rng
        send_day = self._proposed_day(script)
        self.send(script, send_day, "提请联评联审")
        answered = rng.sample(codes, k=rng.randint(0, len(codes) - 1))
        for code in codes:
            if code in answered:
                day = min(send_day + dt.timedelta(days=rng.randint(1, 5)), REFERENCE_DATE)
                self.answer(script, code, day, "agree", reasons=rng.choice(AGREE_NOTES))

    def _proposed_day(self, script: ProjectScript) -> dt.date:
        """A day while the project is proposed, late in the history (so its review is recent)."""
        start = script.date_of(Stage.NEGOTIATING) or script.lead_on
        latest = REFERENCE_DATE - dt.timedelta(days=3)
        if start >= latest:
            return max(script.lead_on, min(start, REFERENCE_DATE))
        span = (latest - start).days
        return start + dt.timedelta(days=self.rng.randint(max(span - 60, 0), span))


class _Proposed:
    """What `needs_review` reads of a project, from its script (before the project exists)."""

    def __init__(self, script: ProjectScript) -> None:
        self.is_key = script.is_key
        self.total_investment_wan = script.total


def schedule_joint_reviews(replayer, scripts: list[ProjectScript]) -> None:
    """Schedule the joint reviews of the demo's major projects on the replay (call before run)."""
    reviews = _Reviews(replayer, scripts)
    codes = [code for code, _focus, _days in svc.DEFAULT_REVIEWERS]

    def setup() -> None:
        reviews.setup()

    replayer.add(HISTORY_START, 7, 0, setup)
    reviews.plan(codes)
