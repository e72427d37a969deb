"""Ranking enterprises for a target (a chain node, or a direction's gap list) from the store.

`rank()` gathers the candidates — enterprises placed on the target nodes or next to them, and
those trading with local enterprises of the chain — and computes the factor features only for
them. `reference_scan()` is the bare reference of the benchmark: the same weighted sum computed
densely over every row of the same columns, then the same top-k; tests check both agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .. import geography as geo
from . import parts
from .factors import FACTORS, signed_weights
from .store import Store

F_CHAIN, F_SCALE, F_MOMENTUM, F_GEO, F_TIES, F_RISK, F_RECENT = range(7)
assert [f.code for f in FACTORS] == [
    "chain_fit", "scale", "momentum", "geography", "ties", "risk", "recent_contact",
]  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What to rank for: the target nodes, their neighbours, and the chain's nodes (anchors)."""

    node_ids: tuple[int, ...]
    adjacent_ids: tuple[int, ...] = ()
    chain_node_ids: tuple[int, ...] = ()


@dataclass
class Context:
    unit_code: str
    unit_division: int  # the unit's own county code as int (乡贤 of the same county), 0: none
    weights: Mapping[str, float]
    recent_ids: np.ndarray  # enterprise ids with a project in the last N months


@dataclass
class Ranked:
    rows: np.ndarray  # store rows, best first
    features: np.ndarray  # (k, 7) feature values in [0, 1]
    scores: np.ndarray  # (k,) weighted sums (unrounded)
    best_node: np.ndarray  # (k,) the target node the fit comes from (0: links only)
    links: np.ndarray  # (k,) relations to local enterprises of the chain
    candidates: int


def _weights_vector(weights: Mapping[str, float]) -> np.ndarray:
    signed = signed_weights(weights)
    return np.array([signed[f.code] for f in FACTORS], np.float64)


def _max_by_row(rows: np.ndarray, values: np.ndarray, tags: np.ndarray):
    """Per distinct row: the max value and the tag (node) of that max."""
    if rows.size == 0:
        return rows, values, tags
    order = np.lexsort((-values, rows))
    rows, values, tags = rows[order], values[order], tags[order]
    first = np.ones(rows.size, bool)
    first[1:] = rows[1:] != rows[:-1]
    return rows[first], values[first], tags[first]


def _fit_parts(store: Store, target: Target):
    """(rows, fit, best node) from placements on the target and adjacent nodes."""
    rows_, fits, nodes = [], [], []
    for node_id, share in [(n, 1.0) for n in target.node_ids] + [
        (n, parts.ADJACENT_SHARE) for n in target.adjacent_ids if n not in target.node_ids
    ]:
        r, c = store.node_rows(node_id)
        if r.size:
            rows_.append(r)
            fits.append(c.astype(np.float64) * share)
            nodes.append(np.full(r.size, node_id if share == 1.0 else -node_id, np.int64))
    if not rows_:
        empty = np.zeros(0, np.int64)
        return empty, np.zeros(0), empty
    rows, fit, best = _max_by_row(
        np.concatenate(rows_), np.concatenate(fits), np.concatenate(nodes)
    )
    keep = fit > 0
    return rows[keep], fit[keep], best[keep]


def _anchor_flags(store: Store, target: Target) -> np.ndarray:
    """Local enterprises placed on any node of the chain (the anchors of 以商招商)."""
    flags = np.zeros(store.size, bool)
    for node_id in set(target.chain_node_ids) | set(target.node_ids):
        r, _ = store.node_rows(node_id)
        if r.size:
            flags[r[store.local[r]]] = True
    return flags


def features_at(
    store: Store, rows: np.ndarray, fit: np.ndarray, links: np.ndarray, ctx: Context
) -> np.ndarray:
    """The (len(rows), 7) feature matrix; the same formulas serve both ranking paths."""
    out = np.zeros((rows.size, len(FACTORS)), np.float64)
    out[:, F_CHAIN] = np.minimum(1.0, fit + parts.LINK_POINTS * np.minimum(links, parts.LINK_CAP))
    out[:, F_SCALE] = store.scale[rows]
    out[:, F_MOMENTUM] = store.momentum[rows]
    # geography: HSR minutes adjusted for the unit's own station, plus the favoured regions
    _, east, west = geo.unit_offsets(ctx.unit_code)
    via = store.via[rows]
    minutes = store.minutes[rows].astype(np.float64) + np.where(
        via == geo.EAST, east, np.where(via == geo.WEST, west, 0)
    )
    time_score = np.clip(1.0 - (minutes - geo.FULL_AT) / (geo.NONE_AT - geo.FULL_AT), 0.0, 1.0)
    time_score = np.nan_to_num(time_score, nan=0.0)
    favoured = (store.region[rows] & geo.favoured_mask()) != 0
    out[:, F_GEO] = geo.TIME_SHARE * time_score + geo.REGION_SHARE * favoured
    # ties: founder native place and existing investment
    native = store.native[rows]
    native_unit = (native == ctx.unit_division) & (ctx.unit_division > 0)
    native_city = (native // 100) == 3715
    native_points = np.where(
        native_unit, parts.NATIVE_OF_UNIT, np.where(native_city, parts.NATIVE_OF_CITY, 0.0)
    )
    presence_points = np.array([parts.PRESENCE_POINTS[i] for i in range(3)])[store.presence[rows]]
    out[:, F_TIES] = np.minimum(1.0, native_points + presence_points)
    out[:, F_RISK] = store.risk[rows]
    out[:, F_RECENT] = np.isin(store.ids[rows], ctx.recent_ids)
    return out


def _top(scores: np.ndarray, ids: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the best `limit` scores, ties broken by enterprise id."""
    if scores.size == 0:
        return np.zeros(0, np.int64)
    k = min(limit, scores.size)
    rounded = np.round(scores, 6)
    part = np.argpartition(-rounded, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    # everything tied with the k-th score competes by id
    cut = rounded[part].min()
    pool = np.nonzero(rounded >= cut)[0]
    order = np.lexsort((ids[pool], -rounded[pool]))
    return pool[order][:k]


def rank(store: Store, target: Target, ctx: Context, limit: int = 50) -> Ranked:
    fit_rows, fit, best = _fit_parts(store, target)
    anchors = _anchor_flags(store, target)
    link_rows = np.zeros(0, np.int64)
    link_counts = np.zeros(0, np.int64)
    if store.rel_idx.size and anchors.any():
        hit = anchors[store.rel_local]
        link_rows, link_counts = np.unique(store.rel_idx[hit], return_counts=True)
    rows = np.union1d(fit_rows, link_rows).astype(np.int64)
    rows = rows[~store.local[rows]]
    fit_full = np.zeros(rows.size)
    best_full = np.zeros(rows.size, np.int64)
    pos = np.searchsorted(rows, fit_rows)
    ok = (
        (pos < rows.size) & (rows[np.minimum(pos, rows.size - 1)] == fit_rows)
        if rows.size
        else pos < 0
    )
    fit_full[pos[ok]] = fit[ok]
    best_full[pos[ok]] = best[ok]
    links = np.zeros(rows.size, np.int64)
    pos = np.searchsorted(rows, link_rows)
    ok = (
        (pos < rows.size) & (rows[np.minimum(pos, rows.size - 1)] == link_rows)
        if rows.size
        else pos < 0
    )
    links[pos[ok]] = link_counts[ok]
    features = features_at(store, rows, fit_full, links, ctx)
    scores = features @ _weights_vector(ctx.weights)
    top = _top(scores, store.ids[rows], limit)
    return Ranked(
        rows=rows[top],
        features=features[top],
        scores=scores[top],
        best_node=best_full[top],
        links=links[top],
        candidates=int(rows.size),
    )


def reference_scan(store: Store, target: Target, ctx: Context, limit: int = 50) -> Ranked:
    """The bare reference: every column over all rows, the weighted sum, the top-k."""
    n = store.size
    fit = np.zeros(n)
    best = np.zeros(n, np.int64)
    for node_id, share in [(nid, 1.0) for nid in target.node_ids] + [
        (nid, parts.ADJACENT_SHARE) for nid in target.adjacent_ids if nid not in target.node_ids
    ]:
        r, c = store.node_rows(node_id)
        value = c.astype(np.float64) * share
        better = value > fit[r]
        fit[r[better]] = value[better]
        best[r[better]] = node_id if share == 1.0 else -node_id
    anchors = _anchor_flags(store, target)
    links = np.bincount(
        store.rel_idx[anchors[store.rel_local]], minlength=n
    ) if store.rel_idx.size else np.zeros(n, np.int64)  # fmt: skip
    rows = np.arange(n)
    features = features_at(store, rows, fit, links, ctx)
    scores = features @ _weights_vector(ctx.weights)
    eligible = ~store.local & ((fit > 0) | (links > 0))
    cand = np.nonzero(eligible)[0]
    top = cand[_top(scores[cand], store.ids[cand], limit)]
    return Ranked(
        rows=top,
        features=features[top],
        scores=scores[top],
        best_node=best[top],
        links=links[top],
        candidates=int(cand.size),
    )


def contributions(features: np.ndarray, weights: Mapping[str, float]) -> np.ndarray:
    """Each factor's term, rounded to 0.01 (the displayed contributions)."""
    return np.round(features * _weights_vector(weights), 2) + 0.0  # no "-0.00"


def target_for(node_ids: Sequence[int], edges: Sequence[tuple[int, int]], chain: Sequence[int]):
    adjacent = sorted(
        {b for a, b in edges if a in node_ids} | {a for a, b in edges if b in node_ids}
    )
    return Target(tuple(node_ids), tuple(adjacent), tuple(chain))


def score_rows(store: Store, target: Target, ctx: Context, rows: Sequence[int]) -> Ranked:
    """The same features and scores for given rows (an enterprise outside the top list)."""
    rows = np.asarray(rows, np.int64)
    fit_rows, fit, best = _fit_parts(store, target)
    pos = np.searchsorted(fit_rows, rows)
    pos_c = np.minimum(pos, max(fit_rows.size - 1, 0))
    found = (pos < fit_rows.size) & (fit_rows[pos_c] == rows) if fit_rows.size else pos < 0
    fit_at = np.where(found, fit[pos_c] if fit_rows.size else 0.0, 0.0)
    best_at = np.where(found, best[pos_c] if fit_rows.size else 0, 0)
    anchors = _anchor_flags(store, target)
    links = np.zeros(rows.size, np.int64)
    if store.rel_idx.size and anchors.any():
        linked = store.rel_idx[anchors[store.rel_local]]
        for i, row in enumerate(rows):
            links[i] = int(np.count_nonzero(linked == row))
    features = features_at(store, rows, fit_at, links, ctx)
    return Ranked(
        rows=rows,
        features=features,
        scores=features @ _weights_vector(ctx.weights),
        best_node=best_at.astype(np.int64),
        links=links,
        candidates=int(rows.size),
    )
