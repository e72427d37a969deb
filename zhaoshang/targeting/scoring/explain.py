"""Evidence for each factor of the top enterprises, read from the database for those few.

The contributions come from the feature store (what was ranked); the evidence names the
records behind them: placements, relations with local anchor enterprises, tags, signals,
subsidiaries, projects. Both describe the same data while the store is fresh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from zhaoshang.enterprises.models import (
    Enterprise,
    Placement,
    PlacementSource,
    PlacementStatus,
    Relation,
    RelationKind,
    RevenueBand,
    Signal,
    SignalKind,
)
from zhaoshang.geo import divisions
from zhaoshang.projects.models import Project

from .. import geography as geo
from . import parts
from .factors import FACTORS
from .rank import Ranked, Target, contributions
from .store import Store


def _fmt_conf(value: Any) -> str:
    return f"{float(value):.2f}"


def _chain_evidence(
    eid: int,
    fit: float,
    placements: Mapping[int, list[tuple]],
    node_names: Mapping[int, str],
    target: Target,
    links: Sequence[str],
) -> str:
    bits = []
    rows = placements.get(eid, [])
    on_target = [r for r in rows if r[0] in target.node_ids]
    adjacent = [r for r in rows if r[0] not in target.node_ids]
    for node_id, source, status, conf in on_target[:2]:
        name = node_names.get(node_id, "目标环节")
        if source == PlacementSource.MANUAL or status == PlacementStatus.CONFIRMED:
            bits.append(f"人工确认位于「{name}」")
        else:
            bits.append(f"自动归入「{name}」（置信度{_fmt_conf(conf)}）")
    if not on_target:
        for node_id, source, status, conf in adjacent[:2]:
            name = node_names.get(node_id, "相邻环节")
            manual = source == PlacementSource.MANUAL or status == PlacementStatus.CONFIRMED
            conf_text = "人工确认" if manual else f"置信度{_fmt_conf(conf)}"
            bits.append(f"位于相邻环节「{name}」（{conf_text}，按{parts.ADJACENT_SHARE:g}计）")
    if links:
        bits.append("；".join(links[:3]))
    if not bits:
        return "未归入该环节" if fit <= 0 else f"匹配度{fit:.2f}"
    return "；".join(bits)


def _scale_evidence(tag_names: Sequence[str], revenue_band: str) -> str:
    bits = []
    if tag_names:
        bits.append("、".join(tag_names))
    if revenue_band:
        bits.append(f"营收{RevenueBand(revenue_band).label}")
    return "；".join(bits) if bits else "无重点标签，营收规模未登记"


def _signal_text(signal: tuple) -> str:
    kind, on, title = signal
    return f"{on:%Y-%m} {SignalKind(kind).label}：{title}"


def _ties_evidence(
    native_code: str, unit_division: str, presence: Sequence[str], unit_name: str
) -> str:
    bits = []
    if native_code:
        division = divisions.lookup(native_code)
        place = division.name if division else native_code
        if unit_division and native_code == unit_division:
            bits.append(f"创始人籍贯{place}（{unit_name}乡贤）")
        elif native_code.startswith("3715"):
            bits.append(f"创始人籍贯聊城{place}（乡贤）")
    bits.extend(presence[:2])
    return "；".join(bits) if bits else "无聊城乡贤或在鲁投资记录"


def explain(
    *,
    store: Store,
    ranked: Ranked,
    target: Target,
    weights: Mapping[str, float],
    unit_code: str,
    unit_division: str,
    unit_name: str,
    node_names: Mapping[int, str],
    months: int,
    since: dt.date,
) -> list[dict[str, Any]]:
    ids = [int(store.ids[r]) for r in ranked.rows]
    if not ids:
        return []
    enterprises = {e.pk: e for e in Enterprise.objects.filter(pk__in=ids).prefetch_related("tags")}
    node_set = set(target.node_ids) | set(target.adjacent_ids)
    placements: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Placement.objects.filter(enterprise_id__in=ids, node_id__in=node_set)
        .exclude(status=PlacementStatus.REJECTED)
        .order_by("-confidence")
        .values_list("enterprise_id", "node_id", "source", "status", "confidence")
    ):
        placements[row[0]].append(row[1:])

    # relations with local anchor enterprises of the chain
    chain_nodes = set(target.chain_node_ids) | set(target.node_ids)
    anchors = set(
        Placement.objects.filter(node_id__in=chain_nodes, enterprise__is_local=True)
        .exclude(status=PlacementStatus.REJECTED)
        .values_list("enterprise_id", flat=True)
    )
    links: dict[int, list[str]] = defaultdict(list)
    if anchors:
        trade = Relation.objects.filter(kind__in=[RelationKind.SUPPLIER, RelationKind.CUSTOMER])
        for rel in trade.filter(
            Q(source_id__in=ids, target_id__in=anchors)
            | Q(target_id__in=ids, source_id__in=anchors)
        ).select_related("source", "target"):
            outgoing = rel.source_id in enterprises
            me, other = (rel.source, rel.target) if outgoing else (rel.target, rel.source)
            supplies = (rel.kind == RelationKind.SUPPLIER) == outgoing
            text = (
                f"向本地链上企业{other.name}供货"
                if supplies
                else f"采购本地链上企业{other.name}的产品"
            )
            links[me.pk].append(text)

    signals: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Signal.objects.filter(
            enterprise_id__in=ids, on__gte=since - dt.timedelta(days=parts.MAX_AGE_DAYS)
        )
        .order_by("-on", "-id")
        .values_list("enterprise_id", "kind", "on", "title")
    ):
        signals[row[0]].append(row[1:])

    presence: dict[int, list[str]] = defaultdict(list)
    for sub in Enterprise.objects.filter(parent_id__in=ids, province_code="37").values_list(
        "parent_id", "name", "division_code"
    ):
        where = "聊城" if sub[2].startswith("3715") else "山东"
        presence[sub[0]].append(f"在{where}设有子公司{sub[1]}")
    for rel in Relation.objects.filter(
        source_id__in=ids,
        kind__in=[RelationKind.INVESTOR, RelationKind.SUBSIDIARY],
        target__province_code="37",
    ).select_related("target"):
        where = "聊城" if rel.target.division_code.startswith("3715") else "山东"
        verb = "子公司" if rel.kind == RelationKind.SUBSIDIARY else "投资企业"
        presence[rel.source_id].append(f"在{where}有{verb}{rel.target.name}")

    # Months in which projects with the enterprise as investor were entered, newest first. The
    # explanation is stored with the ranking and becomes a pushed lead's description, read by
    # another unit: it counts those projects and never names them (nor their unit).
    contacts: dict[int, list[str]] = defaultdict(list)
    for eid, created in (
        Project.investors.through.objects.filter(
            enterprise_id__in=ids, project__created_at__date__gte=since
        )
        .order_by("-project__created_at")
        .values_list("enterprise_id", "project__created_at")
    ):
        contacts[eid].append(f"{timezone.localtime(created):%Y-%m}")

    contrib = contributions(ranked.features, weights)
    items = []
    for i, eid in enumerate(ids):
        enterprise = enterprises.get(eid)
        if enterprise is None:  # deleted since the store was built
            continue
        feats = ranked.features[i]
        division = divisions.lookup(enterprise.division_code) if enterprise.division_code else None
        tag_names = [t.name for t in sorted(enterprise.tags.all(), key=lambda t: t.sort_order)]
        positive = [s for s in signals[eid] if s[0] in parts.MOMENTUM_SIGNALS]
        risky = [s for s in signals[eid] if s[0] in parts.RISK_SIGNALS]
        evidence = {
            "chain_fit": _chain_evidence(
                eid, float(feats[0]), placements, node_names, target, links[eid]
            ),
            "scale": _scale_evidence(tag_names, enterprise.revenue_band),
            "momentum": "；".join(_signal_text(s) for s in positive[:2]) or "近三年无扩张类动态",
            "geography": geo.describe(
                geo.place_for(enterprise.division_code), unit_code, enterprise.country
            ),
            "ties": _ties_evidence(
                enterprise.founder_native_code, unit_division, presence[eid], unit_name
            ),
            "risk": "；".join(_signal_text(s) for s in risky[:2]) or "无经营异常、涉诉动态",
            "recent_contact": (
                f"近{months}个月已有{len(contacts[eid])}个以其为投资方的项目"
                f"（最近录入于{contacts[eid][0]}）"
                if feats[6] > 0 and contacts[eid]
                else f"近{months}个月已有以其为投资方的项目"
                if feats[6] > 0
                else f"近{months}个月无对接记录"
            ),
        }
        factors = [
            {
                "name": f.code,
                "label": f.label,
                "contribution": float(contrib[i, j]),
                "value": round(float(feats[j]), 3),
                "weight": float(weights[f.code]),
                "evidence": evidence[f.code],
            }
            for j, f in enumerate(FACTORS)
        ]
        best = int(ranked.best_node[i])
        items.append(
            {
                "enterprise": {
                    "id": eid,
                    "name": enterprise.name,
                    "uscc": enterprise.uscc,
                    "is_local": enterprise.is_local,
                    "province": division.province if division else "",
                    "division": enterprise.division_code,
                    "country": enterprise.country,
                },
                "score": round(sum(f["contribution"] for f in factors), 2),
                "factors": factors,
                "node": {
                    "id": abs(best),
                    "name": node_names.get(abs(best), ""),
                    "adjacent": best < 0,
                }
                if best
                else None,
            }
        )
    items.sort(key=lambda item: (-item["score"], item["enterprise"]["id"]))
    return items


def explanation_text(item: Mapping[str, Any], *, target_label: str, unit_name: str) -> str:
    """The lead's description: why this enterprise, factor by factor."""
    lines = [
        f"精准招商推荐：{item['enterprise']['name']} → {target_label}（{unit_name}）",
        f"综合得分 {item['score']:.2f}",
    ]
    for f in item["factors"]:
        lines.append(f"· {f['label']} {f['contribution']:+.2f}：{f['evidence']}")
    return "\n".join(lines)
