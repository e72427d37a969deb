"""The 核验 of a published ranking as the page shows it (the same check as ``manage.py
verify_ranking``): the snapshot's stored SHA-256 against its content, the published results
against a recomputation from the frozen inputs, and the frozen figures against today's records.
Read-only; each failure names what differs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import RankingSnapshot
from .ranking import diff_results, hash_payload, score_inputs, verify_snapshot
from .schemes import sha256_of

PASSED = "核验通过：快照哈希一致，指标值可由原始记录重算"
PASSED_WITH_CHANGES = "核验通过：快照哈希一致，发布结果可由冻结输入重算"
FAILED = "核验未通过"

CHANGE_LABELS = {
    "added": "新增",
    "removed": "移除",
    "changed": "金额变化",
    "value": "数值变化",
    "goal": "目标变化",
    "previous": "上期快照变化",
}
MODEL_LABELS = {
    "projects.project": "项目",
    "projects.fundsrecord": "到位资金记录",
    "goals.goal": "年度目标",
    "goals.rankingsnapshot": "上期竞赛榜",
}


@dataclass
class CheckReport:
    ok: bool
    headline: str
    stored_hash: str
    content_hash: str
    recomputed_hash: str
    failures: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    live_error: str = ""


def _value(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _change_line(names: dict[str, Any], d: dict[str, Any]) -> str:
    unit = names.get(d["unit"], {}).get("name", d["unit"] or "") if d["unit"] else ""
    what = MODEL_LABELS.get(d["model"], d["model"] or "")
    record = f"{what} #{d['record']}" if d["record"] is not None else what
    head = " ".join(part for part in (f"[{d['figure']}]", unit, record) if part)
    return (
        f"{head}：{CHANGE_LABELS.get(d['change'], d['change'])}"
        f"（{_value(d['before'])} → {_value(d['after'])}）"
    )


def check_snapshot(snapshot: RankingSnapshot) -> CheckReport:
    """Verify `snapshot` and say in Chinese what holds or, failing, what differs."""
    check = verify_snapshot(snapshot, live=True)
    version = snapshot.scheme_version
    content_hash = sha256_of(hash_payload(version, snapshot.inputs, snapshot.results))
    names = snapshot.inputs.get("units", {})
    failures: list[str] = []
    if not check.stored_hash_ok:
        failures.append(
            f"哈希不一致：存储的 SHA-256 为 {snapshot.sha256}，按快照内容计算为 {content_hash}"
        )
    if not check.results_match:
        recomputed = score_inputs(version, snapshot.inputs)
        rows = diff_results(snapshot.results, recomputed)
        for r in rows:
            failures.append(
                f"结果不一致：{r['track']} {r['unit_name']} 发布的总分 {_value(r['total_before'])}、"
                f"名次 {_value(r['rank_before'])}，按冻结输入重算为总分 {_value(r['total_after'])}、"
                f"名次 {_value(r['rank_after'])}"
            )
        if not rows:
            failures.append("结果不一致：发布的计算结果与按冻结输入重算的结果不同")
    changes = [_change_line(names, d) for d in check.differences]
    changes += [
        f"{r['track']} {r['unit_name']}：按当前数据总分 {_value(r['total_before'])} → "
        f"{_value(r['total_after'])}，名次 {_value(r['rank_before'])} → {_value(r['rank_after'])}"
        for r in check.rank_changes
    ]
    if failures:
        headline = FAILED
    elif changes or check.live_error:
        headline = PASSED_WITH_CHANGES
    else:
        headline = PASSED
    return CheckReport(
        ok=not failures,
        headline=headline,
        stored_hash=snapshot.sha256,
        content_hash=content_hash,
        recomputed_hash=check.recomputed_hash,
        failures=failures,
        changes=changes,
        live_error=check.live_error,
    )
