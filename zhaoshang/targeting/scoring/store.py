"""The columnar feature store: one row per enterprise, numpy arrays in an .npz under var/.

Recommendations over 10^6 enterprises cannot query the database per request, so the features
that do not depend on the request are computed once, by `build_feature_store` (a management
command and a huey job), from the database: location (HSR minutes, way in, regions), scale
and tags, decayed momentum and risk as of the build date, founder native place, existing
investment in Shandong/Liaocheng; placements on chain nodes as a CSR index by node; and the
supplier/customer relations between non-local and local enterprises.

What does depend on the request (the node and its neighbours, the unit, the weights, the
projects of the last N months) is applied at query time in `rank.py`.

Staleness: the store records a fingerprint of the database (the highest ids of enterprises,
placements, signals, relations and tag links) and the build time; `placement_run` and the
targeting services mark it dirty. A stale store is rebuilt on the spot when the registry is
small (≤ SYNC_REBUILD_MAX enterprises) and in the background otherwise (the stale one keeps
serving meanwhile), and the nightly job rebuilds it anyway.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from .. import geography as geo
from . import parts

VERSION = 1
SYNC_REBUILD_MAX = 50_000
REBUILD_DEBOUNCE = 600  # seconds between background rebuild requests
ARRAYS = (
    "ids", "local", "foreign", "minutes", "via", "region", "scale", "tags", "revenue",
    "momentum", "risk", "native", "presence",
    "pl_nodes", "pl_ptr", "pl_idx", "pl_conf", "pl_manual",
    "rel_idx", "rel_local", "rel_kind",
)  # fmt: skip
SUPPLIES, BUYS = 1, 2  # rel_kind: the non-local enterprise supplies / buys from the local one


def store_dir() -> Path:
    return Path(getattr(settings, "TARGETING_STORE_DIR", settings.VAR_DIR / "targeting"))


def store_path() -> Path:
    return store_dir() / "features.npz"


def _dirty_path() -> Path:
    return store_dir() / "dirty"


@dataclass
class Store:
    ids: np.ndarray  # int64, ascending
    local: np.ndarray  # bool
    foreign: np.ndarray  # bool
    minutes: np.ndarray  # float32 HSR minutes to 聊城西 (NaN: none)
    via: np.ndarray  # int8 geo.EAST / geo.WEST / 0
    region: np.ndarray  # uint8 region bits
    scale: np.ndarray  # float32 [0, 1]
    tags: np.ndarray  # uint16 tag bits (parts.TAG_BITS)
    revenue: np.ndarray  # int8 index into parts.REVENUE_CODES
    momentum: np.ndarray  # float32 [0, 1)
    risk: np.ndarray  # float32 [0, 1)
    native: np.ndarray  # int32 founder native division code (0: unknown)
    presence: np.ndarray  # int8 0 / 1 Shandong / 2 Liaocheng
    pl_nodes: np.ndarray  # int64 node ids, ascending
    pl_ptr: np.ndarray  # int64, len(pl_nodes) + 1
    pl_idx: np.ndarray  # int32 enterprise row
    pl_conf: np.ndarray  # float32 confidence (a person's confirmation: 1)
    pl_manual: np.ndarray  # bool
    rel_idx: np.ndarray  # int32 non-local enterprise row
    rel_local: np.ndarray  # int32 local enterprise row
    rel_kind: np.ndarray  # int8 SUPPLIES / BUYS
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.ids.size)

    def rows_of(self, ids: Any) -> np.ndarray:
        """Rows of enterprise ids (−1 where unknown)."""
        ids = np.asarray(ids, np.int64)
        pos = np.searchsorted(self.ids, ids)
        pos = np.clip(pos, 0, max(self.size - 1, 0))
        found = self.size > 0 and (self.ids[pos] == ids) if ids.size else np.zeros(0, bool)
        return np.where(found, pos, -1)

    def node_rows(self, node_id: int) -> tuple[np.ndarray, np.ndarray]:
        """(enterprise rows, confidences) placed on one node."""
        i = int(np.searchsorted(self.pl_nodes, node_id))
        if i >= self.pl_nodes.size or self.pl_nodes[i] != node_id:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        a, b = self.pl_ptr[i], self.pl_ptr[i + 1]
        return self.pl_idx[a:b], self.pl_conf[a:b]

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ARRAYS}


# --- building from columns (shared by the database build and synthetic data) --------------


def placement_index(
    rows: np.ndarray, nodes: np.ndarray, conf: np.ndarray, manual: np.ndarray
) -> dict[str, np.ndarray]:
    order = np.lexsort((rows, nodes))
    nodes, rows, conf, manual = nodes[order], rows[order], conf[order], manual[order]
    uniq, starts = np.unique(nodes, return_index=True)
    ptr = np.append(starts, nodes.size).astype(np.int64)
    return {
        "pl_nodes": uniq.astype(np.int64),
        "pl_ptr": ptr,
        "pl_idx": rows.astype(np.int32),
        "pl_conf": conf.astype(np.float32),
        "pl_manual": manual.astype(bool),
    }


def place_columns(division_codes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(minutes, via, region bits) per division code, through the geography table."""
    cache: dict[str, tuple[float, int, int]] = {}
    n = len(division_codes)
    minutes = np.full(n, np.nan, np.float32)
    via = np.zeros(n, np.int8)
    region = np.zeros(n, np.uint8)
    for i, code in enumerate(division_codes):
        hit = cache.get(code)
        if hit is None:
            place = geo.place_for(code)
            hit = (
                (np.nan, 0, 0)
                if place is None
                else (
                    np.nan if place.minutes is None else float(place.minutes),
                    place.via,
                    geo.region_mask(place.regions),
                )
            )
            cache[code] = hit
        minutes[i], via[i], region[i] = hit
    return minutes, via, region


def scale_column(tags: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """parts.scale_feature over whole columns (tag masks are few: computed once each)."""
    out = np.zeros(tags.size, np.float32)
    rev_points = np.array(
        [parts.REVENUE_POINTS.get(code, 0.0) for code in parts.REVENUE_CODES], np.float32
    )
    for mask in np.unique(tags):
        sel = tags == mask
        out[sel] = parts.TAG_SHARE * parts.tag_score(int(mask))
    out += parts.REVENUE_SHARE * rev_points[revenue]
    return out


def signal_columns(
    rows: np.ndarray, kinds: list[str], ages_days: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """(momentum, risk) columns from signals given as (row, kind, age in days)."""
    weight = np.zeros(rows.size, np.float64)
    half = np.ones(rows.size, np.float64)
    risk = np.zeros(rows.size, bool)
    for kind, (w, h) in {**parts.MOMENTUM_SIGNALS, **parts.RISK_SIGNALS}.items():
        sel = np.fromiter((k == kind for k in kinds), bool, count=len(kinds))
        weight[sel], half[sel] = w, h
        risk[sel] = kind in parts.RISK_SIGNALS
    ages = np.maximum(ages_days.astype(np.float64), 0)
    value = np.where(ages > parts.MAX_AGE_DAYS, 0.0, weight * 0.5 ** (ages / half))
    momentum = np.bincount(rows[~risk], weights=value[~risk], minlength=n)
    risky = np.bincount(rows[risk], weights=value[risk], minlength=n)
    return (
        (1.0 - np.exp(-momentum)).astype(np.float32),
        (1.0 - np.exp(-risky)).astype(np.float32),
    )


# --- the database build --------------------------------------------------------------------


def db_fingerprint() -> str:
    from django.db.models import Max

    from zhaoshang.enterprises.models import Enterprise, Placement, Relation, Signal

    through = Enterprise.tags.through
    parts_ = [
        Enterprise.objects.aggregate(m=Max("id"))["m"],
        Placement.objects.aggregate(m=Max("id"))["m"],
        Signal.objects.aggregate(m=Max("id"))["m"],
        Relation.objects.aggregate(m=Max("id"))["m"],
        through.objects.aggregate(m=Max("id"))["m"],
    ]
    return ":".join(str(p or 0) for p in parts_)


def build_from_db(*, today: dt.date | None = None) -> Store:
    from zhaoshang.enterprises.models import (
        Enterprise,
        Placement,
        PlacementSource,
        PlacementStatus,
        Relation,
        RelationKind,
        Signal,
        Tag,
    )

    today = today or timezone.localdate()
    fingerprint = db_fingerprint()
    rows = list(
        Enterprise.objects.order_by("id")
        .values_list(
            "id", "is_local", "country", "division_code", "revenue_band",
            "founder_native_code", "parent_id", "province_code",
        )
        .iterator(chunk_size=20_000)
    )  # fmt: skip
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), np.int64, count=n)
    local = np.fromiter((bool(r[1]) for r in rows), bool, count=n)
    foreign = np.fromiter(((r[2] or "CN") != "CN" for r in rows), bool, count=n)
    divisions = [r[3] or "" if (r[2] or "CN") == "CN" else "" for r in rows]
    minutes, via, region = place_columns(divisions)
    rev_index = {code: i for i, code in enumerate(parts.REVENUE_CODES)}
    revenue = np.fromiter((rev_index.get(r[4] or "", 0) for r in rows), np.int8, count=n)
    native = np.fromiter(
        (int(r[5]) if (r[5] or "").isdigit() else 0 for r in rows), np.int32, count=n
    )
    province = [r[7] or "" for r in rows]
    in_city = np.fromiter(((r[3] or "").startswith("3715") for r in rows), bool, count=n)
    in_province = np.fromiter((p == "37" for p in province), bool, count=n)
    store = Store(
        ids=ids, local=local, foreign=foreign, minutes=minutes, via=via, region=region,
        scale=np.zeros(n, np.float32), tags=np.zeros(n, np.uint16), revenue=revenue,
        momentum=np.zeros(n, np.float32), risk=np.zeros(n, np.float32), native=native,
        presence=np.zeros(n, np.int8),
        **placement_index(*(np.zeros(0, t) for t in (np.int32, np.int64, np.float32, bool))),
        rel_idx=np.zeros(0, np.int32), rel_local=np.zeros(0, np.int32),
        rel_kind=np.zeros(0, np.int8),
    )  # fmt: skip

    # tags
    bit_of = {t.pk: parts.TAG_BITS[t.code] for t in Tag.objects.all() if t.code in parts.TAG_BITS}
    through = Enterprise.tags.through
    tag_rows = np.fromiter(
        (
            v
            for pair in through.objects.filter(tag_id__in=list(bit_of)).values_list(
                "enterprise_id", "tag_id"
            )
            for v in (pair[0], bit_of[pair[1]])
        ),
        np.int64,
    ).reshape(-1, 2)
    if tag_rows.size:
        rws = store.rows_of(tag_rows[:, 0])
        ok = rws >= 0
        np.bitwise_or.at(store.tags, rws[ok], tag_rows[ok, 1].astype(np.uint16))
    store.scale = scale_column(store.tags, store.revenue)

    # signals
    since = today - dt.timedelta(days=parts.MAX_AGE_DAYS)
    signals = list(
        Signal.objects.filter(on__gte=since).values_list("enterprise_id", "kind", "on").iterator()
    )
    if signals:
        srows = store.rows_of([s[0] for s in signals])
        ages = np.fromiter(((today - s[2]).days for s in signals), np.int64, count=len(signals))
        ok = srows >= 0
        kinds = [s[1] for s, good in zip(signals, ok, strict=True) if good]
        store.momentum, store.risk = signal_columns(srows[ok], kinds, ages[ok], n)

    # existing investment: subsidiaries (parent) and investor/subsidiary relations
    presence = np.zeros(n, np.int8)

    def mark(owner_ids: np.ndarray, target_rows: np.ndarray) -> None:
        owners = store.rows_of(owner_ids)
        ok = (owners >= 0) & (target_rows >= 0)
        owners, targets = owners[ok], target_rows[ok]
        level = np.where(in_city[targets], 2, np.where(in_province[targets], 1, 0)).astype(np.int8)
        np.maximum.at(presence, owners, level)

    parents = np.fromiter((r[6] or 0 for r in rows), np.int64, count=n)
    has_parent = parents > 0
    mark(parents[has_parent], np.nonzero(has_parent)[0])
    invest = list(
        Relation.objects.filter(
            kind__in=[RelationKind.INVESTOR, RelationKind.SUBSIDIARY]
        ).values_list("source_id", "target_id")
    )
    if invest:
        pairs = np.array(invest, np.int64)
        mark(pairs[:, 0], store.rows_of(pairs[:, 1]))
    store.presence = presence

    # placements (a person's rejection removes the row from the index)
    placements = list(
        Placement.objects.exclude(status=PlacementStatus.REJECTED)
        .values_list("enterprise_id", "node_id", "source", "status", "confidence")
        .iterator(chunk_size=50_000)
    )
    if placements:
        prow = store.rows_of([p[0] for p in placements])
        pnode = np.fromiter((p[1] for p in placements), np.int64, count=len(placements))
        manual = np.fromiter(
            (p[2] == PlacementSource.MANUAL or p[3] == PlacementStatus.CONFIRMED
             for p in placements),
            bool, count=len(placements),
        )  # fmt: skip
        conf = np.fromiter((float(p[4] or 0) for p in placements), np.float32, len(placements))
        conf = np.where(manual, parts.MANUAL_CONFIDENCE, conf).astype(np.float32)
        ok = prow >= 0
        for name, value in placement_index(prow[ok], pnode[ok], conf[ok], manual[ok]).items():
            setattr(store, name, value)

    # supplier / customer relations between a non-local and a local enterprise
    trade = list(
        Relation.objects.filter(
            kind__in=[RelationKind.SUPPLIER, RelationKind.CUSTOMER]
        ).values_list("source_id", "target_id", "kind")
    )
    if trade:
        src = store.rows_of([t[0] for t in trade])
        dst = store.rows_of([t[1] for t in trade])
        supplier = np.fromiter((t[2] == RelationKind.SUPPLIER for t in trade), bool, len(trade))
        ok = (src >= 0) & (dst >= 0)
        src, dst, supplier = src[ok], dst[ok], supplier[ok]
        out_local = ~local[src] & local[dst]  # source is the non-local one
        in_local = local[src] & ~local[dst]  # target is the non-local one
        # "source supplies target" / "source buys from target", seen from the non-local side
        kind_out = np.where(supplier, SUPPLIES, BUYS)
        kind_in = np.where(supplier, BUYS, SUPPLIES)
        store.rel_idx = np.concatenate([src[out_local], dst[in_local]]).astype(np.int32)
        store.rel_local = np.concatenate([dst[out_local], src[in_local]]).astype(np.int32)
        store.rel_kind = np.concatenate([kind_out[out_local], kind_in[in_local]]).astype(np.int8)

    store.meta = {
        "version": VERSION,
        "built_at": timezone.now().isoformat(),
        "as_of": today.isoformat(),
        "fingerprint": fingerprint,
        "enterprises": n,
        "placements": int(store.pl_idx.size),
        "relations": int(store.rel_idx.size),
    }
    return store


# --- saving and loading --------------------------------------------------------------------

_cache: dict[str, tuple[float, Store]] = {}
_lock = threading.Lock()


def save(store: Store, path: Path | None = None) -> Path:
    path = path or store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp.npz")
    np.savez(tmp, meta=np.array(json.dumps(store.meta)), **store.arrays())
    os.replace(tmp, path)
    dirty = _dirty_path()
    if dirty.exists() and dirty.stat().st_mtime <= path.stat().st_mtime:
        dirty.unlink(missing_ok=True)
    return path


def load(path: Path | None = None) -> Store | None:
    path = path or store_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    key = str(path)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in ARRAYS}
            meta = json.loads(str(data["meta"]))
        store = Store(**arrays, meta=meta)
        _cache[key] = (mtime, store)
        return store


def mark_dirty() -> None:
    """Something the store reads changed (placements, signals …): rebuild before next use."""
    path = _dirty_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path, (time.time() + 0.001, time.time() + 0.001))


def is_stale(store: Store | None) -> bool:
    if store is None or store.meta.get("version") != VERSION:
        return True
    if store.meta.get("as_of") != timezone.localdate().isoformat():
        return True  # decayed signals are as of the build date
    dirty = _dirty_path()
    if dirty.exists() and dirty.stat().st_mtime > store_path().stat().st_mtime:
        return True
    return store.meta.get("fingerprint") != db_fingerprint()


def rebuild() -> Store:
    store = build_from_db()
    save(store)
    return load() or store


def current(*, allow_background: bool = True) -> Store:
    """The store to rank with: rebuilt now when stale and small, else in the background."""
    store = load()
    if not is_stale(store):
        return store  # type: ignore[return-value]
    if store is None or not allow_background:
        return rebuild()
    from zhaoshang.enterprises.models import Enterprise

    if store.size <= SYNC_REBUILD_MAX and Enterprise.objects.count() <= SYNC_REBUILD_MAX:
        return rebuild()
    # Large registry: rebuild in the background (once per REBUILD_DEBOUNCE), serve the old one.
    marker = store_dir() / "rebuilding"
    if not marker.exists() or time.time() - marker.stat().st_mtime > REBUILD_DEBOUNCE:
        marker.touch()
        from ..tasks import feature_store_rebuild

        feature_store_rebuild()
    return store


# --- synthetic columns (benchmarks, tests) --------------------------------------------------


def synthetic(n: int, *, nodes: int = 240, seed: int = 7, local_share: float = 0.004) -> Store:
    """A store of `n` invented enterprises with realistic shares (bench/targeting.py)."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1, dtype=np.int64)
    local = rng.random(n) < local_share
    foreign = (rng.random(n) < 0.01) & ~local
    prefixes = [p for p in geo.PLACES if p.prefix != "3715"]
    pick = rng.integers(0, len(prefixes), n)
    minutes = np.array([np.nan if p.minutes is None else p.minutes for p in prefixes], np.float32)[
        pick
    ]
    via = np.array([p.via for p in prefixes], np.int8)[pick]
    region = np.array([geo.region_mask(p.regions) for p in prefixes], np.uint8)[pick]
    minutes[foreign], via[foreign], region[foreign] = np.nan, 0, 0
    tags = np.zeros(n, np.uint16)
    for code, share in (("listed", 0.02), ("specialized", 0.05), ("little_giant", 0.005),
                        ("high_tech", 0.1), ("private500", 0.0005), ("china500", 0.0005),
                        ("global500", 0.0002), ("chain_leader", 0.001)):  # fmt: skip
        tags[rng.random(n) < share] |= parts.TAG_BITS[code]
    revenue = rng.choice(np.arange(len(parts.REVENUE_CODES), dtype=np.int8), n,
                         p=[0.2, 0.35, 0.25, 0.13, 0.05, 0.02])  # fmt: skip
    momentum = np.where(rng.random(n) < 0.1, rng.random(n), 0).astype(np.float32)
    risk = np.where(rng.random(n) < 0.05, rng.random(n), 0).astype(np.float32)
    native = np.where(rng.random(n) < 0.003, 371500 + rng.integers(1, 30, n), 0).astype(np.int32)
    presence = rng.choice(np.array([0, 1, 2], np.int8), n, p=[0.95, 0.04, 0.01])
    per = rng.integers(1, 3, n)  # one or two placements each
    prow = np.repeat(np.arange(n, dtype=np.int32), per)
    pnode = rng.integers(1, nodes + 1, prow.size).astype(np.int64)
    keep = np.ones(prow.size, bool)
    keep[1:] = ~((prow[1:] == prow[:-1]) & (pnode[1:] == pnode[:-1]))
    prow, pnode = prow[keep], pnode[keep]
    conf = rng.uniform(0.2, 1.0, prow.size).astype(np.float32)
    manual = rng.random(prow.size) < 0.02
    conf[manual] = 1.0
    local_rows = np.nonzero(local)[0]
    m = min(n // 5, 200_000)
    rel_idx = rng.integers(0, n, m).astype(np.int32)
    rel_local = (
        local_rows[rng.integers(0, local_rows.size, m)].astype(np.int32)
        if local_rows.size
        else np.zeros(m, np.int32)
    )
    ok = ~local[rel_idx]
    store = Store(
        ids=ids, local=local, foreign=foreign, minutes=minutes, via=via, region=region,
        scale=np.zeros(n, np.float32), tags=tags, revenue=revenue, momentum=momentum,
        risk=risk, native=native, presence=presence,
        **placement_index(prow, pnode, conf, manual),
        rel_idx=rel_idx[ok], rel_local=rel_local[ok],
        rel_kind=rng.integers(1, 3, int(ok.sum())).astype(np.int8),
        meta={"version": VERSION, "synthetic": True, "enterprises": n, "as_of": str(dt.date.today())},
    )  # fmt: skip
    store.scale = scale_column(store.tags, store.revenue)
    return store
