"""The demo city, written through the services so every record is as real as a user's.

Two phases. *Planning* (`planner`) draws everything from one seeded `random.Random` into plain
scripts — enterprises, projects, their stage paths, funds months, plans. *Replaying* (`replay`)
runs the scripts' events in date order under a simulated clock (`clock`), each through the
service a user's click would call, so the stage log, evidence, funds records and audit log are
all genuine.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from zhaoshang.accounts.models import User
from zhaoshang.accounts.reference import org_load
from zhaoshang.accounts.services import role_groups_sync
from zhaoshang.core import context
from zhaoshang.core.closing import statistics_year_set
from zhaoshang.core.models import AuditEntry
from zhaoshang.demo.ranking import publish_past_quarters, ranking_demo_setup
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.tags import tags_setup
from zhaoshang.projects.figures import pending_records, verified_records
from zhaoshang.projects.models import Evidence, FundsRecord, FundsStatus, Project, Stage
from zhaoshang.targeting.placement.services import placement_run
from zhaoshang.targeting.scoring import store as feature_store

from . import service_meetings
from .catalogue import campaigns_load, chains_load, industries_load
from .clock import simulated_time
from .planner import Planner
from .reference import DEFAULT_SEED, HISTORY_START, REFERENCE_DATE
from .replay import Replayer
from .service_desk import schedule_service_desk
from .service_notices import notices_load
from .service_problems import schedule_problems
from .service_reviews import schedule_joint_reviews
from .service_teams import schedule_service_teams
from .users import users_load


@dataclass
class DemoSummary:
    users: int = 0
    enterprises: int = 0
    projects: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)
    key_projects: int = 0
    funds_records: int = 0
    funds_verified_wan: dict[int, Decimal] = field(default_factory=dict)
    funds_waiting: int = 0
    funds_rejected: int = 0
    evidence_files: int = 0
    audit_entries: int = 0

    def lines(self) -> list[str]:
        stages = "、".join(f"{Stage(s).label}{n}" for s, n in self.by_stage.items())
        money = "，".join(
            f"{year}年 {amount / 10000:,.2f} 亿元"
            for year, amount in sorted(self.funds_verified_wan.items())
        )
        return [
            f"用户 {self.users} 个，企业 {self.enterprises} 家，项目 {self.projects} 个（{stages}），"
            f"重点项目 {self.key_projects} 个",
            f"到位资金记录 {self.funds_records} 条：已核实 {money}；待核实 {self.funds_waiting} 条，"
            f"已退回 {self.funds_rejected} 条",
            f"证明材料 {self.evidence_files} 份，审计日志 {self.audit_entries} 条",
        ]


def summarize() -> DemoSummary:
    """Figures of what is in the database now (used after a load and by the tests)."""
    by_stage = dict(Project.objects.values_list("stage").annotate(n=Count("id")).order_by())
    verified = (
        verified_records().values_list("period__year").annotate(total=Sum("amount_wan")).order_by()
    )
    return DemoSummary(
        users=User.objects.count(),
        enterprises=Enterprise.objects.count(),
        projects=Project.objects.count(),
        by_stage={s.value: by_stage.get(s.value, 0) for s in Stage},
        key_projects=Project.objects.filter(is_key=True).count(),
        funds_records=FundsRecord.objects.count(),
        funds_verified_wan={year: total for year, total in verified},
        funds_waiting=pending_records().count(),
        funds_rejected=FundsRecord.objects.filter(status=FundsStatus.REJECTED).count(),
        evidence_files=Evidence.objects.count(),
        audit_entries=AuditEntry.objects.count(),
    )


# --- the whole load -----------------------------------------------------------------------------


@dataclass
class DemoOptions:
    seed: int = DEFAULT_SEED
    enterprises: int = 300
    projects: int = 600
    password: str = ""


def demo_load(options: DemoOptions, *, stdout: TextIO | None = None) -> DemoSummary:
    """Load the demo city (expects no demo data yet); returns what was loaded."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    planner = Planner(seed=options.seed, enterprises=options.enterprises, projects=options.projects)
    enterprise_scripts = planner.enterprises()
    project_scripts = planner.projects(enterprise_scripts)
    real_today = timezone.localdate()

    token = context.bind(context.RequestContext(request_id=f"load_demo-{options.seed}"))
    try:
        with transaction.atomic(), simulated_time(HISTORY_START) as clock:
            org_load()
            role_groups_sync()
            clock.at(HISTORY_START - dt.timedelta(days=1), 9)
            users = users_load(password=options.password)
            clock.at(HISTORY_START, 8)
            city = users["city"]
            tags = tags_setup(actor=city)
            industries, directions = industries_load(actor=city)
            chains_load(actor=city)
            campaigns = campaigns_load(actor=city)
            replayer = Replayer(clock=clock, rng=planner.rng, users=users, real_today=real_today)
            say(f"登记企业 {len(enterprise_scripts)} 家 …")
            enterprises = replayer.enterprises(enterprise_scripts, tags)
            for script in project_scripts:
                replayer.schedule(
                    script,
                    investors=[enterprises[n] for n in script.investors],
                    industries=industries,
                    directions=directions,
                    campaigns=campaigns,
                )
            schedule_joint_reviews(replayer, project_scripts)
            schedule_service_desk(replayer, project_scripts)
            schedule_service_teams(replayer, project_scripts)
            schedule_problems(replayer, project_scripts)
            say(f"按时间顺序回放 {len(project_scripts)} 个项目的 {len(replayer.events)} 个事件 …")
            replayer.run()
            # The service system (#10); joint meetings last: their agendas draw on the rest.
            started = time.monotonic()
            held = service_meetings.meetings_load(clock=clock, users=users, seed=options.seed)
            say(f"重点项目联席会议 {held} 次（{time.monotonic() - started:.1f} 秒）")
            say("设定2024年目标，发布各季度竞赛榜 …")
            schemes = ranking_demo_setup(actor=city)
            # Every page opens on the demo's year, whatever the clock says.
            statistics_year_set(actor=city, year=REFERENCE_DATE.year)
            for scheme in schemes.values():
                publish_past_quarters(
                    actor=city,
                    scheme=scheme,
                    close=True,
                    until=REFERENCE_DATE,
                    # The city closes and publishes ten days after each quarter ends.
                    before_each=lambda q: clock.at(q.end_exclusive + dt.timedelta(days=9), 16),
                )
            say("自动识别企业所在产业链环节 …")
            # The fast model only: the encoder refines placements as a background job.
            placement_run(enterprises=Enterprise.objects.all(), semantic_mode="off")
            say("按每日提醒任务回放通知 …")  # last: reminds of everything loaded above
            notices_load(
                clock=clock, seed=options.seed, since=REFERENCE_DATE.replace(month=1, day=1)
            )
        say("生成精准招商特征库 …")
        feature_store.rebuild()
    finally:
        context.reset(token)
    return summarize()


def demo_present() -> bool:
    """Whether demo data (the demo's city login or any project) is already in the database."""
    return User.objects.filter(username="city").exists() or Project.objects.exists()
