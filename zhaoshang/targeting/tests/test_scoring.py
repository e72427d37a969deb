"""Scores on a small exact chain: every factor hand-computed, contributions add up, evidence.

Unit 茌平区 (its own station 茌平南: 12 min nearer via 济南, 12 min further via 郑州).
Default weights: chain 40, scale 20, momentum 15, geography 10, ties 10, risk −20, recent −15.

e1 上海 (listed, revenue 10–100亿, expansion today, auto on 铝箔 at 0.8):
  chain 0.8 → 32.00; scale 0.6·0.6 + 0.4·0.7 = 0.64 → 12.80; momentum 1 − e⁻¹ → 9.48;
  geography 230 − 12 = 218 min → 0.7·(1 − 188/270) + 0.3 (长三角) → 5.13          = 59.41
e2 郑州 (revenue 2000万–1亿, founder from 茌平, abnormal operation today, manual on 铝箔):
  chain 1 → 40.00; scale 0.4·0.2 → 1.60; geography 75 + 12 = 87 min → 0.7·(1 − 57/270)
  + 0.3 (济郑沿线) → 8.52; ties 1 → 10.00; risk 1 − e⁻¹ → −12.64                    = 47.48
e3 苏州 (世界500强, revenue ≥100亿, on the adjacent 铝板带 at 0.9, supplies the local anchor,
  东昌府 dropped a project with it 20 days ago):
  chain 0.5·0.9 + 0.25 → 28.00; scale 1 → 20.00; geography 215 − 12 = 203 min →
  0.7·(1 − 173/270) + 0.3 → 5.51; recent contact → −15.00                          = 38.51
"""

from __future__ import annotations

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.targeting import selectors, services
from zhaoshang.targeting.models import RecommendationRun, ScoringProfile
from zhaoshang.targeting.scoring import rank as rk
from zhaoshang.targeting.scoring import store as feature_store
from zhaoshang.targeting.scoring.factors import default_weights, validate_weights

pytestmark = pytest.mark.django_db

EXPECTED = {
    "e1": {"chain_fit": 32.0, "scale": 12.8, "momentum": 9.48, "geography": 5.13, "ties": 0.0,
           "risk": 0.0, "recent_contact": 0.0},
    "e2": {"chain_fit": 40.0, "scale": 1.6, "momentum": 0.0, "geography": 8.52, "ties": 10.0,
           "risk": -12.64, "recent_contact": 0.0},
    "e3": {"chain_fit": 28.0, "scale": 20.0, "momentum": 0.0, "geography": 5.51, "ties": 0.0,
           "risk": 0.0, "recent_contact": -15.0},
}  # fmt: skip
SCORES = {"e1": 59.41, "e2": 47.48, "e3": 38.51}


def _run(chain, org, users, **kwargs) -> RecommendationRun:
    return selectors.recommendation(
        user=users["city"], unit=org["chiping"], node=chain.foil, **kwargs
    )


def test_every_factor_as_hand_computed_and_contributions_add_up(chain, org, users, e3_contacted):
    run = _run(chain, org, users)
    by_id = {item["enterprise"]["id"]: item for item in run.results}
    assert [i["enterprise"]["id"] for i in run.results] == [chain.e1.pk, chain.e2.pk, chain.e3.pk]
    for key in ("e1", "e2", "e3"):
        item = by_id[getattr(chain, key).pk]
        contributions = {f["name"]: f["contribution"] for f in item["factors"]}
        assert contributions == EXPECTED[key], key
        assert item["score"] == SCORES[key]
        assert round(sum(contributions.values()), 2) == item["score"]
        for factor in item["factors"]:
            assert factor["evidence"].strip(), (key, factor["name"])
    assert run.weights == default_weights()
    assert run.candidates == 3


def test_evidence_names_the_records_behind_each_factor(chain, org, users, e3_contacted):
    run = _run(chain, org, users)
    ev = {
        item["enterprise"]["id"]: {f["name"]: f["evidence"] for f in item["factors"]}
        for item in run.results
    }
    assert ev[chain.e1.pk]["chain_fit"] == "自动归入「铝箔」（置信度0.80）"
    assert ev[chain.e1.pk]["scale"] == "上市公司；营收10亿–100亿元"
    assert "宣布扩产：宣布扩产电池铝箔" in ev[chain.e1.pk]["momentum"]
    assert ev[chain.e1.pk]["geography"] == "注册地上海（长三角），高铁经济南西约3小时38分到茌平南"
    assert ev[chain.e2.pk]["chain_fit"] == "人工确认位于「铝箔」"
    assert ev[chain.e2.pk]["ties"] == "创始人籍贯茌平区（茌平区乡贤）"
    assert "经营异常" in ev[chain.e2.pk]["risk"]
    assert ev[chain.e2.pk]["geography"] == "注册地郑州（济郑沿线），济郑高铁直达约1小时27分到茌平南"
    assert ev[chain.e3.pk]["chain_fit"] == (
        "位于相邻环节「铝板带」（置信度0.90，按0.5计）；向本地链上企业聊城临清铝板带有限公司供货"
    )
    # Counted, never named: the explanation becomes a pushed lead's description, read by
    # another unit.
    entered = timezone.localtime(e3_contacted.created_at)
    assert ev[chain.e3.pk]["recent_contact"] == (
        f"近12个月已有1个以其为投资方的项目（最近录入于{entered:%Y-%m}）"
    )
    assert ev[chain.e3.pk]["risk"] == "无经营异常、涉诉动态"


def test_weights_change_the_ranking_as_hand_computed(chain, org, users, e3_contacted):
    weights = {"chain_fit": 10, "scale": 50, "momentum": 0, "geography": 0, "ties": 0,
               "risk": 0, "recent_contact": 0}  # fmt: skip
    run = _run(chain, org, users, weights=weights)
    # e1: 10·0.8 + 50·0.64 = 40.00; e2: 10·1 + 50·0.08 = 14.00; e3: 10·0.7 + 50·1 = 57.00
    assert [(i["enterprise"]["id"], i["score"]) for i in run.results] == [
        (chain.e3.pk, 57.0),
        (chain.e1.pk, 40.0),
        (chain.e2.pk, 14.0),
    ]
    assert run.weights == {k: float(v) for k, v in weights.items()}


def test_a_profile_gives_its_weights_and_is_saved_with_the_run(chain, org, users):
    profile = services.profile_save(
        actor=users["city"], name="高铁沿线会战", recent_contact_months=6,
        weights={**default_weights(), "geography": 60, "chain_fit": 10, "risk": 0},
    )  # fmt: skip
    run = _run(chain, org, users, profile=profile)
    assert run.profile == profile
    assert run.weights["geography"] == 60 and run.params["recent_contact_months"] == 6
    # 郑州 on the corridor now leads: 10 + 1.60 + 60·0.852 (51.13) + 10 = 72.73 over 上海's
    # 8 + 12.80 + 9.48 + 60·0.513 (30.76) = 61.04
    assert [(i["enterprise"]["id"], i["score"]) for i in run.results[:2]] == [
        (chain.e2.pk, 72.73),
        (chain.e1.pk, 61.04),
    ]


def test_local_and_off_chain_enterprises_are_never_recommended(chain, org, users):
    run = _run(chain, org, users)
    ids = {item["enterprise"]["id"] for item in run.results}
    assert chain.local.pk not in ids and chain.anchor.pk not in ids
    assert chain.stranger.pk not in ids
    assert all(item["enterprise"]["is_local"] is False for item in run.results)


def test_a_direction_gap_list_ranks_over_its_gap_nodes(chain, org, users):
    run = selectors.recommendation(
        user=users["city"], unit=org["chiping"], direction=chain.direction
    )
    assert run.node is None and run.direction == chain.direction
    assert set(run.params["gap_nodes"]) >= {chain.foil.pk}
    assert {i["enterprise"]["id"] for i in run.results} >= {chain.e1.pk, chain.e2.pk}


def test_weights_are_validated_by_factor():
    with pytest.raises(ValidationError) as exc:
        validate_weights({"chain_fit": 140, "luck": 3, "scale": "much"})
    messages = exc.value.message_dict["weights"]
    assert "未知的评分因素：luck" in messages
    assert "产业链匹配的权重须在0到100之间" in messages
    assert "规模与标签的权重须为数值" in messages
    with pytest.raises(ValidationError, match="至少一个加分因素的权重须大于0"):
        validate_weights({f: 0 for f in default_weights()})
    assert validate_weights({"risk": 5})["risk"] == 5 and validate_weights({})["scale"] == 20
    profile = ScoringProfile(name="坏", weights={"chain_fit": -1})
    with pytest.raises(ValidationError, match="产业链匹配的权重须在0到100之间"):
        profile.full_clean()


def test_ranking_agrees_with_the_bare_reference_scan():
    store = feature_store.synthetic(30_000, nodes=40, seed=3)
    target = rk.Target((5,), (4, 6), tuple(range(1, 12)))
    ctx = rk.Context("371503", 371503, default_weights(), np.arange(1, 30_000, 41))
    fast = rk.rank(store, target, ctx, limit=50)
    bare = rk.reference_scan(store, target, ctx, limit=50)
    assert fast.candidates == bare.candidates > 0
    assert np.array_equal(fast.rows, bare.rows)
    assert np.allclose(fast.scores, bare.scores)
    assert np.array_equal(fast.links, bare.links)
    one = rk.score_rows(store, target, ctx, fast.rows[:3])
    assert np.allclose(one.scores, fast.scores[:3])


def test_the_store_is_rebuilt_when_the_database_changes(chain, org, users):
    first = feature_store.current()
    assert first.meta["enterprises"] == 6
    from .conftest import enterprise, place

    newcomer = enterprise("濮阳新铝箔有限公司", "410902")
    place(newcomer, chain.foil, "0.700")
    run = _run(chain, org, users)
    assert newcomer.pk in {i["enterprise"]["id"] for i in run.results}
    assert feature_store.load().meta["enterprises"] == 7
