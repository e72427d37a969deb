"""Replaying the planned scripts through the services, in date order, under a simulated clock.

Each event is what a user's click would do on that day: `project_create`,
`project_advance_stage` with a placeholder evidence file, `funds_submit`, `funds_verify` or
`funds_reject` by a city user who did not enter the record, `plan_save`, `milestone_create`,
`milestone_complete`, `progress_add`. The services write the stage log, evidence, funds records
and audit log exactly as they would for a person.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from decimal import Decimal

from zhaoshang.accounts.models import Unit, User
from zhaoshang.enterprises.models import Enterprise, PlacementStatus, Tag
from zhaoshang.enterprises.services import contact_create, enterprise_create, placement_decide
from zhaoshang.industries.models import ChainNode, Direction, Industry
from zhaoshang.projects.models import (
    Campaign,
    EvidenceKind,
    FundsRecord,
    FundsStatus,
    Milestone,
    Project,
    Stage,
)
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_reject,
    funds_submit,
    funds_verify,
    milestone_complete,
    milestone_create,
    plan_save,
    progress_add,
    project_advance_stage,
    project_create,
)

from . import names
from .clock import SimulatedClock
from .placeholders import pdf_upload, png_upload
from .planner import (
    DUPLICATE_REASON,
    STAFF_OF_UNIT,
    EnterpriseScript,
    FundsScript,
    ProjectScript,
    weekday,
)
from .reference import HISTORY_START, MILESTONES, PROGRESS_NOTES, REFERENCE_DATE

Event = tuple[tuple[dt.date, int, int, int], Callable[[], None]]
KNOWN_PLACEMENT_NOTE = "示例数据：按公开资料确认企业所在产业链环节"


class Replayer:
    """Runs the scripts through the services in date order under a simulated clock."""

    def __init__(
        self,
        *,
        clock: SimulatedClock,
        rng: random.Random,
        users: dict[str, User],
        real_today: dt.date,
    ) -> None:
        self.clock = clock
        self.rng = rng
        self.users = users
        self.real_today = real_today
        self.units = {u.code: u for u in Unit.objects.all()}
        self.projects: dict[int, Project] = {}
        self.records: dict[tuple[int, int], FundsRecord] = {}
        self.events: list[Event] = []
        self._seq = 0
        self._contact_serial = 0

    def add(self, day: dt.date, hour: int, minute: int, action: Callable[[], None]) -> None:
        """Schedule `action` at local `day hour:minute` (events may schedule further events)."""
        self._seq += 1
        heapq.heappush(self.events, ((day, hour, minute, self._seq), action))

    def run(self) -> None:
        """Replay every event in time order; ties keep the order they were scheduled in."""
        while self.events:
            (day, hour, minute, _), action = heapq.heappop(self.events)
            self.clock.at(day, hour, minute)
            action()

    # catalogue and registry ----------------------------------------------------------------

    def enterprises(
        self, scripts: list[EnterpriseScript], tags: dict[str, Tag]
    ) -> list[Enterprise]:
        actor = self.users["city"]
        nodes = _nodes_by_direction()
        created = []
        for index, script in enumerate(scripts):
            self.clock.at(HISTORY_START, 8 + index // 60 % 10, index % 60)
            if script.business_scope:  # a known enterprise, in its registry's wording
                details = {
                    "business_scope": script.business_scope,
                    "industry_code": script.industry_code,
                }
            else:
                details = _business(nodes.get(script.direction, []), seed=f"{script.name}-{index}")
            created.append(
                enterprise_create(
                    actor=actor,
                    name=script.name,
                    uscc=script.uscc,
                    division_code=script.division_code,
                    country=script.country,
                    tags=[tags[c] for c in script.tags],
                    is_sample=script.is_sample,
                    **details,
                )
            )
            if script.is_sample:
                self._contacts(created[-1], seed=f"{script.name}-{index}")
        self._schedule_known_placements(scripts, created, nodes)
        return created

    def _contacts(self, enterprise: Enterprise, *, seed: str) -> None:
        """One or two fictional people to call at an invented enterprise (never a real one), so
        the masked phone numbers and their audited reveal can be seen. Drawn from their own
        generator: the plan's draws, and so the rest of the demo, stay as they were."""
        rng = random.Random(seed)
        for _ in range(1 if rng.random() < 0.7 else 2):
            self._contact_serial += 1
            contact_create(
                actor=self.users["city"],
                enterprise=enterprise,
                name=names.person_name(rng),
                title=rng.choice(names.CONTACT_TITLES),
                phone=names.fictional_mobile(rng),
                email=names.fictional_email(self._contact_serial) if rng.random() < 0.5 else "",
            )

    def _schedule_known_placements(
        self,
        scripts: list[EnterpriseScript],
        enterprises: list[Enterprise],
        nodes_by_direction: dict[str, list[ChainNode]],
    ) -> None:
        """The city confirms the known enterprises on their chain nodes, that first evening.

        Each becomes a manual, confirmed placement through `placement_decide` (audited), which
        automatic placement never overrides, as when the city's staff set up the chain map.
        """
        nodes = {
            (code, node.name): node for code, chain in nodes_by_direction.items() for node in chain
        }
        actor = self.users["city"]
        for script, enterprise in zip(scripts, enterprises, strict=True):
            # Only nodes of the chains loaded (a city without a chain catalogue has none).
            chosen = [nodes[key] for key in script.nodes if key in nodes]
            if not chosen:
                continue

            def confirm(
                enterprise: Enterprise = enterprise, chosen: list[ChainNode] = chosen
            ) -> None:
                for node in chosen:
                    placement_decide(
                        actor=actor,
                        enterprise=enterprise,
                        node=node,
                        status=PlacementStatus.CONFIRMED,
                        note=KNOWN_PLACEMENT_NOTE,
                    )

            self.add(HISTORY_START, 18, 0, confirm)

    # projects ------------------------------------------------------------------------------

    def schedule(
        self,
        script: ProjectScript,
        *,
        investors: list[Enterprise],
        industries: dict[str, Industry],
        directions: dict[str, Direction],
        campaigns: dict[str, Campaign],
    ) -> None:
        rng = self.rng
        staff = self.users[STAFF_OF_UNIT[script.unit_code]]
        i = script.index

        def create() -> None:
            self.projects[i] = project_create(
                actor=staff,
                investors=investors,
                duplicate_reason=DUPLICATE_REASON,
                lead_on=script.lead_on,
                name=script.name,
                unit=self.units[script.unit_code],
                industry=industries[script.industry],
                direction=directions[script.direction],
                attraction_mode=script.mode,
                campaign=campaigns.get(script.campaign),
                total_investment_wan=script.total,
                foreign_investment_usd_wan=self._foreign_usd(script, investors),
                land_mu=script.land_mu,
                expected_jobs=script.jobs,
                expected_output_wan=script.output,
                expected_tax_wan=script.tax,
                is_key=script.is_key,
                lead_leader=self.users["leader"] if script.is_key else None,
                commissioner=self.users["commissioner"] if script.has_commissioner else None,
                team=script.team,
                description=script.description,
            )

        # Hours by kind keep one project's same-day steps in order: registration 8–9h, stage
        # changes 10h, funds entries 13–15h, decisions 16h, plans 17h, follow-up 18h.
        self.add(script.lead_on, rng.randint(8, 9), rng.randint(0, 59), create)
        for k, (stage, day) in enumerate(script.path):
            minute = 10 * k + rng.randint(0, 9)
            self.add(day, 10, minute, self._advance(i, stage, day, staff, script))
        if script.reversal_on:
            self._schedule_reversal(script, staff)
        for n, record in enumerate(script.funds):
            self._schedule_funds(i, n, record)
        if script.is_key:
            self._schedule_plan(script, staff)

    @staticmethod
    def _foreign_usd(script: ProjectScript, investors: list[Enterprise]) -> Decimal | None:
        if not any(e.country != "CN" for e in investors):
            return None
        return (script.total * Decimal("0.6") / Decimal("7.1")).quantize(Decimal("1"))

    def _evidence(self, i: int, stage: str) -> list[EvidenceFile]:
        label = f"Zhaoshang demo placeholder - project {self.projects[i].pk} - {stage}"
        if stage == Stage.SIGNED:
            return [EvidenceFile(EvidenceKind.CONTRACT, pdf_upload("投资合同.pdf", label))]
        if stage == Stage.STARTED:
            if self.rng.random() < 0.4:
                photo = png_upload("开工现场照片.png", (self.rng.randrange(256), 140, 60))
                return [EvidenceFile(EvidenceKind.SITE_PHOTO, photo)]
            return [
                EvidenceFile(EvidenceKind.CONSTRUCTION_PERMIT, pdf_upload("施工许可证.pdf", label))
            ]
        if stage == Stage.OPERATING:
            if self.rng.random() < 0.5:
                return [
                    EvidenceFile(
                        EvidenceKind.PRODUCTION_LICENCE, pdf_upload("生产许可证.pdf", label)
                    )
                ]
            return [EvidenceFile(EvidenceKind.SALES_INVOICE, pdf_upload("首笔销售发票.pdf", label))]
        return []

    def _advance(
        self, i: int, stage: str, day: dt.date, staff: User, script: ProjectScript
    ) -> Callable[[], None]:
        notes = {
            Stage.NEGOTIATING: "与投资方开展实质性洽谈",
            Stage.SIGNED: "签订投资合同",
            Stage.STARTED: "项目开工建设",
            Stage.OPERATING: "项目建成投产",
            Stage.DROPPED: script.drop_reason,
        }

        def advance() -> None:
            project_advance_stage(
                project=self.projects[i],
                to=stage,
                on=day,
                actor=staff,
                evidence=self._evidence(i, stage),
                note=notes[stage],
                contracted_investment_wan=script.contracted if stage == Stage.SIGNED else None,
            )

        return advance

    def _schedule_reversal(self, script: ProjectScript, staff: User) -> None:
        i = script.index
        back_on = script.reversal_on
        assert back_on is not None
        again_on = weekday(back_on + dt.timedelta(days=self.rng.randint(12, 30)), back_on)

        def revert() -> None:
            project_advance_stage(
                project=self.projects[i],
                to=Stage.SIGNED,
                on=back_on,
                actor=self.users["city"],
                note="开工材料与项目主体不符，退回签约阶段补正",
            )

        self.add(back_on, 15, 30, revert)
        self.add(again_on, 11, 0, self._advance(i, Stage.STARTED, again_on, staff, script))

    def _schedule_funds(self, i: int, n: int, record: FundsScript) -> None:
        def submit() -> None:
            project = self.projects[i]
            label = (
                f"Zhaoshang demo placeholder - funds - project {project.pk} - {record.period:%Y-%m}"
            )
            kind = record.evidence_kind
            filename = "银行进账单.pdf" if kind == EvidenceKind.BANK_RECEIPT else "验资报告.pdf"
            self.records[(i, n)] = funds_submit(
                actor=self.users[record.submitter],
                project=project,
                period=record.period,
                amount_wan=record.amount,
                source=record.source,
                evidence=[EvidenceFile(kind, pdf_upload(filename, label))],
            )

        self.add(record.submit_on, self.rng.randint(13, 15), self.rng.randint(0, 59), submit)
        if not record.decision or record.decide_on is None:
            return

        def decide() -> None:
            actor = self.users[record.decider]
            if record.decision == FundsStatus.VERIFIED:
                funds_verify(actor=actor, record=self.records[(i, n)])
            else:
                funds_reject(actor=actor, record=self.records[(i, n)], reason=record.reason)

        self.add(record.decide_on, 16, self.rng.randint(0, 59), decide)

    def _schedule_plan(self, script: ProjectScript, staff: User) -> None:
        rng = self.rng
        i = script.index
        base = script.date_of(Stage.SIGNED) or script.date_of(Stage.NEGOTIATING) or script.lead_on
        leader = self.users["leader"]
        commissioner = self.users["commissioner"]
        unit = self.units[script.unit_code]
        content = (
            f"一个项目：{script.name}\n"
            f"一名领导：{leader.display_name}（{leader.title}）包帮推进\n"
            f"一个团队：{script.team}；服务专员 {commissioner.display_name}\n"
            f"一套方案：{unit.name}牵头，自然资源、生态环境、行政审批等部门联审联批，"
            f"倒排工期、挂图作战\n"
            "一抓到底：每月调度一次，问题清单化、销号管理，直至项目建成投产。"
        )
        start = rng.randint(0, 2)
        titles = MILESTONES[start : start + rng.randint(4, 6)]
        due = base
        plan: list[tuple[str, dt.date, dt.date | None]] = []
        for title in titles:
            due = due + dt.timedelta(days=rng.randint(25, 80))
            done = None
            if due <= REFERENCE_DATE and rng.random() < 0.75:
                done = min(max(due + dt.timedelta(days=rng.randint(-20, 10)), base), REFERENCE_DATE)
            plan.append((title, due, done))

        def write_plan() -> None:
            project = self.projects[i]
            plan_save(actor=staff, project=project, content=content)
            for n, (title, due_on, done_on) in enumerate(plan):
                if due_on > REFERENCE_DATE:
                    # Still ahead: keep it ahead of the real today, so the demo shows what is
                    # coming as well as what is overdue.
                    due_on = self.real_today + (due_on - REFERENCE_DATE)
                milestone = milestone_create(
                    actor=staff, project=project, title=title, due_on=due_on
                )
                if done_on is not None:
                    complete = self._complete(milestone, done_on, staff, commissioner)
                    self.add(done_on, 18, n, complete)

        self.add(base, 17, 50, write_plan)

        for n in range(rng.randint(2, 5)):
            span = max(1, (REFERENCE_DATE - base).days)
            day = weekday(base + dt.timedelta(days=rng.randint(1, span)), base)
            author = rng.choices([staff, commissioner, leader], weights=[6, 3, 1])[0]
            note = rng.choice(PROGRESS_NOTES).format(
                pct=rng.randint(30, 95), workers=rng.randint(60, 400)
            )
            with_photo = rng.random() < 0.3
            colour = (90, rng.randrange(256), 160)

            def add_progress(
                day: dt.date = day,
                author: User = author,
                note: str = note,
                with_photo: bool = with_photo,
                colour: tuple[int, int, int] = colour,
                n: int = n,
            ) -> None:
                photos = (
                    [EvidenceFile(EvidenceKind.PHOTO, png_upload(f"现场照片{n + 1}.png", colour))]
                    if with_photo
                    else []
                )
                progress_add(
                    actor=author, project=self.projects[i], on=day, content=note, photos=photos
                )

            self.add(day, 18, 30 + n, add_progress)

    def _complete(
        self, milestone: Milestone, done_on: dt.date, staff: User, commissioner: User
    ) -> Callable[[], None]:
        actor = commissioner if self.rng.random() < 0.4 else staff

        def complete() -> None:
            milestone_complete(actor=actor, milestone=milestone, done_on=done_on)

        return complete


def _nodes_by_direction() -> dict[str, list[ChainNode]]:
    """The chain nodes of each direction, by direction code (empty before chains are loaded)."""
    nodes: dict[str, list[ChainNode]] = {}
    for node in ChainNode.objects.select_related("direction").order_by("id"):
        nodes.setdefault(node.direction.code, []).append(node)
    return nodes


def _business(nodes: list[ChainNode], *, seed: str) -> dict[str, str]:
    """A business scope and industry code from one or two links of the enterprise's chain.

    Its own random stream (seeded by the enterprise) keeps the rest of the demo unchanged.
    """
    if not nodes:
        return {}
    rng = random.Random(seed)
    chosen = rng.sample(nodes, k=min(len(nodes), rng.choice((1, 1, 2))))
    words = [w for node in chosen for w in (node.keywords or [node.name])[:3]]
    codes = [str(c) for node in chosen for c in (node.industry_codes or [])]
    scope = (
        f"{'、'.join(dict.fromkeys(words))}的研发、生产、销售；货物进出口；技术服务。"
        "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )
    return {"business_scope": scope, "industry_code": codes[0] if codes else ""}
