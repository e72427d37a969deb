"""Accuracy of placement on the labelled sample: fast model, encoder, and their combination.

An evaluation harness, not part of the product: it lives with the demo because it plays the
sample against the demo chain catalogue too."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhaoshang.targeting.placement import semantic
from zhaoshang.targeting.placement.classifier import Classifier
from zhaoshang.targeting.placement.fast import NodeSpec
from zhaoshang.targeting.placement.sample import Labelled, sample_nodes, sample_rows

from .chains import CHAINS
from .reference import INDUSTRIES

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Accuracy:
    label: str
    top1: float
    top3: float
    per_second: float | None = None
    note: str = ""


@dataclass
class Report:
    samples: int
    nodes: int
    rows: list[Accuracy] = field(default_factory=list)


def _accuracy(
    scores: np.ndarray, gold: Sequence[frozenset[int]], classifier: Classifier
) -> tuple[float, float]:
    """Top-1 / top-3 accuracy over distinct links; each row may have several right nodes (a
    set of node indices), and a link is right when one of its nodes is.

    Ranked over links, not nodes: the nodes of one link (滚子 in two chains) are one answer
    with one score, so a twin neither fills a top-3 slot nor counts twice."""
    link_of = classifier.link_of
    gold = [frozenset(int(link_of[i]) for i in g) for g in gold]
    order = np.argsort(-classifier.link_max(scores), axis=1, kind="stable")
    top1 = float(np.mean([o[0] in g for o, g in zip(order, gold, strict=True)]))
    top3 = float(np.mean([bool(set(o[:3]) & g) for o, g in zip(order, gold, strict=True)]))
    return top1, top3


def demo_catalogue() -> tuple[list[NodeSpec], dict[str, frozenset[str]]]:
    """The demo chain catalogue's nodes (demo.chains, each with the industry of its
    direction in demo.reference) and, per sample label, the names of its nodes that count as
    right (data/demo_catalogue_map.json)."""
    industry_of = {d.code: i.code for i in INDUSTRIES for d in i.directions}
    nodes = [
        NodeSpec(
            key=f"{chain.direction}/{n.name}",
            name=n.name,
            keywords=n.keywords,
            industry_codes=n.codes,
            description=n.description,
            chain=chain.direction,
            industry=industry_of.get(chain.code, ""),
        )
        for chain in CHAINS
        for n in chain.nodes
    ]
    raw = json.loads((DATA / "demo_catalogue_map.json").read_text("utf-8"))["map"]
    return nodes, {label: frozenset(names) for label, names in raw.items()}


def bare(nodes: Sequence[NodeSpec]) -> list[NodeSpec]:
    """The nodes reduced to their names (no keywords, codes or description)."""
    return [NodeSpec(key=n.key, name=n.name, chain=n.chain, industry=n.industry) for n in nodes]


def evaluate(
    *,
    rows: Sequence[Labelled] | None = None,
    nodes: Sequence[NodeSpec] | None = None,
    use_encoder: bool = True,
    limit: int | None = None,
    accept: dict[str, frozenset[str]] | None = None,
) -> Report:
    """`accept` maps a row's label to the node *names* that count as right (another
    catalogue than the sample's own); by default the right node is the one keyed by the label."""
    rows = list(rows if rows is not None else sample_rows())
    nodes = list(nodes if nodes is not None else sample_nodes())
    if limit and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    if accept is None:
        keys = [n.key for n in nodes]
        gold = [frozenset({keys.index(r.node)}) for r in rows]
    else:
        gold = [frozenset(i for i, n in enumerate(nodes) if n.name in accept[r.node]) for r in rows]
    docs = [r.doc for r in rows]
    classifier = Classifier(nodes)
    report = Report(samples=len(rows), nodes=len(nodes))

    classifier.model._cache.clear()
    started = time.perf_counter()
    fast = classifier.fast_scores(docs)
    fast_rate = len(docs) / max(time.perf_counter() - started, 1e-9)
    report.rows.append(
        Accuracy(
            "fast (jieba keywords + n-grams + code)", *_accuracy(fast, gold, classifier), fast_rate
        )
    )
    if not use_encoder:
        return report

    started = time.perf_counter()
    doc_vectors = semantic.encode([semantic.doc_text(d) for d in docs])
    enc_rate = len(docs) / max(time.perf_counter() - started, 1e-9)
    sims = classifier.semantic_scores(doc_vectors, classifier.node_vectors())
    report.rows.append(
        Accuracy(f"encoder ({semantic.ENCODER_NAME})", *_accuracy(sims, gold, classifier), enc_rate)
    )
    combined = classifier.combine(fast, sims)
    report.rows.append(
        Accuracy("combined (every enterprise)", *_accuracy(combined, gold, classifier))
    )
    choices = classifier.choose(fast, "fast")
    unsure = classifier.uncertain(choices)
    deployed = fast.copy()
    deployed[unsure] = combined[unsure]
    report.rows.append(
        Accuracy(
            "as deployed (encoder refines the uncertain)",
            *_accuracy(deployed, gold, classifier),
            note=f"{len(unsure)} of {len(docs)} refined",
        )
    )
    return report


def format_report(report: Report, title: str) -> str:
    lines = [f"{title}: {report.samples} business scopes over {report.nodes} chain nodes"]
    lines.append(f"{'model':48} {'top-1':>7} {'top-3':>7} {'per s':>8}")
    for row in report.rows:
        rate = f"{row.per_second:8.0f}" if row.per_second else " " * 8
        lines.append(f"{row.label:48} {row.top1:7.1%} {row.top3:7.1%} {rate} {row.note}".rstrip())
    return "\n".join(lines)
