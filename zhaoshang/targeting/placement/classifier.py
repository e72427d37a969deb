"""Choosing chain nodes for enterprises: the fast model, refined by the encoder when unsure.

`Classifier.fast(docs)` gives each enterprise its nodes from the fast model alone; those whose
best node has a confidence under `UNCERTAIN_BELOW` are the uncertain ones, which
`Classifier.refine(docs, doc_vectors)` places again on the combined score

    combined = fast + SEMANTIC_WEIGHT · (cosine(doc, node) − best cosine of the doc)
                    + SEMANTIC_EVIDENCE   for the encoder's best node, when it is sure

(the encoder term is 0 for the node the encoder likes best and negative for the others). The
encoder is "sure" when its best cosine is ≥ SURE_COSINE and ahead of the second by
≥ SURE_MARGIN: on the labelled sample that holds for 81% of the scopes with 98.6% of them
right, and for none of a dozen scopes outside every chain (restaurants, accountants …), so it
may place an enterprise the keywords missed — with a low confidence a person confirms.
Confidences are softmax probabilities over the distinct links (temperature `TEMPERATURE`),
which on the labelled sample are roughly calibrated: of the placements at ≥ 0.7, 98% are right.

A confidence says how sure we are that the enterprise makes the link, so nodes that are the
same link in several chains (`fast.link_groups`: same industry, synonymous names) do not compete:
every score matrix is node-wide but equal across the nodes of a link (the encoder's similarity
of a link is its best node's), the softmax and the encoder's "sure" test run over links, and a
chosen link places the enterprise on each of its nodes with the link's confidence — the same
confidence it would get if only one chain had the link.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import semantic
from .fast import Doc, FastModel, FastParams, NodeSpec, softmax

TEMPERATURE = 5.0
SEMANTIC_WEIGHT = 8.0
SEMANTIC_EVIDENCE = 0.45
SURE_COSINE = 0.91
SURE_MARGIN = 0.005
UNCERTAIN_BELOW = 0.6
# Some evidence is needed at all: an enterprise outside every chain gets no placement.
MIN_SCORE = 0.30
MIN_CONFIDENCE = 0.15
# Further links are kept when nearly as likely as the best (an enterprise on several links).
SECOND_RATIO = 0.6
MAX_NODES = 3  # distinct links per enterprise (each placed on all of its nodes)


@dataclass(frozen=True)
class Choice:
    index: int  # into Classifier.nodes
    key: object
    confidence: float
    score: float
    method: str  # "fast" or "combined"


class Classifier:
    def __init__(self, nodes: Sequence[NodeSpec], params: FastParams | None = None) -> None:
        self.nodes = list(nodes)
        self.model = FastModel(self.nodes, params)
        self.groups = self.model.groups  # node indices of each distinct link
        self.link_of = self.model.link_of  # link index of each node
        self._first = np.array([g[0] for g in self.groups], np.int64)
        self._shared = [(k, g) for k, g in enumerate(self.groups) if len(g) > 1]
        self._node_vectors: np.ndarray | None = None

    # --- links ---------------------------------------------------------------------------
    def link_max(self, matrix: np.ndarray) -> np.ndarray:
        """A node-wide matrix reduced to one column per link (the best of its nodes)."""
        out = matrix[:, self._first]
        for k, group in self._shared:
            out[:, k] = matrix[:, group].max(axis=1)
        return out

    def expand(self, link_matrix: np.ndarray) -> np.ndarray:
        """A matrix over links spread over the nodes (each node gets its link's column)."""
        return link_matrix[:, self.link_of]

    # --- fast ----------------------------------------------------------------------------
    def fast_scores(self, docs: Sequence[Doc]) -> np.ndarray:
        return self.model.scores(docs)

    def choose(self, scores: np.ndarray, method: str) -> list[list[Choice]]:
        """The chosen nodes per row of a node-wide score matrix (best link first, the nodes of
        one link together with the link's confidence; may be empty)."""
        scores = self.link_max(scores)
        probs = softmax(scores, TEMPERATURE)
        out: list[list[Choice]] = []
        k = min(MAX_NODES, scores.shape[1])
        for row, prob in zip(scores, probs, strict=True):
            top = np.argpartition(-prob, k - 1)[:k] if k < prob.size else np.arange(prob.size)
            top = top[np.argsort(-prob[top], kind="stable")]
            best = float(prob[top[0]])
            picks = []
            for link in top:
                p, s = float(prob[link]), float(row[link])
                if s < MIN_SCORE or p < MIN_CONFIDENCE or (picks and p < SECOND_RATIO * best):
                    continue
                picks.extend(Choice(j, self.nodes[j].key, p, s, method) for j in self.groups[link])
            out.append(picks)
        return out

    def top_k(self, scores: np.ndarray, k: int = 3) -> np.ndarray:
        return np.argsort(-scores, axis=1, kind="stable")[:, :k]

    # --- semantic ------------------------------------------------------------------------
    def node_vectors(self, loader: Callable[[list[NodeSpec]], np.ndarray] | None = None):
        """Vectors of the node texts; `loader` may fetch stored ones (and store new ones)."""
        if self._node_vectors is None:
            if loader is not None:
                self._node_vectors = loader(self.nodes)
            else:
                self._node_vectors = semantic.encode([semantic.node_text(n) for n in self.nodes])
        return self._node_vectors

    def semantic_scores(self, doc_vectors: np.ndarray, node_vectors: np.ndarray) -> np.ndarray:
        """Cosine of each document with each link (its best node), node-wide."""
        return self.expand(self.link_max(doc_vectors @ node_vectors.T))

    def combine(self, fast: np.ndarray, sims: np.ndarray) -> np.ndarray:
        """The combined score (node-wide, equal across a link's nodes); the encoder's best
        link and its margin are taken over distinct links, so a twin is no runner-up."""
        fast, sims = self.link_max(fast), self.link_max(sims)
        best = sims.max(axis=1, keepdims=True)
        combined = fast + SEMANTIC_WEIGHT * (sims - best)
        if sims.shape[1] >= 2:
            top2 = -np.partition(-sims, 1, axis=1)[:, :2]
            sure = (top2[:, 0] >= SURE_COSINE) & (top2[:, 0] - top2[:, 1] >= SURE_MARGIN)
            rows = np.nonzero(sure)[0]
            combined[rows, sims[rows].argmax(axis=1)] += SEMANTIC_EVIDENCE
        return self.expand(combined)

    @staticmethod
    def uncertain(choices: list[list[Choice]]) -> list[int]:
        return [i for i, c in enumerate(choices) if not c or c[0].confidence < UNCERTAIN_BELOW]
