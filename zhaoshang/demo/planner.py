"""Planning the demo: everything drawn from one seeded generator into plain scripts.

Pure Python and reproducible: the same seed gives the same enterprises, projects, stage paths,
funds months and plans. `replay` then runs the scripts through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.accounts.reference import UNITS
from zhaoshang.projects.models import (
    AttractionMode,
    EvidenceKind,
    FundsSource,
    FundsStatus,
    Stage,
)

from . import names
from .reference import (
    CAMPAIGNS,
    DROP_REASONS,
    FOREIGN_ORIGINS,
    HISTORY_START,
    INDUSTRIES,
    KNOWN_ENTERPRISES,
    PLACES,
    PRESS_PROJECTS,
    REFERENCE_DATE,
    REGION_WEIGHTS,
    UNIT_INDUSTRY_WEIGHTS,
    UNIT_PROJECT_WEIGHTS,
    DirectionSpec,
    Place,
    PressProject,
)
from .users import DEMO_USERS

FINAL_STAGE_WEIGHTS = {
    Stage.LEAD: 14,
    Stage.NEGOTIATING: 18,
    Stage.SIGNED: 20,
    Stage.STARTED: 26,
    Stage.OPERATING: 15,
    Stage.DROPPED: 7,
}
# Days between one stage and the next (min, max).
STAGE_GAPS: dict[str, tuple[int, int]] = {
    Stage.NEGOTIATING: (10, 90),
    Stage.SIGNED: (20, 150),
    Stage.STARTED: (30, 200),
    Stage.OPERATING: (120, 420),
    Stage.DROPPED: (20, 200),
}
MODE_WEIGHTS = {
    AttractionMode.DOOR_TO_DOOR: 25,
    AttractionMode.BY_BUSINESS: 20,
    AttractionMode.PARK: 12,
    AttractionMode.SMALL_TEAM: 10,
    AttractionMode.HOMETOWN: 8,
    AttractionMode.AGENCY: 8,
    AttractionMode.RESIDENT_OFFICE: 7,
    AttractionMode.DIGITAL: 5,
    AttractionMode.CAPITAL: 5,
}
SOURCE_WEIGHTS = {
    FundsSource.OWN: 45,
    FundsSource.BANK_LOAN: 30,
    FundsSource.EQUITY: 15,
    FundsSource.OTHER: 10,
}
# Share of total investment that has arrived by the reference date, by stage.
FUNDS_SHARE = {
    Stage.SIGNED: (0.03, 0.15),
    Stage.STARTED: (0.15, 0.5),
    Stage.OPERATING: (0.5, 0.9),
}
REJECT_REASONS = (
    "银行进账单与投资主体名称不一致",
    "验资报告未加盖会计师事务所印章",
    "到位资金含流动资金借款，不符合统计口径",
    "同一笔资金已在上月填报",
)
KEY_TARGET = 28  # generated key projects, beside the two reported in the press
MAX_FUNDS_RECORDS = 10  # per project, spread over the months since signing
DUPLICATE_REASON = "同一投资方在不同县区的独立项目，经核实不属于重复登记"

INDUSTRY_OF: dict[str, str] = {d.code: i.code for i in INDUSTRIES for d in i.directions}
STAFF_OF_UNIT: dict[str, str] = {
    u.unit_code: u.username for u in DEMO_USERS if u.role == "unit_staff"
}


# --- scripts ------------------------------------------------------------------------------------


@dataclass
class EnterpriseScript:
    name: str
    industry: str
    direction: str
    brand: str
    region: str
    division_code: str = ""
    country: str = "CN"
    uscc: str = ""
    tags: tuple[str, ...] = ()
    is_sample: bool = True
    # A known enterprise's registry scope, code and the chain nodes a person confirms it on
    # ((direction code, node name)); a sample enterprise's scope is drawn from its direction.
    business_scope: str = ""
    industry_code: str = ""
    nodes: tuple[tuple[str, str], ...] = ()


@dataclass
class FundsScript:
    period: dt.date
    amount: Decimal
    source: str
    evidence_kind: str
    submit_on: dt.date
    submitter: str
    decision: str = ""  # "verified", "rejected" or "" (still waiting in the queue)
    decide_on: dt.date | None = None
    decider: str = ""
    reason: str = ""


@dataclass
class ProjectScript:
    index: int
    name: str
    unit_code: str
    direction: str
    investors: list[int]
    mode: str
    total: Decimal
    lead_on: dt.date
    path: list[tuple[str, dt.date]]
    campaign: str = ""
    contracted: Decimal | None = None
    land_mu: Decimal | None = None
    jobs: int | None = None
    output: Decimal | None = None
    tax: Decimal | None = None
    foreign_usd: Decimal | None = None
    description: str = ""
    team: str = ""
    drop_reason: str = ""
    is_key: bool = False
    has_commissioner: bool = False
    funds: list[FundsScript] = field(default_factory=list)
    reversal_on: dt.date | None = None  # the city sends `started` back once, then it is redone

    @property
    def industry(self) -> str:
        return INDUSTRY_OF[self.direction]

    @property
    def final_stage(self) -> str:
        return self.path[-1][0] if self.path else Stage.LEAD

    def date_of(self, stage: str) -> dt.date | None:
        return next((d for s, d in self.path if s == stage), None)


# --- planning -----------------------------------------------------------------------------------


def _round_wan(value: float, step: int) -> Decimal:
    return Decimal(max(step, round(value / step) * step))


def weekday(day: dt.date, floor: dt.date) -> dt.date:
    """The same day, or the Friday before when it falls on a weekend (never before `floor`)."""
    if day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    return max(day, floor)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class Planner:
    """Draws the demo's scripts from a seeded generator."""

    def __init__(self, *, seed: int, enterprises: int, projects: int) -> None:
        self.rng = random.Random(seed)
        self.enterprise_count = max(enterprises, len(KNOWN_ENTERPRISES) + 1)
        self.project_count = max(projects, len(PRESS_PROJECTS))
        self.places_by_region: dict[str, list[Place]] = {}
        for place in PLACES:
            self.places_by_region.setdefault(place.region, []).append(place)

    # enterprises -------------------------------------------------------------------------------

    def enterprises(self) -> list[EnterpriseScript]:
        rng = self.rng
        scripts = [
            EnterpriseScript(
                name=known.name,
                industry=known.industry,
                direction=known.direction,
                brand=known.brand,
                region="known",
                division_code=known.division_code,
                tags=known.tags,
                is_sample=False,
                business_scope=known.business_scope,
                industry_code=known.industry_code,
                nodes=known.nodes,
            )
            for known in KNOWN_ENTERPRISES
        ]
        used_names = {s.name for s in scripts}
        used_serials: set[int] = set()
        industry_weights: dict[str, int] = {}
        for weights in UNIT_INDUSTRY_WEIGHTS.values():
            for code, weight in weights.items():
                industry_weights[code] = industry_weights.get(code, 0) + weight
        while len(scripts) < self.enterprise_count:
            industry = names.weighted(rng, industry_weights)
            spec = next(i for i in INDUSTRIES if i.code == industry)
            direction = rng.choice(spec.directions)
            brand = names.brand(rng)
            word = rng.choice(direction.company_words)
            region = names.weighted(rng, REGION_WEIGHTS)
            if region == "foreign":
                country = rng.choice(FOREIGN_ORIGINS)[0]
                name = names.foreign_company_name(rng, country=country, brand_name=brand, word=word)
                script = EnterpriseScript(
                    name=name,
                    industry=industry,
                    direction=direction.code,
                    brand=brand,
                    region=region,
                    country=country,
                    tags=self._tags(foreign=True),
                )
            else:
                place = rng.choice(self.places_by_region[region])
                name = names.company_name(rng, city=place.city, brand_name=brand, word=word)
                serial = rng.randrange(10_000_000, 100_000_000)
                while serial in used_serials:
                    serial = rng.randrange(10_000_000, 100_000_000)
                used_serials.add(serial)
                script = EnterpriseScript(
                    name=name,
                    industry=industry,
                    direction=direction.code,
                    brand=brand,
                    region=region,
                    division_code=place.code,
                    uscc=names.uscc_for(place.code, serial),
                    tags=self._tags(foreign=False),
                )
            if script.name in used_names:
                continue
            used_names.add(script.name)
            scripts.append(script)
        return scripts

    def _tags(self, *, foreign: bool) -> tuple[str, ...]:
        rng = self.rng
        tags = []
        if rng.random() < (0.35 if foreign else 0.03):
            tags.append("global500")
        if not foreign and rng.random() < 0.07:
            tags.append("china500")
        if not foreign and rng.random() < 0.09:
            tags.append("private500")
        if rng.random() < 0.15:
            tags.append("listed")
        if not foreign and rng.random() < 0.18:
            tags.append("specialized")
            if rng.random() < 0.3:
                tags.append("little_giant")
        if rng.random() < 0.05 or ("global500" in tags and rng.random() < 0.4):
            tags.append("chain_leader")
        return tuple(tags)

    # projects ----------------------------------------------------------------------------------

    def projects(self, enterprises: list[EnterpriseScript]) -> list[ProjectScript]:
        rng = self.rng
        by_industry: dict[str, list[int]] = {}
        for index, enterprise in enumerate(enterprises):
            by_industry.setdefault(enterprise.industry, []).append(index)
        scripts = [self._press(i, p, enterprises) for i, p in enumerate(PRESS_PROJECTS)]
        used_names = {s.name for s in scripts}
        while len(scripts) < self.project_count:
            unit_code = names.weighted(rng, UNIT_PROJECT_WEIGHTS)
            industry = names.weighted(rng, UNIT_INDUSTRY_WEIGHTS[unit_code])
            pool = by_industry.get(industry) or list(range(len(enterprises)))
            investor = rng.choice(pool) if rng.random() < 0.85 else rng.randrange(len(enterprises))
            spec = next(i for i in INDUSTRIES if i.code == industry)
            direction = rng.choice(spec.directions)
            name = names.project_name(
                rng, direction=direction, brand_name=enterprises[investor].brand
            )
            if name in used_names:
                continue
            used_names.add(name)
            investors = [investor]
            if rng.random() < 0.12:
                second = rng.randrange(len(enterprises))
                if second != investor:
                    investors.append(second)
            scripts.append(self._project(len(scripts), name, unit_code, direction, investors))
        self._pick_key(scripts)
        self._pick_reversals(scripts)
        for script in scripts:
            script.funds = self._funds(script)
        return scripts

    def _press(
        self, index: int, press: PressProject, enterprises: list[EnterpriseScript]
    ) -> ProjectScript:
        investor = next(i for i, e in enumerate(enterprises) if e.name == press.investor)
        total = Decimal(press.total_investment_wan)
        return ProjectScript(
            index=index,
            name=press.name,
            unit_code=press.unit_code,
            direction=press.direction,
            investors=[investor],
            mode=press.attraction_mode,
            total=total,
            lead_on=press.lead_on,
            path=list(press.path),
            campaign=next(
                (
                    c.name
                    for c in CAMPAIGNS
                    if any(c.starts_on <= d <= c.ends_on for s, d in press.path if s == "signed")
                    and "百日会战" in c.name
                ),
                "",
            ),
            contracted=total,
            land_mu=Decimal("1200.00"),
            jobs=3000,
            output=total * Decimal("1.2"),
            tax=total * Decimal("0.06"),
            description=press.description,
            team=names.team(self.rng, unit_short_name(press.unit_code)),
            is_key=True,
            has_commissioner=True,
        )

    def _project(
        self, index: int, name: str, unit_code: str, direction: DirectionSpec, investors: list[int]
    ) -> ProjectScript:
        rng = self.rng
        final = names.weighted(rng, {str(k): v for k, v in FINAL_STAGE_WEIGHTS.items()})
        steps = self._steps(final)
        gaps = [rng.randint(*STAGE_GAPS[s]) for s in steps]
        horizon = (REFERENCE_DATE - HISTORY_START).days
        if sum(gaps) > horizon * 0.95:
            factor = horizon * 0.95 / sum(gaps)
            gaps = [max(3, int(g * factor)) for g in gaps]
        earliest = HISTORY_START
        if final in (Stage.LEAD, Stage.NEGOTIATING):
            earliest = max(HISTORY_START, REFERENCE_DATE - dt.timedelta(days=420))
        latest = REFERENCE_DATE - dt.timedelta(days=sum(gaps))
        lead_on = weekday(
            earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days))),
            HISTORY_START,
        )
        path: list[tuple[str, dt.date]] = []
        day = lead_on
        for stage, gap in zip(steps, gaps, strict=True):
            day = min(weekday(day + dt.timedelta(days=gap), day), REFERENCE_DATE)
            path.append((stage, day))

        total = self._investment()
        script = ProjectScript(
            index=index,
            name=name,
            unit_code=unit_code,
            direction=direction.code,
            investors=investors,
            mode=names.weighted(rng, {str(k): v for k, v in MODE_WEIGHTS.items()}),
            total=total,
            lead_on=lead_on,
            path=path,
            team=names.team(rng, unit_short_name(unit_code)),
        )
        if any(s == Stage.SIGNED for s, _ in path):
            share = rng.uniform(0.75, 1.0)
            script.contracted = min(total, _round_wan(float(total) * share, 100))
        if final == Stage.DROPPED:
            script.drop_reason = rng.choice(DROP_REASONS)
        intensity = rng.uniform(250, 600)  # 万元 invested per 亩
        script.land_mu = Decimal(f"{float(total) / intensity:.1f}")
        script.jobs = max(20, int(float(total) / rng.uniform(60, 160)))
        script.output = _round_wan(float(total) * rng.uniform(0.8, 2.0), 100)
        script.tax = _round_wan(float(script.output) * rng.uniform(0.03, 0.08), 10)
        script.description = (
            f"主要建设{rng.choice(direction.products)}生产线及配套设施，"
            f"达产后预计年产值{script.output / 10000:.1f}亿元、税收{script.tax / 10000:.2f}亿元。"
        )
        script.campaign = self._campaign(script)
        return script

    def _steps(self, final: str) -> list[str]:
        rng = self.rng
        if final == Stage.DROPPED:
            before = names.weighted(rng, {"lead": 40, "negotiating": 50, "signed": 10})
            steps = self._steps(before)
            return [*steps, Stage.DROPPED]
        order = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.OPERATING]
        steps = [str(s) for s in order[1 : order.index(Stage(final)) + 1]]
        if Stage.NEGOTIATING in steps and final != Stage.NEGOTIATING and rng.random() < 0.15:
            steps.remove(Stage.NEGOTIATING)  # signed straight from a lead
        return steps

    def _investment(self) -> Decimal:
        rng = self.rng
        band = rng.random()
        if band < 0.22:
            return _round_wan(rng.uniform(2_000, 9_900), 100)
        if band < 0.75:
            return _round_wan(rng.uniform(10_000, 60_000), 100)
        if band < 0.96:
            return _round_wan(rng.uniform(60_000, 200_000), 1000)
        return _round_wan(rng.uniform(200_000, 400_000), 1000)

    def _campaign(self, script: ProjectScript) -> str:
        rng = self.rng
        days = [script.lead_on, *(d for s, d in script.path if s == Stage.SIGNED)]
        for campaign in CAMPAIGNS:
            within = any(campaign.starts_on <= d <= campaign.ends_on for d in days)
            if within and rng.random() < 0.45:
                return campaign.name
        return ""

    def _pick_key(self, scripts: list[ProjectScript]) -> None:
        rng = self.rng
        eligible = [
            s
            for s in scripts
            if not s.is_key
            and s.total >= 60_000
            and s.final_stage in (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.OPERATING)
        ]
        eligible.sort(key=lambda s: (-s.total, s.index))
        chosen = eligible[: KEY_TARGET * 2]
        rng.shuffle(chosen)
        for script in chosen[:KEY_TARGET]:
            script.is_key = True
            script.has_commissioner = True
        others = [s for s in scripts if not s.is_key]
        for script in rng.sample(others, k=min(len(others), max(1, len(scripts) // 30))):
            script.has_commissioner = True

    def _pick_reversals(self, scripts: list[ProjectScript]) -> None:
        candidates = [
            s
            for s in scripts
            if s.final_stage == Stage.STARTED
            and not s.is_key
            and (REFERENCE_DATE - s.date_of(Stage.STARTED)).days > 90  # type: ignore[operator]
        ]
        for script in self.rng.sample(candidates, k=min(2, len(candidates))):
            script.reversal_on = weekday(
                script.date_of(Stage.STARTED) + dt.timedelta(days=self.rng.randint(10, 25)),  # type: ignore[operator]
                script.date_of(Stage.STARTED),  # type: ignore[arg-type]
            )

    def _funds(self, script: ProjectScript) -> list[FundsScript]:
        rng = self.rng
        final = script.final_stage
        signed_on = script.date_of(Stage.SIGNED)
        if final not in FUNDS_SHARE or signed_on is None:
            return []
        staff = STAFF_OF_UNIT[script.unit_code]
        end = REFERENCE_DATE
        periods = []
        period = _month_start(signed_on)
        while period <= end:
            periods.append(period)
            period = _next_month(period)
        # Money mostly arrives during construction: fewer records before the start.
        started_on = script.date_of(Stage.STARTED)
        weights = [
            0.35 if started_on is None or p < _month_start(started_on) else 0.75 for p in periods
        ]
        chosen = [p for p, w in zip(periods, weights, strict=True) if rng.random() < w]
        if not chosen:
            chosen = [periods[-1]]
        if len(chosen) > MAX_FUNDS_RECORDS:
            chosen = sorted(rng.sample(chosen, MAX_FUNDS_RECORDS))
        share = rng.uniform(*FUNDS_SHARE[final])
        target = float(script.total) * share
        parts = [rng.uniform(0.5, 1.5) for _ in chosen]
        scale = target / sum(parts)
        records: list[FundsScript] = []
        for period, part in zip(chosen, parts, strict=True):
            amount = _round_wan(part * scale, 10 if script.total < 100_000 else 100)
            submit_on = _next_month(period) + dt.timedelta(days=rng.randint(2, 12))
            if period == _month_start(end):
                submit_on = period + dt.timedelta(days=rng.randint(9, 17))
            submit_on = weekday(min(max(submit_on, signed_on), end), signed_on)
            if submit_on < period:
                continue
            submitter = "city" if rng.random() < 0.05 else staff
            record = FundsScript(
                period=period,
                amount=amount,
                source=names.weighted(rng, {str(k): v for k, v in SOURCE_WEIGHTS.items()}),
                evidence_kind=(
                    EvidenceKind.BANK_RECEIPT
                    if rng.random() < 0.8
                    else EvidenceKind.CAPITAL_VERIFICATION
                ),
                submit_on=submit_on,
                submitter=submitter,
            )
            decide_on = submit_on + dt.timedelta(days=rng.randint(1, 12))
            decider = "city_verifier" if submitter == "city" or rng.random() < 0.3 else "city"
            if decide_on <= end:
                record.decide_on = weekday(decide_on, submit_on)
                record.decider = decider
                if rng.random() < 0.03:
                    record.decision = FundsStatus.REJECTED
                    record.reason = rng.choice(REJECT_REASONS)
                    resubmit_on = weekday(
                        record.decide_on + dt.timedelta(days=rng.randint(2, 8)), record.decide_on
                    )
                    if resubmit_on == record.decide_on:  # corrected the next day at the earliest
                        resubmit_on += dt.timedelta(days=1)
                    records.append(record)
                    if resubmit_on <= end:
                        again = FundsScript(
                            period=period,
                            amount=amount,
                            source=record.source,
                            evidence_kind=record.evidence_kind,
                            submit_on=resubmit_on,
                            submitter=submitter,
                        )
                        verify_on = again.submit_on + dt.timedelta(days=rng.randint(1, 6))
                        if verify_on <= end:
                            again.decision = FundsStatus.VERIFIED
                            again.decide_on = weekday(verify_on, again.submit_on)
                            again.decider = decider
                        records.append(again)
                    continue
                record.decision = FundsStatus.VERIFIED
            records.append(record)
        return records


def unit_short_name(code: str) -> str:
    return next(u[2] for u in UNITS if u[0] == code)
