"""Reads on the chain graph and the gap analysis (建链 / 延链 / 强链 / 补链).

Gap analysis is computed from the records every time, never typed in:

* **Local enterprises of a node** are the `is_local` enterprises with a *counted* placement on
  it: confirmed by a person, or placed (automatically, or manually but not yet confirmed) with a
  confidence of at least `GapThresholds.placement_min_confidence`. A rejected placement never
  counts: a person's "no" wins over the classifier. Their output is the sum of
  `annual_output_wan` (an unknown output counts as 0).
* **Projects of a node.** A project has a direction but no chain node; it counts toward a node
  through its investors: a project in the pipeline (线索 → 开工, i.e. not yet producing and not
  dropped) counts once for each node on which one of its investors has a counted placement,
  provided the project's direction is that node's direction or is not set. Which projects are
  counted is the caller's choice (pages and API pass the projects the user may see), so a
  figure always matches the list behind it. Projects do not change the gap kind.
* **Gap kinds**, with the thresholds of `GapThresholds`:
  - a node is *present* when it has at least `fill_below` local enterprises, else *missing*;
  - 建链 build: when the share of present nodes in the direction is below
    `build_chain_below_share`, every missing node of that direction is `build` (a whole chain to
    build, not single links to fill);
  - 延链 extend: otherwise, a missing node that a *strong anchor* supplies directly (an edge from
    the anchor to it) is `extend`; an anchor is a `strong` node with at least
    `strong_min_enterprises` local enterprises;
  - 补链 fill: any other missing node;
  - 强链 strengthen: a present node with fewer than `strengthen_below` local enterprises or a
    local output below `strengthen_output_below_wan`;
  - 优势环节 strong: every other present node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from zhaoshang.enterprises.models import (
    Enterprise,
    Placement,
    PlacementSource,
    PlacementStatus,
    TargetEntry,
)
from zhaoshang.industries.models import ChainEdge, ChainNode, Direction, Industry, Stream
from zhaoshang.projects.models import Project, Stage

from ..models import GapKind, GapThresholds

# Projects "in the pipeline": from the first lead until they start production.
PIPELINE_STAGES = (Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED)
STREAM_ORDER = {Stream.UPSTREAM: 0, Stream.MIDSTREAM: 1, Stream.DOWNSTREAM: 2}
ZERO = Decimal("0")


# --- thresholds and the placement rule ------------------------------------------------------


def thresholds_current() -> GapThresholds:
    """The configured thresholds; the defaults (unsaved) until the city first edits them."""
    return GapThresholds.objects.order_by("pk").first() or GapThresholds()


def counted_placements_q(thresholds: GapThresholds | None = None, prefix: str = "") -> Q:
    """Which placements count an enterprise as sitting on a node (see the module docstring).

    `prefix` lets a query reach placements through a relation, e.g. ``"investors__placements__"``.
    """
    th = thresholds or thresholds_current()

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    return q(status=PlacementStatus.CONFIRMED) | (
        q(status=PlacementStatus.SUGGESTED)
        & (q(source=PlacementSource.MANUAL) | q(confidence__gte=th.placement_min_confidence))
    )


# --- the chain graph ------------------------------------------------------------------------


def directions_with_chains() -> QuerySet[Direction]:
    """Every direction with its industry and the number of its chain nodes."""
    return Direction.objects.select_related("industry").annotate(node_count=Count("chain_nodes"))


def direction_get(*, user: Any, pk: int) -> Direction:
    """One direction the user may view, or 404."""
    return get_object_or_404(
        Direction.objects.restrict(user, "view").select_related("industry"), pk=pk
    )


def node_get(*, user: Any, pk: int, action: str = "view") -> ChainNode:
    """One chain node the user may perform `action` on, or 404."""
    return get_object_or_404(
        ChainNode.objects.restrict(user, action).select_related("direction__industry"), pk=pk
    )


def chain_nodes(direction: Direction) -> list[ChainNode]:
    """The nodes of a direction, upstream first, each column in its sort order."""
    nodes = list(direction.chain_nodes.all())
    nodes.sort(key=lambda n: (STREAM_ORDER.get(n.stream, 9), n.sort_order, n.pk))
    return nodes


def chain_edges(direction: Direction) -> list[ChainEdge]:
    return list(
        ChainEdge.objects.filter(source__direction=direction)
        .select_related("source", "target")
        .order_by("source__sort_order", "source_id", "target__sort_order", "target_id")
    )


# --- gap analysis ---------------------------------------------------------------------------


@dataclass
class NodeGap:
    """One node with its local strength and the gap kind the analysis gives it."""

    node: ChainNode
    local_enterprises: int = 0
    local_output_wan: Decimal = ZERO
    pipeline_projects: int = 0
    gap: str = GapKind.FILL
    reason: str = ""
    suppliers: list[int] = field(default_factory=list)  # ids of nodes supplying this one
    customers: list[int] = field(default_factory=list)  # ids of nodes this one supplies

    @property
    def gap_label(self) -> str:
        return GapKind(self.gap).label

    @property
    def is_missing(self) -> bool:
        return self.gap in (GapKind.FILL, GapKind.EXTEND, GapKind.BUILD)


@dataclass
class ChainAnalysis:
    """The gap analysis of one direction's chain."""

    direction: Direction
    thresholds: GapThresholds
    nodes: list[NodeGap]
    edges: list[ChainEdge]
    present_share: Decimal
    is_build_chain: bool
    unplaced_projects: int = 0  # pipeline projects of the direction matched to no node

    def by_node_id(self) -> dict[int, NodeGap]:
        return {g.node.pk: g for g in self.nodes}

    def gap_counts(self) -> dict[str, int]:
        counts = {kind.value: 0 for kind in GapKind}
        for g in self.nodes:
            counts[g.gap] += 1
        return counts

    def gap_summary(self) -> list[tuple[str, str, int]]:
        """(gap kind, label, number of nodes) for the kinds present, in GapKind order."""
        counts = self.gap_counts()
        return [(k.value, k.label, counts[k.value]) for k in GapKind if counts[k.value]]

    @property
    def present_count(self) -> int:
        return sum(1 for g in self.nodes if not g.is_missing)


def _local_stats(node_ids: list[int], th: GapThresholds) -> dict[int, tuple[int, Decimal]]:
    rows = (
        Placement.objects.filter(node_id__in=node_ids, enterprise__is_local=True)
        .filter(counted_placements_q(th))
        .values("node_id")
        .annotate(
            n=Count("enterprise_id", distinct=True), output=Sum("enterprise__annual_output_wan")
        )
    )
    return {r["node_id"]: (r["n"], r["output"] or ZERO) for r in rows}


def _project_pairs(
    node_direction: dict[int, int], projects: QuerySet[Project], th: GapThresholds
) -> tuple[dict[int, set[int]], set[int]]:
    """Pipeline projects per node (through investors' placements), and all such project ids."""
    prefix = "investors__placements__"
    rows = (
        projects.filter(stage__in=PIPELINE_STAGES)
        .filter(
            Q(investors__placements__node_id__in=list(node_direction))
            & counted_placements_q(th, prefix)
        )
        .values_list("pk", "direction_id", "investors__placements__node_id")
        .order_by()
        .distinct()
    )
    per_node: dict[int, set[int]] = defaultdict(set)
    counted: set[int] = set()
    for project_id, project_direction, node_id in rows:
        if project_direction is None or project_direction == node_direction.get(node_id):
            per_node[node_id].add(project_id)
            counted.add(project_id)
    return per_node, counted


def _share(numerator: int, denominator: int) -> Decimal:
    if not denominator:
        return ZERO
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('1'))}%"


def _wan(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):,} 万元"


def classify(
    gaps: list[NodeGap], edges: Iterable[tuple[int, int]], th: GapThresholds
) -> tuple[Decimal, bool]:
    """Give each node of one direction its gap kind and reason (in place).

    Returns the share of present nodes and whether the direction is a chain to build.
    """
    by_id = {g.node.pk: g for g in gaps}
    for source, target in edges:
        if source in by_id and target in by_id:
            by_id[target].suppliers.append(source)
            by_id[source].customers.append(target)

    present = [g for g in gaps if g.local_enterprises >= th.fill_below]
    share = _share(len(present), len(gaps))
    is_build = bool(gaps) and share < Decimal(th.build_chain_below_share)

    output_bar = Decimal(th.strengthen_output_below_wan)
    for g in present:
        few = g.local_enterprises < th.strengthen_below
        small = g.local_output_wan < output_bar
        facts = f"本地企业 {g.local_enterprises} 家、产值 {_wan(g.local_output_wan)}"
        if few or small:
            g.gap = GapKind.STRENGTHEN
            why = []
            if few:
                why.append(f"企业少于 {th.strengthen_below} 家")
            if small:
                why.append(f"产值低于 {_wan(output_bar)}")
            g.reason = f"{facts}，{'、'.join(why)}，需强链"
        else:
            g.gap = GapKind.STRONG
            g.reason = f"{facts}，为优势环节"

    anchors = {
        g.node.pk
        for g in present
        if g.gap == GapKind.STRONG and g.local_enterprises >= th.strong_min_enterprises
    }
    for g in gaps:
        if g.local_enterprises >= th.fill_below:
            continue
        facts = f"本地企业 {g.local_enterprises} 家（少于 {th.fill_below} 家即为缺失）"
        if is_build:
            g.gap = GapKind.BUILD
            g.reason = (
                f"{facts}；全链有本地企业的环节占比 {_percent(share)}，"
                f"低于 {_percent(Decimal(th.build_chain_below_share))}，需整链建链"
            )
            continue
        upstream = [by_id[s] for s in g.suppliers if s in anchors]
        if upstream:
            names = "、".join(f"“{u.node.name}”" for u in upstream)
            g.gap = GapKind.EXTEND
            g.reason = f"{facts}；上游优势环节{names}直接供给本环节，需延链"
        else:
            g.gap = GapKind.FILL
            g.reason = f"{facts}，需补链"
    return share, is_build


def gap_analysis_many(
    directions: Iterable[Direction] | None = None,
    thresholds: GapThresholds | None = None,
    *,
    projects: QuerySet[Project] | None = None,
) -> list[ChainAnalysis]:
    """Gap analysis of several directions at once (a fixed number of queries, not per node).

    `projects` are the projects to count (default: all); pages and the API pass the projects
    the user may see.
    """
    th = thresholds or thresholds_current()
    if directions is None:
        directions = Direction.objects.select_related("industry")
    directions = list(directions)
    direction_ids = [d.pk for d in directions]
    all_nodes = list(ChainNode.objects.filter(direction_id__in=direction_ids))
    all_nodes.sort(key=lambda n: (STREAM_ORDER.get(n.stream, 9), n.sort_order, n.pk))
    node_direction = {n.pk: n.direction_id for n in all_nodes}
    node_ids = list(node_direction)

    edges_by_direction: dict[int, list[ChainEdge]] = defaultdict(list)
    for edge in ChainEdge.objects.filter(source_id__in=node_ids).order_by("pk"):
        edges_by_direction[node_direction[edge.source_id]].append(edge)

    local = _local_stats(node_ids, th) if node_ids else {}
    projects = Project.objects.all() if projects is None else projects
    per_node, counted = _project_pairs(node_direction, projects, th) if node_ids else ({}, set())
    direction_projects: dict[int, set[int]] = defaultdict(set)
    for project_id, direction_id in (
        projects.filter(stage__in=PIPELINE_STAGES, direction_id__in=direction_ids)
        .order_by()
        .values_list("pk", "direction_id")
    ):
        direction_projects[direction_id].add(project_id)

    nodes_by_direction: dict[int, list[ChainNode]] = defaultdict(list)
    for node in all_nodes:
        nodes_by_direction[node.direction_id].append(node)

    results = []
    for direction in directions:
        gaps = []
        for node in nodes_by_direction.get(direction.pk, []):
            node.direction = direction  # saves a query per node in templates
            n, output = local.get(node.pk, (0, ZERO))
            gaps.append(
                NodeGap(
                    node=node,
                    local_enterprises=n,
                    local_output_wan=output,
                    pipeline_projects=len(per_node.get(node.pk, ())),
                )
            )
        edges = edges_by_direction.get(direction.pk, [])
        share, is_build = classify(gaps, [(e.source_id, e.target_id) for e in edges], th)
        results.append(
            ChainAnalysis(
                direction=direction,
                thresholds=th,
                nodes=gaps,
                edges=edges,
                present_share=share,
                is_build_chain=is_build,
                unplaced_projects=len(direction_projects.get(direction.pk, set()) - counted),
            )
        )
    return results


def gap_analysis(
    direction: Direction,
    thresholds: GapThresholds | None = None,
    *,
    projects: QuerySet[Project] | None = None,
) -> ChainAnalysis:
    """The gap analysis of one direction's chain (see the module docstring for the rules)."""
    return gap_analysis_many([direction], thresholds, projects=projects)[0]


def chains_by_industry(*, user: Any) -> list[tuple[Industry, list[ChainAnalysis]]]:
    """Every industry with the analysis of each of its directions, for the chain list page."""
    analyses = gap_analysis_many(
        Direction.objects.restrict(user, "view").select_related("industry"),
        projects=Project.objects.restrict(user, "view"),
    )
    grouped: dict[int, list[ChainAnalysis]] = defaultdict(list)
    industries: dict[int, Industry] = {}
    for analysis in analyses:
        industries[analysis.direction.industry_id] = analysis.direction.industry
        grouped[analysis.direction.industry_id].append(analysis)
    order = sorted(industries.values(), key=lambda i: (i.sort_order, i.code))
    return [(industry, grouped[industry.pk]) for industry in order]


# --- what the node panel lists -------------------------------------------------------------


def node_local_enterprises(
    node: ChainNode, thresholds: GapThresholds | None = None
) -> QuerySet[Enterprise]:
    """The local enterprises counted on the node, largest output first."""
    th = thresholds or thresholds_current()
    return (
        Enterprise.objects.filter(
            is_local=True,
            placements__in=Placement.objects.filter(node=node).filter(counted_placements_q(th)),
        )
        .distinct()
        .order_by(F("annual_output_wan").desc(nulls_last=True), "name", "pk")
    )


def node_outside_enterprises(
    node: ChainNode, thresholds: GapThresholds | None = None
) -> QuerySet[Enterprise]:
    """Enterprises outside the city placed on the node (candidates to approach)."""
    th = thresholds or thresholds_current()
    return (
        Enterprise.objects.filter(
            is_local=False,
            placements__in=Placement.objects.filter(node=node).filter(counted_placements_q(th)),
        )
        .distinct()
        .prefetch_related("tags")
        .order_by(F("registered_capital_wan").desc(nulls_last=True), "name", "pk")
    )


def node_target_entries(*, user: Any, node: ChainNode) -> QuerySet[TargetEntry]:
    """The key-target-list entries on this node the user may see (their unit's, or all)."""
    return (
        TargetEntry.objects.restrict(user, "view")
        .filter(node=node)
        .select_related("enterprise", "owner_unit")
        .order_by("-year", "enterprise__name", "pk")
    )


def node_projects(
    *, user: Any, node: ChainNode, thresholds: GapThresholds | None = None
) -> QuerySet[Project]:
    """Projects (not dropped) the user may see whose investors sit on the node.

    The same attribution rule as the gap analysis; the panel also lists producing projects,
    which the pipeline count leaves out.
    """
    th = thresholds or thresholds_current()
    prefix = "investors__placements__"
    return (
        Project.objects.restrict(user, "view")
        .exclude(stage=Stage.DROPPED)
        .filter(Q(direction__isnull=True) | Q(direction_id=node.direction_id))
        .filter(Q(investors__placements__node=node) & counted_placements_q(th, prefix))
        .distinct()
        .select_related("unit")
        .order_by("-total_investment_wan", "pk")
    )
