"""Writing automatic placements: `placement_run` (fast, bulk) and `placement_refine` (encoder).

Rules for the rows (a person's decision always wins):
- a row with `source=manual` (confirmed or rejected by a person), or any row no longer
  `suggested`, is never created over, updated or deleted;
- automatic rows (`source=auto`, `status=suggested`) are created for the chosen nodes, their
  confidence updated, and removed when the enterprise is no longer placed there; a link that
  several chains share (`fast.link_groups`) gives each of its nodes a row with the link's
  confidence, while a person's decision stays on the one node it was made on;
- an enterprise the fast model is unsure of (best confidence < UNCERTAIN_BELOW, or no node) is
  refined with the encoder: at once for a handful, in a background job for bulk runs.
Every run writes one audit entry with its counts and marks the feature store stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import QuerySet

from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require
from zhaoshang.enterprises.models import (
    Enterprise,
    Placement,
    PlacementSource,
    PlacementStatus,
)
from zhaoshang.industries.models import ChainNode

from . import semantic
from .classifier import Choice, Classifier
from .fast import Doc, NodeSpec

CHUNK = 2_000
INLINE_REFINE_MAX = 50  # more uncertain enterprises than this go to a background job
EXEMPLARS_PER_NODE = 5


@dataclass
class PlacementResult:
    enterprises: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    kept_manual: int = 0
    unplaced: int = 0
    uncertain: list[int] = field(default_factory=list)
    refined: int = 0
    deferred: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "enterprises": self.enterprises,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "kept_manual": self.kept_manual,
            "unplaced": self.unplaced,
            "uncertain": len(self.uncertain),
            "refined": self.refined,
            "deferred": self.deferred,
        }


# --- the classifier over the database's chain nodes ------------------------------------------

_classifier: tuple[str, Classifier] | None = None


def node_specs() -> list[NodeSpec]:
    """Every chain node, with scopes of enterprises a person confirmed on it as exemplars."""
    nodes = list(ChainNode.objects.select_related("direction").order_by("pk"))
    exemplars: dict[int, list[str]] = {}
    for node_id, scope in (
        Placement.objects.filter(source=PlacementSource.MANUAL, status=PlacementStatus.CONFIRMED)
        .exclude(enterprise__business_scope="")
        .order_by("node_id", "-decided_at", "-id")
        .values_list("node_id", "enterprise__business_scope")
    ):
        bucket = exemplars.setdefault(node_id, [])
        if len(bucket) < EXEMPLARS_PER_NODE:
            bucket.append(scope)
    return [
        NodeSpec(
            key=n.pk,
            name=n.name,
            keywords=tuple(str(k) for k in (n.keywords or [])),
            industry_codes=tuple(str(c) for c in (n.industry_codes or [])),
            description=n.description,
            chain=n.direction.name,
            exemplars=tuple(exemplars.get(n.pk, ())),
            industry=str(n.direction.industry_id),
        )
        for n in nodes
    ]


def _signature(specs: Sequence[NodeSpec]) -> str:
    digest = hashlib.sha1()
    for s in specs:
        digest.update(repr((s.key, s.name, s.keywords, s.industry_codes, s.description,
                            s.exemplars, s.industry)).encode())  # fmt: skip
    return digest.hexdigest()


def classifier_current() -> Classifier | None:
    """The classifier fitted on the current chain nodes (refitted when a node changes)."""
    global _classifier
    specs = node_specs()
    if not specs:
        return None
    signature = _signature(specs)
    if _classifier is None or _classifier[0] != signature:
        _classifier = (signature, Classifier(specs))
    return _classifier[1]


def _doc(row: tuple) -> Doc:
    _pk, name, scope, code = row
    return Doc(name=name or "", scope=scope or "", industry_code=code or "")


# --- writing rows -----------------------------------------------------------------------------


def _write(
    picks: dict[int, list[Choice]], result: PlacementResult, *, only_enterprises: Iterable[int]
) -> None:
    """Apply the chosen nodes of each enterprise to its Placement rows (manual rows untouched)."""
    ids = list(only_enterprises)
    existing: dict[int, dict[int, Placement]] = {}
    for p in Placement.objects.filter(enterprise_id__in=ids):
        existing.setdefault(p.enterprise_id, {})[p.node_id] = p
    to_create, to_update, to_delete = [], [], []
    for eid in ids:
        rows = existing.get(eid, {})
        chosen = {c.key: c for c in picks.get(eid, [])}
        if not chosen:
            result.unplaced += 1
        for node_id, row in rows.items():
            automatic = (
                row.source == PlacementSource.AUTO and row.status == PlacementStatus.SUGGESTED
            )
            if not automatic:
                result.kept_manual += 1
                continue
            choice = chosen.get(node_id)
            if choice is None:
                to_delete.append(row.pk)
                continue
            confidence = Decimal(f"{choice.confidence:.3f}")
            if row.confidence != confidence:
                row.confidence = confidence
                to_update.append(row)
            else:
                result.unchanged += 1
        for node_id, choice in chosen.items():
            if node_id in rows:
                continue  # updated above, or a person's decision that wins
            to_create.append(
                Placement(
                    enterprise_id=eid,
                    node_id=node_id,
                    source=PlacementSource.AUTO,
                    status=PlacementStatus.SUGGESTED,
                    confidence=Decimal(f"{choice.confidence:.3f}"),
                )
            )
    if to_delete:
        # the filter repeats the rule: only automatic suggestions are ever deleted
        Placement.objects.filter(
            pk__in=to_delete, source=PlacementSource.AUTO, status=PlacementStatus.SUGGESTED
        ).delete()
    if to_update:
        Placement.objects.bulk_update(to_update, ["confidence", "updated_at"], batch_size=1000)
    if to_create:
        Placement.objects.bulk_create(to_create, batch_size=1000)
    result.created += len(to_create)
    result.updated += len(to_update)
    result.removed += len(to_delete)


def _enterprise_rows(enterprises: Any) -> QuerySet:
    if isinstance(enterprises, QuerySet):
        qs = enterprises
    else:
        ids = [e.pk if isinstance(e, Enterprise) else int(e) for e in enterprises]
        qs = Enterprise.objects.filter(pk__in=ids)
    return qs.order_by("pk").values_list("pk", "name", "business_scope", "industry_code")


def placement_run(
    *, enterprises: Any, actor: Any | None = None, semantic_mode: str = "auto"
) -> PlacementResult:
    """Place enterprises (a queryset, instances or ids) on chain nodes automatically.

    `semantic_mode`: "auto" refines the uncertain ones now when few, else in the background;
    "inline" always now; "defer" always in the background; "off" never.
    """
    if actor is not None:
        require(actor, "add", Placement)
        require(actor, "change", Placement)
    result = PlacementResult()
    classifier = classifier_current()
    if classifier is None:
        return result
    rows = _enterprise_rows(enterprises)
    chunk: list[tuple] = []

    def flush() -> None:
        docs = [_doc(r) for r in chunk]
        scores = classifier.fast_scores(docs)
        choices = classifier.choose(scores, "fast")
        picks = {r[0]: c for r, c in zip(chunk, choices, strict=True)}
        for i in classifier.uncertain(choices):
            result.uncertain.append(chunk[i][0])
        with transaction.atomic():
            _write(picks, result, only_enterprises=[r[0] for r in chunk])
        result.enterprises += len(chunk)
        chunk.clear()

    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()

    mode = semantic_mode
    if mode == "auto":
        mode = "inline" if len(result.uncertain) <= INLINE_REFINE_MAX else "defer"
    if result.uncertain and semantic.available():
        if mode == "inline":
            result.refined = placement_refine(enterprise_ids=result.uncertain).refined
        elif mode == "defer":
            from ..tasks import placement_refine_task

            for start in range(0, len(result.uncertain), 500):
                placement_refine_task(result.uncertain[start : start + 500])
            result.deferred = len(result.uncertain)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            after=result.summary(),
            note=(
                f"自动归链：{result.enterprises}家企业，新增{result.created}、更新{result.updated}、"
                f"移除{result.removed}，人工决定保留{result.kept_manual}"
            ),
            object_repr="自动归链",
        )
    from ..scoring.store import mark_dirty

    mark_dirty()
    return result


# --- the encoder: stored vectors and refinement ------------------------------------------------


def node_vectors(specs: Sequence[NodeSpec]) -> np.ndarray:
    """Vectors of the nodes, from NodeEmbedding when their text is unchanged, else computed
    and stored."""
    from ..models import NodeEmbedding

    texts = [semantic.node_text(s) for s in specs]
    hashes = [semantic.text_hash(t) for t in texts]
    stored = {
        e.node_id: e
        for e in NodeEmbedding.objects.filter(
            node_id__in=[s.key for s in specs], encoder=semantic.ENCODER_NAME
        )
    }
    out = np.zeros((len(specs), semantic.DIM), np.float32)
    missing = []
    for i, (spec, h) in enumerate(zip(specs, hashes, strict=True)):
        row = stored.get(spec.key)
        if row is not None and row.text_hash == h:
            out[i] = semantic.from_bytes(row.vector)
        else:
            missing.append(i)
    if missing:
        vectors = semantic.encode([texts[i] for i in missing])
        for i, vec in zip(missing, vectors, strict=True):
            out[i] = vec
            NodeEmbedding.objects.update_or_create(
                node_id=specs[i].key,
                encoder=semantic.ENCODER_NAME,
                defaults={"text_hash": hashes[i], "vector": semantic.to_bytes(vec)},
            )
    return out


def enterprise_vectors(rows: Sequence[tuple]) -> np.ndarray:
    """Vectors of enterprises (pk, name, scope, code), stored in EnterpriseEmbedding and
    recomputed only when the name or scope changed."""
    from ..models import EnterpriseEmbedding

    texts = [semantic.doc_text(_doc(r)) for r in rows]
    hashes = [semantic.text_hash(t) for t in texts]
    stored = {
        e.enterprise_id: e
        for e in EnterpriseEmbedding.objects.filter(
            enterprise_id__in=[r[0] for r in rows], encoder=semantic.ENCODER_NAME
        )
    }
    out = np.zeros((len(rows), semantic.DIM), np.float32)
    missing = []
    for i, (row, h) in enumerate(zip(rows, hashes, strict=True)):
        emb = stored.get(row[0])
        if emb is not None and emb.text_hash == h:
            out[i] = semantic.from_bytes(emb.vector)
        else:
            missing.append(i)
    if missing:
        vectors = semantic.encode([texts[i] for i in missing])
        new, changed = [], []
        for i, vec in zip(missing, vectors, strict=True):
            out[i] = vec
            emb = stored.get(rows[i][0])
            if emb is None:
                new.append(
                    EnterpriseEmbedding(
                        enterprise_id=rows[i][0],
                        encoder=semantic.ENCODER_NAME,
                        text_hash=hashes[i],
                        vector=semantic.to_bytes(vec),
                    )
                )
            else:
                emb.text_hash, emb.vector = hashes[i], semantic.to_bytes(vec)
                changed.append(emb)
        EnterpriseEmbedding.objects.bulk_create(new, batch_size=500)
        EnterpriseEmbedding.objects.bulk_update(changed, ["text_hash", "vector", "updated_at"])
    return out


def placement_refine(*, enterprise_ids: Sequence[int]) -> PlacementResult:
    """Place the given enterprises again on the combined fast + encoder score."""
    result = PlacementResult()
    classifier = classifier_current()
    if classifier is None or not enterprise_ids:
        return result
    rows = list(_enterprise_rows(list(enterprise_ids)))
    if not rows:
        return result
    docs = [_doc(r) for r in rows]
    fast = classifier.fast_scores(docs)
    node_vecs = classifier.node_vectors(loader=node_vectors)
    doc_vecs = enterprise_vectors(rows)
    combined = classifier.combine(fast, classifier.semantic_scores(doc_vecs, node_vecs))
    choices = classifier.choose(combined, "combined")
    picks = {r[0]: c for r, c in zip(rows, choices, strict=True)}
    with transaction.atomic():
        _write(picks, result, only_enterprises=[r[0] for r in rows])
    result.enterprises = len(rows)
    result.refined = len(rows)
    from ..scoring.store import mark_dirty

    mark_dirty()
    return result
