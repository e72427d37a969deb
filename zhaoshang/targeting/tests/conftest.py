"""Fixtures of the targeting tests: a small exact aluminium chain with local anchors and
non-local candidates whose every factor is hand-computed (see test_scoring.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.utils import timezone

from zhaoshang.accounts.models import Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.conftest import PASSWORD
from zhaoshang.core.tests.api_support import make_uscc
from zhaoshang.enterprises.models import (
    Enterprise,
    Placement,
    PlacementSource,
    PlacementStatus,
    Relation,
    RelationKind,
    Signal,
    SignalKind,
    Tag,
)
from zhaoshang.enterprises.tags import TAG_SPECS
from zhaoshang.industries.models import ChainEdge, ChainNode, Direction, Industry

_serial = itertools.count(500)


@pytest.fixture(autouse=True)
def _feature_store_dir(settings, tmp_path):
    """Each test gets its own feature store (it is built from that test's database)."""
    settings.TARGETING_STORE_DIR = tmp_path / "targeting"


@pytest.fixture
def chiping_user(org) -> User:
    user = User(
        username="chiping", role=Role.UNIT_STAFF, unit=org["chiping"], display_name="茌平招商"
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def enterprise(name: str, division: str, **fields) -> Enterprise:
    tags = fields.pop("tags", ())
    e = Enterprise.objects.create(
        name=name,
        uscc=make_uscc(next(_serial), division),
        division_code=division,
        province_code=division[:2],
        is_local=division.startswith("3715"),
        **fields,
    )
    names = {spec.code: spec.name for spec in TAG_SPECS}
    for code in tags:
        tag, _ = Tag.objects.get_or_create(code=code, defaults={"name": names[code]})
        e.tags.add(tag)
    return e


def place(e: Enterprise, node: ChainNode, confidence: str = "1", manual: bool = False) -> Placement:
    return Placement.objects.create(
        enterprise=e,
        node=node,
        source=PlacementSource.MANUAL if manual else PlacementSource.AUTO,
        status=PlacementStatus.CONFIRMED if manual else PlacementStatus.SUGGESTED,
        confidence=confidence,
    )


@dataclass
class Chain:
    direction: Direction
    sheet: ChainNode  # 铝板带
    foil: ChainNode  # 铝箔 — the gap node
    battery: ChainNode  # 动力电池铝材
    other: ChainNode  # a node of another chain
    anchor: Enterprise  # local, on 铝板带
    e1: Enterprise  # 上海, listed, expanding, auto on 铝箔 0.8
    e2: Enterprise  # 郑州, founder from 茌平, abnormal operation, manual on 铝箔
    e3: Enterprise  # 苏州, global500, on 铝板带 (adjacent) 0.9, supplies the anchor
    local: Enterprise  # local, on 铝箔: never recommended
    stranger: Enterprise  # placed only on another chain


@pytest.fixture
def chain(db, users) -> Chain:
    industry = Industry.objects.create(code="nonferrous", name="有色金属")
    al = Direction.objects.create(industry=industry, code="nonferrous-al", name="铝精深加工")
    other_dir = Direction.objects.create(industry=industry, code="nonferrous-cu", name="铜精深加工")
    sheet = ChainNode.objects.create(
        direction=al, name="铝板带", stream="midstream", keywords=["铝板", "铝带", "铝卷"],
        industry_codes=["3252"], description="热轧、冷轧铝板带",
    )  # fmt: skip
    foil = ChainNode.objects.create(
        direction=al, name="铝箔", stream="midstream", keywords=["铝箔", "双零箔", "电池铝箔"],
        industry_codes=["3252"], description="铝箔轧制",
    )  # fmt: skip
    battery = ChainNode.objects.create(
        direction=al, name="动力电池铝材", stream="downstream", keywords=["电池铝壳", "电池盖板"],
        industry_codes=["3841"], description="电池铝壳、盖板",
    )  # fmt: skip
    other = ChainNode.objects.create(
        direction=other_dir, name="铜箔", stream="midstream", keywords=["铜箔", "电解铜箔"],
        industry_codes=["3251"],
    )  # fmt: skip
    ChainEdge.objects.create(source=sheet, target=foil)
    ChainEdge.objects.create(source=foil, target=battery)

    anchor = enterprise("聊城临清铝板带有限公司", "371581", annual_output_wan=200000)
    place(anchor, sheet, manual=True)
    e1 = enterprise("上海申铝箔材有限公司", "310115", tags=["listed"], revenue_band="lt1e6")
    place(e1, foil, "0.800")
    e2 = enterprise(
        "郑州中原铝箔有限公司", "410105", revenue_band="lt1e4", founder_native_code="371503"
    )
    place(e2, foil, manual=True)
    e3 = enterprise("苏州吴中铝业有限公司", "320505", tags=["global500"], revenue_band="ge1e6")
    place(e3, sheet, "0.900")
    Relation.objects.create(source=e3, target=anchor, kind=RelationKind.SUPPLIER)
    local = enterprise("东昌府铝箔有限公司", "371502", tags=["listed"])
    place(local, foil, manual=True)
    stranger = enterprise("深圳铜箔有限公司", "440305", tags=["global500"])
    place(stranger, other, manual=True)

    today = timezone.localdate()
    Signal.objects.create(
        enterprise=e1, kind=SignalKind.EXPANSION, on=today, title="宣布扩产电池铝箔"
    )
    Signal.objects.create(
        enterprise=e2, kind=SignalKind.ABNORMAL_OPERATION, on=today, title="列入经营异常名录"
    )
    return Chain(al, sheet, foil, battery, other, anchor, e1, e2, e3, local, stranger)


@pytest.fixture
def e3_contacted(chain, make_project, users, today):
    """东昌府 registered a project with e3 last month and dropped it: a recent contact."""
    from zhaoshang.projects.models import Stage
    from zhaoshang.projects.services import project_advance_stage

    project = make_project(
        "dongchangfu", name="吴中铝业铝板项目", investors=[chain.e3],
        lead_on=today - dt.timedelta(days=20),
    )  # fmt: skip
    project_advance_stage(
        project=project, to=Stage.DROPPED, on=today, actor=users["dongchangfu"], note="企业暂缓"
    )
    return project


def chiping(org) -> Unit:
    return org["chiping"]
