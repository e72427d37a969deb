"""Every service write leaves exactly one audit entry per record it writes, naming the actor,
the action, and the record before and after (a create has no before, a delete no after).

The services are found by walking every module of the project (a public function with a
keyword-only `actor`); one that is in neither `CALLS` nor `EXEMPT` (with its reason)
fails the completeness test by name."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property
from typing import Any

import pytest

import zhaoshang
from zhaoshang.accounts import services as accounts
from zhaoshang.accounts.lockout import lockout_release_address, lockout_release_user
from zhaoshang.accounts.roles import Role
from zhaoshang.core import closing
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.support import PASSWORD, pdf_file
from zhaoshang.enterprises import services as enterprises
from zhaoshang.enterprises.importing import service as importing
from zhaoshang.enterprises.models import PlacementStatus
from zhaoshang.enterprises.tests.conftest import make_uscc
from zhaoshang.goals import services as goals
from zhaoshang.industries import services as industries
from zhaoshang.industries.tests.chain_support import chain, direction
from zhaoshang.projects import services as projects
from zhaoshang.projects.models import EvidenceKind, Stage
from zhaoshang.projects.services import EvidenceFile
from zhaoshang.targeting import services as targeting
from zhaoshang.targeting.chains import services as chains
from zhaoshang.targeting.placement import services as placement
from zhaoshang.targeting.scoring.factors import default_weights

pytestmark = pytest.mark.django_db


def service_names() -> set[str]:
    """Every public function of the project with a keyword-only `actor`."""
    names = set()
    for info in pkgutil.walk_packages(zhaoshang.__path__, "zhaoshang."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts:
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != info.name:
                continue
            actor = inspect.signature(fn).parameters.get("actor")
            if actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY:
                names.add(f"{info.name}.{name}")
    return names


def ranking_config() -> dict:
    from zhaoshang.goals.tests.test_ranking import CONFIG

    return CONFIG


class World:
    """The records a service call needs, made on first use."""

    def __init__(self, users, org, make_project, today):
        self.users, self.org, self.make_project, self.today = users, org, make_project, today
        self.city, self.unit = users["city"], users["linqing"]

    @cached_property
    def waiting(self):
        """An account the sysadmin created, waiting for the security administrator."""
        return accounts.user_create(
            actor=self.users["sysadmin"], username="waiting", password="Waiting-pass-2024",
            role=Role.UNIT_STAFF, unit=self.org["linqing"],
        )  # fmt: skip

    @cached_property
    def project(self):
        return self.make_project(total_investment_wan=Decimal("1000"))

    @cached_property
    def signed(self):
        from zhaoshang.projects.services import project_advance_stage

        project = self.make_project(name="已签约项目", total_investment_wan=Decimal("1000"))
        project_advance_stage(
            project=project,
            to=Stage.SIGNED,
            on=self.today - dt.timedelta(days=40),
            actor=self.unit,
            evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
            contracted_investment_wan=Decimal("1000"),
        )
        return project

    @cached_property
    def funds(self):
        from zhaoshang.projects.services import funds_submit

        return funds_submit(
            actor=self.unit,
            project=self.signed,
            period=dt.date(2024, 1, 1),
            amount_wan=Decimal("100"),
            source="own",
            evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))],
        )

    @cached_property
    def milestone(self):
        from zhaoshang.projects.services import milestone_create

        return milestone_create(
            actor=self.unit, project=self.project, title="环评", due_on=self.today
        )

    @cached_property
    def enterprise(self):
        from zhaoshang.enterprises.services import enterprise_create

        return enterprise_create(actor=self.city, name="某企业", uscc=make_uscc(1))

    @cached_property
    def other(self):
        from zhaoshang.enterprises.services import enterprise_create

        return enterprise_create(actor=self.city, name="另一企业", uscc=make_uscc(2, "320505"))

    @cached_property
    def contact(self):
        from zhaoshang.enterprises.services import contact_create

        return contact_create(
            actor=self.unit, enterprise=self.enterprise, name="张三", phone="13812345678"
        )

    @cached_property
    def relation(self):
        from zhaoshang.enterprises.services import relation_create

        return relation_create(
            actor=self.unit, source=self.enterprise, target=self.other, kind="supplier"
        )

    @cached_property
    def signal(self):
        from zhaoshang.enterprises.services import signal_create

        return signal_create(
            actor=self.unit,
            enterprise=self.enterprise,
            kind="financing",
            on=self.today,
            title="A轮",
        )

    @cached_property
    def direction(self):
        return direction()

    @cached_property
    def nodes(self):
        return chain(self.direction, "锭:up 板:mid 箔:down", "锭>板")

    @cached_property
    def target(self):
        from zhaoshang.enterprises.services import target_entry_create

        return target_entry_create(
            actor=self.city,
            year=2024,
            enterprise=self.enterprise,
            direction=self.direction,
            owner_unit=self.org["linqing"],
        )

    @cached_property
    def scheme(self):
        goals.goals_set(
            actor=self.city,
            year=2024,
            indicator="funds_verified",
            city_target=62000,
            shares={"371581": 10000, "371502": 50000, "371503": 1000, "371526": 1000},
        )
        return goals.scheme_create(
            actor=self.city, code="test", name="测试办法", config=ranking_config()
        )

    @cached_property
    def push(self):
        from zhaoshang.targeting.services import push_lead

        return push_lead(
            actor=self.city, enterprise=self.other, unit=self.org["linqing"], node=self.nodes["板"]
        )


def _edge(w: World):
    from zhaoshang.industries.models import ChainEdge

    return ChainEdge.objects.get(source=w.nodes["锭"], target=w.nodes["板"])


def csv_job(w: World, *, dry_run: bool = False):
    from zhaoshang.enterprises.tests.conftest import csv_file

    return importing.import_job_create(
        actor=w.city,
        file=csv_file([["企业名称", "统一社会信用代码"], ["甲", make_uscc(3)]]),
        dry_run=dry_run,
    )


def ran_job(w: World, *, dry_run: bool = False):
    job = csv_job(w, dry_run=dry_run)
    importing.import_job_run(job=job, actor=w.city)
    job.refresh_from_db()
    return job


def failed_logins(username: str) -> None:
    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.create(
        username=username,
        ip_address="203.0.113.7",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )


def receipt():
    return [EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf"))]


S = "zhaoshang.{}.{}".format
# (after?, before?) of the service's own entry (the last one)
CREATE, UPDATE, DELETE, NEITHER = (True, False), (True, True), (False, True), (False, False)

# service → (a call given the world and its prepared records, the action, which sides it holds)
CALLS: dict[
    str, tuple[Callable[[World], Callable[[], Any]], str | tuple[str, ...], tuple[bool, bool]]
] = {
    S("accounts.services", "user_create"): (
        lambda w: lambda: accounts.user_create(
            actor=w.users["sysadmin"], username="newcomer", password="Newcomer-pass-2024",
            role=Role.UNIT_STAFF, unit=w.org["linqing"],
        ), "create", CREATE,
    ),
    S("accounts.services", "user_update"): (
        lambda w: lambda: accounts.user_update(
            actor=w.users["sysadmin"], user=w.unit, display_name="临清招商"
        ), "update", UPDATE,
    ),
    S("accounts.services", "user_set_password"): (
        lambda w: lambda: accounts.user_set_password(
            actor=w.users["sysadmin"], user=w.unit, password="Another-pass-2024"
        ), "update", UPDATE,  # the account's flags, never the password
    ),
    S("accounts.services", "user_approve"): (
        lambda w: (w.waiting, lambda: accounts.user_approve(
            actor=w.users["secadmin"], user=w.waiting
        ))[1], "verify", UPDATE,
    ),
    S("accounts.services", "user_reject"): (
        lambda w: (w.waiting, lambda: accounts.user_reject(
            actor=w.users["secadmin"], user=w.waiting, reason="未经单位申请"
        ))[1], "reject", UPDATE,
    ),
    S("accounts.services", "user_password_change"): (
        lambda w: lambda: accounts.user_password_change(
            actor=w.unit, old_password=PASSWORD, new_password="Own-new-pass-2024"
        ), "update", UPDATE,
    ),
    S("accounts.services", "token_regenerate"): (
        lambda w: lambda: accounts.token_regenerate(actor=w.unit), "token", CREATE,
    ),
    S("accounts.services", "token_revoke"): (
        lambda w: (accounts.token_regenerate(actor=w.unit), lambda: accounts.token_revoke(
            actor=w.users["sysadmin"], user=w.unit
        ))[1], "update", UPDATE,
    ),
    S("accounts.services", "role_permissions_set"): (
        lambda w: lambda: accounts.role_permissions_set(
            actor=w.users["secadmin"], role=Role.UNIT_STAFF, permissions=["projects.view_project"]
        ), "update", UPDATE,
    ),
    S("accounts.services", "role_permissions_restore"): (
        lambda w: (accounts.role_permissions_set(
            actor=w.users["secadmin"], role=Role.UNIT_STAFF, permissions=["projects.view_project"]
        ), lambda: accounts.role_permissions_restore(
            actor=w.users["secadmin"], role=Role.UNIT_STAFF
        ))[1], "update", UPDATE,
    ),
    S("accounts.lockout", "lockout_release_user"): (
        lambda w: (failed_logins(w.unit.username), lambda: lockout_release_user(
            actor=w.users["sysadmin"], user=w.unit
        ))[1], "update", UPDATE,
    ),
    S("accounts.lockout", "lockout_release_address"): (
        lambda w: (failed_logins("ghost"), lambda: lockout_release_address(
            actor=w.users["sysadmin"], ip="203.0.113.7"
        ))[1], "update", UPDATE,
    ),
    S("enterprises.importing.service", "import_job_run"): (
        lambda w: (lambda job: lambda: importing.import_job_run(job=job, actor=w.city))(
            csv_job(w)
        ), ("create", "import"), CREATE,  # each enterprise made, then the job
    ),
    S("enterprises.importing.service", "import_job_start"): (
        lambda w: (lambda job: lambda: importing.import_job_start(actor=w.city, job=job))(
            csv_job(w)
        ), ("create", "import"), CREATE,  # each enterprise made, then the job
    ),
    S("enterprises.services.enterprises", "enterprise_create"): (
        lambda w: lambda: enterprises.enterprise_create(
            actor=w.city, name="新企业", uscc=make_uscc(9)
        ), "create", CREATE,
    ),
    S("enterprises.services.enterprises", "enterprise_update"): (
        lambda w: (w.enterprise, lambda: enterprises.enterprise_update(
            actor=w.unit, enterprise=w.enterprise, name="某企业（更名）"
        ))[1], "update", UPDATE,
    ),
    S("enterprises.services.records", "placement_decide"): (
        lambda w: (w.enterprise, w.nodes, lambda: enterprises.placement_decide(
            actor=w.city, enterprise=w.enterprise, node=w.nodes["锭"],
            status=PlacementStatus.CONFIRMED,
        ))[2], "create", CREATE,
    ),
    S("enterprises.services.records", "contact_create"): (
        lambda w: (w.enterprise, lambda: enterprises.contact_create(
            actor=w.unit, enterprise=w.enterprise, name="李四", phone="13900001111"
        ))[1], "create", CREATE,
    ),
    S("enterprises.services.records", "contact_update"): (
        lambda w: (w.contact, lambda: enterprises.contact_update(
            actor=w.unit, contact=w.contact, title="总经理"
        ))[1], "update", UPDATE,
    ),
    S("enterprises.services.records", "contact_delete"): (
        lambda w: (w.contact, lambda: enterprises.contact_delete(actor=w.city, contact=w.contact))[1],
        "delete", DELETE,
    ),
    S("enterprises.services.records", "contact_reveal"): (
        lambda w: (w.contact, lambda: enterprises.contact_reveal(
            actor=w.city, contact=w.contact
        ))[1], "reveal", NEITHER,  # who saw the number, never the number
    ),
    S("enterprises.services.records", "relation_create"): (
        lambda w: (w.enterprise, w.other, lambda: enterprises.relation_create(
            actor=w.unit, source=w.enterprise, target=w.other, kind="supplier"
        ))[2], "create", CREATE,
    ),
    S("enterprises.services.records", "relation_delete"): (
        lambda w: (w.relation, lambda: enterprises.relation_delete(
            actor=w.city, relation=w.relation
        ))[1], "delete", DELETE,
    ),
    S("enterprises.services.records", "signal_create"): (
        lambda w: (w.enterprise, lambda: enterprises.signal_create(
            actor=w.unit, enterprise=w.enterprise, kind="financing", on=w.today, title="B轮"
        ))[1], "create", CREATE,
    ),
    S("enterprises.services.records", "signal_delete"): (
        lambda w: (w.signal, lambda: enterprises.signal_delete(actor=w.city, signal=w.signal))[1],
        "delete", DELETE,
    ),
    S("enterprises.services.targets", "target_entry_create"): (
        lambda w: (w.enterprise, w.direction, lambda: enterprises.target_entry_create(
            actor=w.city, year=2024, enterprise=w.enterprise, direction=w.direction,
            owner_unit=w.org["linqing"],
        ))[2], "create", CREATE,
    ),
    S("enterprises.services.targets", "target_entry_update"): (
        lambda w: (w.target, lambda: enterprises.target_entry_update(
            actor=w.city, entry=w.target, owner_unit=w.org["chiping"]
        ))[1], "update", UPDATE,
    ),
    S("enterprises.services.targets", "target_entry_delete"): (
        lambda w: (w.target, lambda: enterprises.target_entry_delete(
            actor=w.city, entry=w.target, reason="已落地"
        ))[1], "delete", DELETE,
    ),
    S("goals.services", "goal_set"): (
        lambda w: lambda: goals.goal_set(
            actor=w.city, year=2024, indicator="funds_verified", target="5000000"
        ), "create", CREATE,
    ),
    S("goals.services", "goals_set"): (
        lambda w: lambda: goals.goals_set(
            actor=w.city, year=2024, indicator="funds_verified", city_target="5000000",
            shares={"371581": "1000000"},
        ), ("create", "create"), CREATE,  # the city's goal, then each unit's share
    ),
    S("core.closing", "period_close"): (
        lambda w: lambda: closing.period_close(actor=w.city, period="2024Q1", note="截止"),
        "create", CREATE,
    ),
    S("core.closing", "period_reopen"): (
        lambda w: (closing.period_close(actor=w.city, period="2024Q1"), lambda: closing.period_reopen(
            actor=w.city, period="2024Q1", reason="补录"
        ))[1], "update", UPDATE,
    ),
    S("core.closing", "statistics_year_set"): (
        lambda w: lambda: closing.statistics_year_set(actor=w.city, year=2024), "create", CREATE,
    ),
    S("industries.services", "chain_node_create"): (
        lambda w: (w.direction, lambda: industries.chain_node_create(
            actor=w.city, direction=w.direction, name="卷", stream="downstream"
        ))[1], "create", CREATE,
    ),
    S("goals.services", "scheme_create"): (
        lambda w: lambda: goals.scheme_create(
            actor=w.city, code="other", name="另一办法", config=ranking_config()
        ), ("create", "create"), CREATE,  # the scheme, then its first version
    ),
    S("goals.services", "scheme_update"): (
        lambda w: (w.scheme, lambda: goals.scheme_update(
            actor=w.city, scheme=w.scheme, name="测试办法（修订）"
        ))[1], "update", UPDATE,
    ),
    S("goals.services", "snapshot_publish"): (
        lambda w: (w.scheme, lambda: goals.snapshot_publish(
            actor=w.city, scheme=w.scheme, quarter="2024Q1"
        ))[1], "create", CREATE,
    ),
    S("industries.services", "chain_create"): (
        lambda w: (w.direction, lambda: industries.chain_create(
            actor=w.city, direction=w.direction,
            nodes=[{"name": "锭", "stream": "upstream"}, {"name": "板", "stream": "midstream"}],
            edges=[("锭", "板")],
        ))[1], ("create", "create", "create"), CREATE,  # each node, then the edge
    ),
    S("industries.services", "chain_node_update"): (
        lambda w: (w.nodes, lambda: industries.chain_node_update(
            actor=w.city, node=w.nodes["箔"], name="铝箔"
        ))[1], "update", UPDATE,
    ),
    S("industries.services", "chain_node_delete"): (
        lambda w: (w.nodes, lambda: industries.chain_node_delete(actor=w.city, node=w.nodes["箔"]))[1],
        "delete", DELETE,
    ),
    S("industries.services", "chain_edge_add"): (
        lambda w: (w.nodes, lambda: industries.chain_edge_add(
            actor=w.city, source=w.nodes["板"], target=w.nodes["箔"]
        ))[1], "create", CREATE,
    ),
    S("industries.services", "chain_edge_remove"): (
        lambda w: (lambda edge: lambda: industries.chain_edge_remove(actor=w.city, edge=edge))(
            _edge(w)
        ), "delete", DELETE,
    ),
    S("projects.services.funds", "funds_submit"): (
        lambda w: (w.signed, lambda: projects.funds_submit(
            actor=w.unit, project=w.signed, period=dt.date(2024, 2, 1), amount_wan=Decimal("50"),
            source="own", evidence=receipt(),
        ))[1], ("upload", "create"), CREATE,  # the receipt (上传证明材料), then the record
    ),
    S("projects.services.funds", "funds_verify"): (
        lambda w: (w.funds, lambda: projects.funds_verify(actor=w.city, record=w.funds))[1],
        "verify", UPDATE,
    ),
    S("projects.services.funds", "funds_reject"): (
        lambda w: (w.funds, lambda: projects.funds_reject(
            actor=w.city, record=w.funds, reason="进账单不清"
        ))[1], "reject", UPDATE,
    ),
    S("projects.services.funds", "funds_withdraw"): (
        lambda w: (w.funds, lambda: projects.funds_withdraw(actor=w.unit, record=w.funds))[1],
        "update", UPDATE,
    ),
    S("projects.services.funds", "funds_correct"): (
        lambda w: (w.funds, lambda: projects.funds_correct(
            actor=w.unit, record=w.funds, period=w.funds.period, amount_wan=Decimal("90"),
            source="own", evidence=[],
        ))[1], "update", UPDATE,
    ),
    S("projects.services.funds", "funds_resubmit"): (
        lambda w: (
            projects.funds_reject(actor=w.city, record=w.funds, reason="进账单不清"),
            lambda: projects.funds_resubmit(
                actor=w.unit, record=w.funds, period=w.funds.period, amount_wan=Decimal("90"),
                source="own", evidence=receipt(),
            ),
        )[1], ("upload", "update"), UPDATE,  # the new receipt, then the record
    ),
    S("projects.services.plans", "plan_save"): (
        lambda w: (w.project, lambda: projects.plan_save(
            actor=w.unit, project=w.project, content="三月完成环评"
        ))[1], "create", CREATE,
    ),
    S("projects.services.plans", "milestone_create"): (
        lambda w: (w.project, lambda: projects.milestone_create(
            actor=w.unit, project=w.project, title="拿地", due_on=w.today
        ))[1], "create", CREATE,
    ),
    S("projects.services.plans", "milestone_complete"): (
        lambda w: (w.milestone, lambda: projects.milestone_complete(
            actor=w.unit, milestone=w.milestone, done_on=w.today
        ))[1], "update", UPDATE,
    ),
    S("projects.services.plans", "progress_add"): (
        lambda w: (w.project, lambda: projects.progress_add(
            actor=w.unit, project=w.project, on=w.today, content="完成土地预审"
        ))[1], "create", CREATE,
    ),
    S("projects.services.projects", "project_create"): (
        lambda w: lambda: w.make_project(name="新项目"), "create", CREATE,
    ),
    S("projects.services.projects", "project_update"): (
        lambda w: (w.project, lambda: projects.project_update(
            actor=w.unit, project=w.project, total_investment_wan=Decimal("1200")
        ))[1], "update", UPDATE,
    ),
    S("projects.services.stages", "project_advance_stage"): (
        lambda w: (w.project, lambda: projects.project_advance_stage(
            project=w.project, to=Stage.NEGOTIATING, on=w.today, actor=w.unit
        ))[1], "stage", UPDATE,
    ),
    S("targeting.chains.services", "gap_thresholds_update"): (
        lambda w: lambda: chains.gap_thresholds_update(actor=w.city, fill_below=2),
        "create", CREATE,
    ),
    S("targeting.placement.services", "placement_run"): (
        lambda w: (w.nodes, (lambda firm: lambda: placement.placement_run(
            enterprises=[firm], actor=w.city, semantic_mode="off"
        ))(enterprises.enterprise_create(
            actor=w.city, name="聊城铝板有限公司", uscc=make_uscc(8),
            business_scope="铝板、铝锭的生产与销售",
        )))[1], "update", CREATE,  # one entry sums up the batch (after: the counts)
    ),
    S("targeting.services", "push_lead"): (
        lambda w: (w.other, w.nodes, lambda: targeting.push_lead(
            actor=w.city, enterprise=w.other, unit=w.org["linqing"], node=w.nodes["板"]
        ))[2], "create", CREATE,  # the push only: no project until the county accepts
    ),
    S("targeting.services", "push_accept"): (
        lambda w: (w.push, lambda: targeting.push_accept(actor=w.unit, push=w.push))[1],
        ("create", "update"), UPDATE,  # the county's lead project, then the push
    ),
    S("targeting.services", "push_decline"): (
        lambda w: (w.push, lambda: targeting.push_decline(
            actor=w.unit, push=w.push, reason="不在本地产业方向"
        ))[1], "update", UPDATE,  # no project ever existed
    ),
    S("targeting.services", "push_withdraw"): (
        lambda w: (w.push, lambda: targeting.push_withdraw(
            actor=w.city, push=w.push, reason="单位选错"
        ))[1], "update", UPDATE,
    ),
    S("targeting.services", "profile_save"): (
        lambda w: lambda: targeting.profile_save(
            actor=w.city, name="会战", weights=default_weights(), recent_contact_months=6,
        ), "create", CREATE,
    ),
}  # fmt: skip


# The outreach writes (#12), declared in a module of their own.
from .service_audit_activities import ACTIVITIES_CALLS  # noqa: E402

CALLS.update(ACTIVITIES_CALLS)

# Services that write no audit entry of their own, and why.
EXEMPT = {
    S("projects.services.evidence", "store"): "logs each file (upload) inside the audited write it serves",
    S("projects.services.photos", "store_photos"): "stores the photos of the audited write it serves",
    S("enterprises.importing.service", "import_job_create"): "the job is audited when it runs",
    S("enterprises.importing.service", "import_job_confirm"): "audited by the run it starts",
    **{S("core.audit", n): "writes the audit entry itself" for n in
       ("record", "record_create", "record_update", "record_delete", "record_file")},
    S("accounts.selectors", "users_for"): "a read: the users an actor may see",
    S("accounts.selectors", "role_edit_refusal"): "a read: why an actor may not edit a role",
    **{S(m, n): "a demo or reference loader, run by a command, not a user's write" for m, n in (
        ("demo.catalogue", "industries_load"), ("demo.catalogue", "campaigns_load"),
        ("demo.catalogue", "chains_load"), ("demo.chains", "chains_demo_setup"),
        ("enterprises.tags", "tags_setup"), ("demo.ranking", "ranking_demo_setup"),
        ("demo.ranking", "publish_past_quarters"),
    )},
}  # fmt: skip

# The service system's writes (#10): teams, tasks, 批示, elements, 联评联审, problems, settings,
# 联席会议 and 服务记录.
from .service_audit_calls import SERVICE_CALLS  # noqa: E402

CALLS.update(SERVICE_CALLS)

# Services whose entry names no single record (a batch, an address): no object id.
BATCHES = {
    S("targeting.placement.services", "placement_run"),
    S("accounts.lockout", "lockout_release_address"),
}


def test_every_write_service_is_declared():
    found = service_names()
    assert len(found) > 50
    assert sorted(found - set(CALLS) - set(EXEMPT)) == []
    assert sorted((set(CALLS) | set(EXEMPT)) - found) == []


@pytest.mark.parametrize("name", sorted(CALLS), ids=lambda n: n.rsplit(".", 1)[-1])
def test_a_service_write_leaves_exactly_one_audit_entry_per_record(
    users, org, make_project, today, name
):
    prepare, actions, sides = CALLS[name]
    world = World(users, org, make_project, today)
    call = prepare(world)
    since = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    call()
    entries = list(AuditEntry.objects.filter(id__gt=since).order_by("id"))
    expected = (actions,) if isinstance(actions, str) else actions
    assert [e.action for e in entries] == list(expected)
    assert len({e.user_id for e in entries}) == 1 and entries[0].user_id is not None
    assert bool(entries[-1].object_id) is (name not in BATCHES)
    assert (entries[-1].after is not None, entries[-1].before is not None) == sides, (
        entries[-1].before,
        entries[-1].after,
    )
