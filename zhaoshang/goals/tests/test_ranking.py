"""A whole scheme on the exact world: hand-computed scores, ties, publishing, verifying, versions."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from zhaoshang.accounts.models import Unit
from zhaoshang.core import audit
from zhaoshang.core.models import AuditEntry
from zhaoshang.goals import ranking
from zhaoshang.goals.models import RankingSnapshot
from zhaoshang.goals.ranking import compute_quarter, verify_snapshot
from zhaoshang.goals.schemes import scheme_config_clean, sha256_of
from zhaoshang.goals.services import goals_set, scheme_create, scheme_update, snapshot_publish

pytestmark = pytest.mark.django_db

L, DCF, CP, GT = "371581", "371502", "371503", "371526"

CONFIG = {
    "title": "测试办法",
    "years": [2024],
    "total_points": "100",
    "tracks": [{"name": "测试赛道", "units": [L, DCF, CP, GT]}],
    "indicators": [
        {"id": "funds", "indicator": "funds_verified", "weight": "40", "method": "completion",
         "span": "ytd", "cap": "120"},
        {"id": "signed", "indicator": "new_signed_count", "weight": "30", "method": "efficacy",
         "span": "quarter", "options": {"once_only": True}},
        {"id": "started", "indicator": "new_started_over_100m", "weight": "20",
         "method": "rank_points", "step": "5"},
        {"id": "growth", "indicator": "funds_verified", "weight": "10", "method": "growth",
         "span": "quarter"},
    ],
    "bonuses": [
        {"id": "over_1bn", "indicator": "signed_over_1bn", "points": "4", "exclude": ["over_5bn"]},
        {"id": "over_5bn", "indicator": "signed_over_5bn", "points": "8"},
        {"id": "top500", "indicator": "top500_projects", "points": "10",
         "options": {"tags": ["china500", "private500"]}},
    ],
    "deductions": [
        {"id": "not_started", "indicator": "signed_not_started_within_n_months", "points": "0.1",
         "options": {"months": 6, "once_only": True}},
    ],
    "tie_break": ["funds"],
    "preview": "own_unit",
}  # fmt: skip


@pytest.fixture
def scheme(users, world):
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, CP: 1000, GT: 1000},
    )
    return scheme_create(actor=users["city"], code="test", name="测试办法", config=CONFIG)


def rows(results):
    return {r["unit"]: r for t in results["tracks"] for r in t["units"]}


def test_first_quarter_by_hand(scheme):
    results = compute_quarter(scheme, "2024Q1").results
    got = rows(results)
    # funds: 5,500 / 10,000 = 55% → 22; 61,000 / 50,000 = 122% → cap 120% → 48
    # signed (once only): 2, 1, 0, 0 → efficacy 30, 24, 18, 18
    # started 过亿元: 1, 1, 0, 0 → rank points 20, 20, 10, 10 (third place: 20 − 2 × 5)
    # growth vs 2023Q1 (nothing then): 200%, 200%, 0, 0 → 10, 10, 6, 6
    # bonuses: 临清 P1 12亿 (+4) and 500强 investor (+10); 东昌府 P3 60亿 (+8, not +4 as well)
    assert got[L]["scores"] == {
        "funds": "22.00", "signed": "30.00", "started": "20.00", "growth": "10.00",
        "over_1bn": "4.00", "over_5bn": "0.00", "top500": "10.00", "not_started": "0.00",
    }  # fmt: skip
    assert got[DCF]["scores"]["funds"] == "48.00" and got[DCF]["scores"]["over_5bn"] == "8.00"
    assert got[DCF]["scores"]["over_1bn"] == "0.00"
    assert got[L]["rates"] == {"funds": "55.00", "growth": "200.00"}
    assert got[DCF]["rates"]["funds"] == "120.00"
    assert {u: (r["total"], r["rank"]) for u, r in got.items()} == {
        DCF: ("110.00", 1),
        L: ("96.00", 2),
        CP: ("34.00", 3),  # tie with 高唐 on total and on funds: the unit code decides
        GT: ("34.00", 4),
    }
    assert got[L]["bonus"] == "14.00" and got[L]["previous_rank"] is None


def test_second_quarter_with_a_deduction_and_the_change_from_the_first(users, scheme):
    snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    got = rows(compute_quarter(scheme, "2024Q2").results)
    # funds Jan–Jun: 6,500 / 10,000 → 26; signed: none at all → full 30 each;
    # started: 东昌府 P3 → 20, others 15; growth Q2: 临清 1,000 from nothing → 10, others 6;
    # P5 first signed 2023-12-05, not started 6 months later (2024-06-05): −0.1
    assert got[L]["total"] == "80.90" and got[L]["deduction"] == "0.10"
    assert got[L]["scores"]["not_started"] == "-0.10"
    assert [got[u]["total"] for u in (DCF, CP, GT)] == ["104.00", "51.00", "51.00"]
    assert got[L]["previous_rank"] == 2 and got[L]["rank_change"] == 0
    assert got[L]["previous_total"] == "96.00"


def test_publish_freezes_and_verify_recomputes_the_same_hash(users, scheme):
    snapshot = snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    assert snapshot.sha256 == sha256_of(
        {
            "inputs": snapshot.inputs,
            "scheme": ranking.scheme_payload(snapshot.scheme_version),
            "results": snapshot.results,
        }
    )
    check = verify_snapshot(RankingSnapshot.objects.get(pk=snapshot.pk))
    assert check.ok and check.recomputed_hash == snapshot.sha256
    assert check.differences == [] and check.rank_changes == []
    funds = snapshot.inputs["figures"]["funds"]["units"][L]
    assert funds["value"] == "5500.00" and len(funds["records"]) == 3
    entry = AuditEntry.objects.filter(object_id=str(snapshot.pk), after__sha256=snapshot.sha256)
    assert entry.exists()
    with pytest.raises(ValidationError, match="测试办法2024年第1季度竞赛榜已发布，不能重复发布"):
        snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")


def test_a_record_changed_after_publication_is_a_difference_and_the_snapshot_stays(
    users, scheme, world, funds
):
    snapshot = snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    frozen = (snapshot.sha256, snapshot.inputs, snapshot.results)
    late = funds(world["p1"], dt.date(2024, 1, 1), 400)
    check = verify_snapshot(snapshot)
    assert check.ok  # the snapshot itself is intact
    added = [d for d in check.differences if d["record"] == late.pk]
    assert {(d["figure"], d["change"], d["after"]) for d in added} == {
        ("funds", "added", "400.00"),
        ("growth", "added", "400.00"),
    }
    assert check.rank_changes == [
        {
            "track": "测试赛道",
            "unit": L,
            "unit_name": "临清市",
            "total_before": "96.00",
            "total_after": "97.60",
            "rank_before": 2,
            "rank_after": 2,
        }
    ]
    snapshot = RankingSnapshot.objects.get(pk=snapshot.pk)
    assert (snapshot.sha256, snapshot.inputs, snapshot.results) == frozen


def test_the_database_refuses_to_change_a_snapshot(users, scheme):
    snapshot = snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    with (
        pytest.raises(DatabaseError, match="goals_rankingsnapshot is immutable"),
        transaction.atomic(),
    ):
        RankingSnapshot.objects.filter(pk=snapshot.pk).update(sha256="0" * 64)
    assert RankingSnapshot.objects.get(pk=snapshot.pk).sha256 == snapshot.sha256


@pytest.mark.postgresql  # SQLite keeps DELETE for flushes
def test_postgresql_refuses_to_delete_a_snapshot(users, scheme):
    snapshot = snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    with (
        pytest.raises(DatabaseError, match="goals_rankingsnapshot is immutable"),
        transaction.atomic(),
    ):
        RankingSnapshot.objects.filter(pk=snapshot.pk).delete()
    assert RankingSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_only_the_city_publishes_and_only_finished_quarters(users, scheme):
    with pytest.raises(PermissionDenied, match="没有此项操作权限"):
        snapshot_publish(actor=users["linqing"], scheme=scheme, quarter="2024Q1")
    with pytest.raises(ValidationError) as exc:
        snapshot_publish(actor=users["city"], scheme=scheme, quarter="2099Q1")
    assert "quarter" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        compute_quarter(scheme, "2023Q4")
    assert exc.value.message_dict["quarter"] == ["考核办法“测试办法”只适用于2024年"]
    with pytest.raises(ValidationError) as exc:
        compute_quarter(scheme, "2024-03")
    assert "2024Q1" in exc.value.message_dict["quarter"][0]


def test_missing_goals_are_named(users, world):
    scheme = scheme_create(actor=users["city"], code="nogoal", name="无目标", config=CONFIG)
    with pytest.raises(ValidationError) as exc:
        compute_quarter(scheme, "2024Q1")
    assert "临清市（到位资金）" in exc.value.message_dict["goals"][0]


def test_verify_ranking_command(users, scheme, world, funds, monkeypatch):
    snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    out = io.StringIO()
    call_command("verify_ranking", "2024Q1", "--scheme", "test", stdout=out)
    assert "一致" in out.getvalue() and "无变化" in out.getvalue()

    funds(world["p1"], dt.date(2024, 1, 1), 400)
    out = io.StringIO()
    call_command("verify_ranking", "2024Q1", "--scheme", "test", stdout=out)
    text = out.getvalue()
    assert "新增" in text and "临清市" in text and "96.00 → 97.60" in text

    real = ranking.score_inputs

    def tampered(version, inputs):
        results = real(version, inputs)
        results["tracks"][0]["units"][0]["total"] = "999.00"
        return results

    monkeypatch.setattr(ranking, "score_inputs", tampered)
    with pytest.raises(CommandError) as exc:
        call_command("verify_ranking", "2024Q1", "--scheme", "test", stdout=io.StringIO())
    assert exc.value.returncode == 1


def test_editing_a_scheme_makes_a_new_version_and_snapshots_keep_theirs(users, scheme):
    snapshot = snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")
    same = scheme_update(actor=users["city"], scheme=scheme, config=CONFIG)
    assert same.number == 1
    changed = {**CONFIG, "tie_break": ["funds", "signed"]}
    version = scheme_update(actor=users["city"], scheme=scheme, config=changed, note="并列规则")
    assert version.number == 2 and scheme.current == version
    snapshot.refresh_from_db()
    assert snapshot.scheme_version.number == 1
    assert verify_snapshot(snapshot, live=False).ok
    assert len(audit.history_for(version)) == 1
    with pytest.raises(PermissionDenied, match="没有修改竞赛榜考核办法的权限"):
        scheme_update(actor=users["linqing"], scheme=scheme, config=changed)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"total_points": "90"}, "总分：各指标权重之和为100，应等于总分90"),
        ({"tie_break": ["nope"]}, "并列：“tie_break”须为计分指标代码的列表"),
        ({"tracks": [{"name": "甲", "units": ["999999"]}]}, "第1个赛道：未知单位代码“999999”"),
        ({"tracks": [{"name": "甲", "track": "county", "units": [L]}]}, "须且只能指定"),
        (
            {
                "indicators": [
                    {"id": "x", "indicator": "nope", "weight": "100", "method": "efficacy"}
                ],
                "tie_break": [],
            },
            "第1个计分指标（x）：未知指标“nope”",
        ),
        (
            {
                "indicators": [
                    {"id": "x", "indicator": "funds_verified", "weight": "100", "method": "magic"}
                ],
                "tie_break": [],
            },
            "计分方法须为",
        ),
        (
            {
                "indicators": [
                    {
                        "id": "x",
                        "indicator": "funds_verified",
                        "weight": "100",
                        "method": "efficacy",
                        "options": {"once_only": True},
                    }
                ],
                "tie_break": [],
            },
            "不支持选项“同一项目只计一次”",
        ),
        (
            {"bonuses": [{"id": "b", "indicator": "funds_verified", "points": "1"}]},
            "加分、扣分只能按项目计",
        ),
        (
            {"deductions": [{"id": "funds", "indicator": "new_signed_count", "points": "1"}]},
            "代码：重复：funds",
        ),
        ({"preview": "everyone"}, "“preview”须为 city_only 或 own_unit"),
    ],
)
def test_scheme_validation_names_the_problem(org, change, message):
    with pytest.raises(ValidationError) as exc:
        scheme_config_clean(
            {**CONFIG, **change}, unit_codes=set(Unit.objects.values_list("code", flat=True))
        )
    assert any(message in m for m in exc.value.message_dict["config"]), exc.value.message_dict


def test_normalised_config_is_stable(org):
    codes = set(Unit.objects.values_list("code", flat=True))
    clean = scheme_config_clean(CONFIG, unit_codes=codes)
    assert scheme_config_clean(clean, unit_codes=codes) == clean
    assert clean["indicators"][0]["cap"] == "120" and clean["indicators"][3]["growth_cap"] == "200"
    assert clean["bonuses"][2]["options"] == {"tags": ["china500", "private500"]}
    assert Decimal(clean["deductions"][0]["points"]) == Decimal("0.1")
