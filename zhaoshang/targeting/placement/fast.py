"""The fast placement model: jieba keywords, character n-grams and GB/T 4754 codes.

It knows nothing but the chain nodes themselves (name, keywords, industry codes, description)
and, optionally, exemplar scopes of enterprises a person has confirmed on a node. For each
enterprise it gives every node a score from three parts:

- n-gram similarity: TF-IDF cosine between the enterprise's name and scope (character 2/3-grams
  and jieba words) and the node's profile; earlier scope items weigh more (the main business
  is listed first);
- keyword rules: each node keyword found in the name or scope (jieba teaches the keywords as
  words, and a longest-first match finds them inside longer items), weighted by how specific
  the keyword is across nodes (IDF), saturating;
- industry code: the enterprise's GB/T 4754 class equals one of the node's codes (or shares
  its group, half credit).

Nodes that are the same link in several chains (`link_groups`: 滚子 in 高端轴承 and in
轴承零部件) are one column of the model: it is fitted on the distinct links, so a duplicate
neither halves a keyword's specificity nor competes with its twin, and every node of a link
gets the link's score.

Clause features are cached (scopes reuse the catalogue's standard wordings), so the model
places thousands of enterprises per second on one core.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import text as tx

# Generic verbs and fillers removed before n-grams (they match every node equally).
_GENERIC_RE = re.compile(
    r"(生产|销售|制造|研发|研制|加工|批发|零售|设计|安装|服务|开发|经营|产品|制品|相关|各类|"
    r"以及|及其|的|与|和|及|等|用|业务|项目|建设|运营|收购|供应|专业|高端|新型|系列|"
    r"有限|公司|科技|技术|材料|新材料)"
)
_STOP_TOKENS = frozenset(
    [
        "生产",
        "销售",
        "制造",
        "研发",
        "研制",
        "加工",
        "批发",
        "零售",
        "设计",
        "安装",
        "服务",
        "开发",
        "经营",
        "产品",
        "制品",
        "相关",
        "各类",
        "及",
        "与",
        "和",
        "的",
        "等",
        "用",
        "业务",
        "项目",
        "建设",
        "运营",
        "供应",
        "专业",
        "技术",
        "科技",
        "材料",
        "有限",
        "公司",
        "一般",
        "许可",
    ]
)


@dataclass(frozen=True)
class NodeSpec:
    """What placement knows of a chain node."""

    key: Any
    name: str
    keywords: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    description: str = ""
    chain: str = ""
    exemplars: tuple[str, ...] = ()  # scopes of enterprises confirmed on the node
    industry: str = ""  # the industry of the node's chain (nodes are one link only within one)

    def profile_text(self) -> str:
        return f"{self.name}：{self.description}；关键词：{'、'.join(self.keywords)}"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def link_groups(nodes: Sequence[NodeSpec]) -> list[list[int]]:
    """The nodes grouped by link: indices into `nodes`, each group in node order, groups in
    the order of their first node (a node alone is a group of one).

    Two nodes are the same link when they belong to the same industry and their names are
    synonyms: equal once normalised (full-width, case and spaces ignored), or each node's name
    is one of the other's keywords (钢球 with keyword 精密钢球, 精密钢球 with keyword 钢球). The
    relation is closed transitively. Within one industry a name is what a person reads the
    link by, so two chains naming the same link mean the same product; a name one-sidedly
    among another node's keywords (热处理 in 热处理及表面处理) or shared across industries is
    only related, not the same, and stays a link of its own.
    """
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    names = [tx.normalize(n.name) for n in nodes]
    terms = [{names[i], *(tx.normalize(k) for k in n.keywords)} for i, n in enumerate(nodes)]
    having: dict[tuple[str, str], list[int]] = {}
    for i, node in enumerate(nodes):
        for term in terms[i]:
            having.setdefault((node.industry, term), []).append(i)
    for i, node in enumerate(nodes):
        for j in having.get((node.industry, names[i]), ()):
            if j != i and (names[j] == names[i] or names[j] in terms[i]):
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def link_spec(members: Sequence[NodeSpec]) -> NodeSpec:
    """One spec for the nodes of a link: the first node's name; everyone's keywords, then the
    other names, codes, descriptions and exemplars (each once); key is the tuple of the
    members' keys. A link of one node is that node, and so is a link of identical twins
    (but for the key)."""
    if len(members) == 1:
        return members[0]
    first = members[0]
    names = _unique(m.name for m in members)
    return NodeSpec(
        key=tuple(m.key for m in members),
        name=first.name,
        keywords=_unique([*(k for m in members for k in m.keywords), *names[1:]]),
        industry_codes=_unique(c for m in members for c in m.industry_codes),
        description="；".join(_unique(m.description for m in members)),
        chain=first.chain,
        exemplars=_unique(e for m in members for e in m.exemplars),
        industry=first.industry,
    )


@dataclass(frozen=True)
class Doc:
    """What placement reads of an enterprise."""

    name: str = ""
    scope: str = ""
    industry_code: str = ""


@dataclass(frozen=True)
class FastParams:
    ngram_weight: float = 1.0
    keyword_weight: float = 1.0
    code_weight: float = 0.2
    keyword_scale: float = 4.0  # saturation of the keyword evidence
    name_weight: float = 1.3  # the name as one clause, heavier than a scope item
    position_decay: float = 0.12  # item i weighs 1 / (1 + decay·i)
    temperature: float = 14.0  # softmax sharpness for confidences


@dataclass
class _Clause:
    ids: np.ndarray
    vals: np.ndarray
    unknown_sq: float
    keywords: list[int] = field(default_factory=list)


def _pieces(clause: str) -> list[str]:
    return [p for p in _GENERIC_RE.split(clause) if len(p) >= 2 and not _GENERIC_RE.fullmatch(p)]


def _features(clause: str) -> Counter:
    feats: Counter = Counter()
    for tok in tx.tokens(clause):
        if len(tok) >= 2 and tok not in _STOP_TOKENS:
            feats["w|" + tok] += 1
    for piece in _pieces(clause):
        for gram in tx.char_ngrams(piece):
            feats["c|" + gram] += 1
    return feats


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores * temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class FastModel:
    """Fitted on a list of nodes; `scores(docs)` gives a (len(docs), len(nodes)) matrix.

    Internally the columns are the distinct links (`links`, `groups`, `link_of`):
    `link_scores(docs)` gives (len(docs), len(links)), `scores` spreads it over the nodes.
    """

    CACHE_LIMIT = 300_000

    def __init__(self, nodes: Sequence[NodeSpec], params: FastParams | None = None) -> None:
        if not nodes:
            raise ValueError("no chain nodes to place on")
        self.nodes = list(nodes)
        self.groups = link_groups(self.nodes)
        self.links = [link_spec([self.nodes[i] for i in g]) for g in self.groups]
        self.link_of = np.empty(len(self.nodes), np.int64)
        for link, group in enumerate(self.groups):
            self.link_of[group] = link
        self.params = params or FastParams()
        self._cache: dict[str, _Clause] = {}
        words = [n.name for n in self.nodes] + [k for n in self.nodes for k in n.keywords]
        tx.add_words(words)
        self._fit_ngrams()
        self._fit_keywords()
        self._fit_codes()

    # --- fitting --------------------------------------------------------------------------
    def _profile(self, node: NodeSpec) -> Counter:
        profile: Counter = Counter()

        def add(text: str, weight: float) -> None:
            for clause in tx.clauses(text):
                for feat, count in _features(clause).items():
                    profile[feat] += weight * count

        add(node.name, 3.0)
        for keyword in node.keywords:
            add(keyword, 2.0)
        add(node.description, 1.0)
        for scope in node.exemplars:
            for i, clause in enumerate(tx.clauses(scope)[:6]):
                for feat, count in _features(clause).items():
                    profile[feat] += count / (1 + i)
        return profile

    def _fit_ngrams(self) -> None:
        profiles = [self._profile(n) for n in self.links]
        vocab = sorted(set().union(*profiles))
        self.vocab = {f: i for i, f in enumerate(vocab)}
        n = len(self.links)
        df = Counter(f for p in profiles for f in p)
        self.idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in vocab], np.float32)
        self._idf = self.idf.tolist()
        self.idf_unknown = float(math.log(1 + n) + 1.0)
        w = np.zeros((len(vocab), n), np.float32)  # column per link, row per feature
        for j, profile in enumerate(profiles):
            for feat, tf in profile.items():
                i = self.vocab[feat]
                w[i, j] = (1.0 + math.log(tf)) * self.idf[i] if tf >= 1 else tf * self.idf[i]
            norm = float(np.linalg.norm(w[:, j]))
            if norm:
                w[:, j] /= norm
        self.w = w

    def _fit_keywords(self) -> None:
        owners: dict[str, dict[int, float]] = {}
        for j, node in enumerate(self.links):
            for word, weight in [(node.name, 1.5), *((k, 1.0) for k in node.keywords)]:
                word = tx.normalize(word)
                if len(word) >= 2:
                    slot = owners.setdefault(word, {})
                    slot[j] = max(slot.get(j, 0.0), weight)
        self.keywords = sorted(owners, key=lambda k: (-len(k), k))
        self.keyword_index = {k: i for i, k in enumerate(self.keywords)}
        n = len(self.links)
        self.kw = np.zeros((len(self.keywords), n), np.float32)
        for k, word in enumerate(self.keywords):
            nodes = owners[word]
            # Specific keywords count more; a longer keyword is more telling than a 2-char one.
            specificity = math.log(1 + n / len(nodes)) * (1.0 + 0.15 * min(len(word) - 2, 4))
            for j, weight in nodes.items():
                self.kw[k, j] = weight * specificity
        pattern = "|".join(re.escape(k) for k in self.keywords)
        self._kw_re = re.compile(pattern) if pattern else None

    def _fit_codes(self) -> None:
        """Node codes are GB/T 4754 prefixes (2–4 digits): a class (4) matches fully, a group
        (3) or division (2) partly; an enterprise in the same group as a 4-digit node code
        gets half credit."""
        self._code_rows: dict[str, np.ndarray] = {}
        self.code_prefix: dict[str, list[tuple[int, float]]] = {}
        self.code_group: dict[str, list[int]] = {}
        credit = {2: 0.6, 3: 0.8, 4: 1.0}
        for j, node in enumerate(self.links):
            for code in node.industry_codes:
                code = "".join(ch for ch in str(code) if ch.isdigit())[:4]
                if len(code) >= 2:
                    self.code_prefix.setdefault(code, []).append((j, credit[len(code)]))
                if len(code) == 4:
                    self.code_group.setdefault(code[:3], []).append(j)

    # --- scoring --------------------------------------------------------------------------
    def _clause(self, clause: str) -> _Clause:
        cached = self._cache.get(clause)
        if cached is not None:
            return cached
        ids, vals, unknown = [], [], 0.0
        for feat, tf in _features(clause).items():
            weight = 1.0 + math.log(tf)
            i = self.vocab.get(feat)
            if i is None:
                unknown += (weight * self.idf_unknown) ** 2
            else:
                ids.append(i)
                vals.append(weight * self._idf[i])
        hits = (
            [self.keyword_index[m.group(0)] for m in self._kw_re.finditer(clause)]
            if (self._kw_re)
            else []
        )
        item = _Clause(np.array(ids, np.int64), np.array(vals, np.float32), unknown, hits)
        if len(self._cache) >= self.CACHE_LIMIT:
            self._cache.clear()
        self._cache[clause] = item
        return item

    def _parts(self, doc: Doc) -> list[tuple[_Clause, float]]:
        p = self.params
        parts = []
        name = tx.name_core(doc.name)
        if len(name) >= 2:
            parts.append((self._clause(name), p.name_weight))
        for i, clause in enumerate(tx.clauses(doc.scope)[:40]):
            parts.append((self._clause(clause), 1.0 / (1.0 + p.position_decay * i)))
        return parts

    def score_one(self, doc: Doc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n-gram, keyword, code) component vectors over the nodes."""
        s_ngram, s_kw, s_code = self._score_one_links(doc)
        return s_ngram[self.link_of], s_kw[self.link_of], s_code[self.link_of]

    def _score_one_links(self, doc: Doc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = len(self.links)
        parts = self._parts(doc)
        s_ngram = np.zeros(n, np.float32)
        s_kw = np.zeros(n, np.float32)
        if parts:
            ids = np.concatenate([c.ids for c, _ in parts])
            vals = np.concatenate([c.vals * w for c, w in parts])
            unknown = sum(c.unknown_sq * w * w for c, w in parts)
            if ids.size:
                uid, inv = np.unique(ids, return_inverse=True)
                v = np.bincount(inv, weights=vals).astype(np.float32)
                norm = math.sqrt(float(v @ v) + unknown)
                if norm:
                    s_ngram = (v @ self.w[uid]) / norm
            kw_ids = [k for c, _ in parts for k in c.keywords]
            if kw_ids:
                kw_w = np.array([w for c, w in parts for _ in c.keywords], np.float32)
                raw = kw_w @ self.kw[kw_ids]
                s_kw = 1.0 - np.exp(-raw / self.params.keyword_scale)
        s_code = np.zeros(n, np.float32)
        code = "".join(ch for ch in (doc.industry_code or "") if ch.isdigit())[:4]
        if len(code) >= 3:
            for j in self.code_group.get(code[:3], ()):
                s_code[j] = 0.5
        for length in (2, 3, 4):
            if len(code) >= length:
                for j, credit in self.code_prefix.get(code[:length], ()):
                    s_code[j] = max(s_code[j], credit)
        return s_ngram, s_kw.astype(np.float32), s_code

    def scores(self, docs: Iterable[Doc], batch: int = 256) -> np.ndarray:
        """The combined fast score of every node for every document, batch-vectorised
        (the same numbers as `score_one`, up to float rounding); the nodes of one link have
        the link's score."""
        return self.link_scores(docs, batch)[:, self.link_of]

    def link_scores(self, docs: Iterable[Doc], batch: int = 256) -> np.ndarray:
        """The combined fast score of every distinct link (columns as `links`)."""
        docs = list(docs)
        out = np.zeros((len(docs), len(self.links)), np.float32)
        for start in range(0, len(docs), batch):
            out[start : start + batch] = self._score_batch(docs[start : start + batch])
        return out

    def _code_row(self, industry_code: str) -> np.ndarray:
        """The industry-code part over the links for one enterprise code (cached per code)."""
        code = "".join(ch for ch in (industry_code or "") if ch.isdigit())[:4]
        row = self._code_rows.get(code)
        if row is None:
            row = np.zeros(len(self.links), np.float32)
            if len(code) >= 3:
                for j in self.code_group.get(code[:3], ()):
                    row[j] = 0.5
            for length in (2, 3, 4):
                if len(code) >= length:
                    for j, credit in self.code_prefix.get(code[:length], ()):
                        row[j] = max(row[j], credit)
            self._code_rows[code] = row
        return row

    def _score_batch(self, docs: list[Doc]) -> np.ndarray:
        p = self.params
        n, v = len(self.links), len(self.vocab)
        b = len(docs)
        id_parts, val_parts, doc_parts = [], [], []
        kw_parts, kw_w_parts, kw_doc_parts = [], [], []
        unknown = np.zeros(b)
        s_code = np.zeros((b, n), np.float32)
        for d, doc in enumerate(docs):
            for clause, weight in self._parts(doc):
                if clause.ids.size:
                    id_parts.append(clause.ids)
                    val_parts.append(clause.vals * weight)
                    doc_parts.append(d)
                if clause.keywords:
                    kw_parts.extend(clause.keywords)
                    kw_w_parts.extend([weight] * len(clause.keywords))
                    kw_doc_parts.extend([d] * len(clause.keywords))
                unknown[d] += clause.unknown_sq * weight * weight
            if doc.industry_code:
                s_code[d] = self._code_row(doc.industry_code)
        if id_parts:
            sizes = np.fromiter((a.size for a in id_parts), np.int64, count=len(id_parts))
            doc_parts = [np.repeat(np.array(doc_parts, np.int64), sizes)]
        s_ngram = np.zeros((b, n), np.float32)
        if id_parts:
            keys = doc_parts[0] * v + np.concatenate(id_parts)
            uniq, inv = np.unique(keys, return_inverse=True)
            merged = np.bincount(inv, weights=np.concatenate(val_parts))
            udoc, uid = uniq // v, uniq % v
            norms = np.sqrt(np.bincount(udoc, weights=merged * merged, minlength=b) + unknown)
            contrib = self.w[uid] * merged[:, None].astype(np.float32)
            starts = np.flatnonzero(np.r_[True, udoc[1:] != udoc[:-1]])
            sums = np.add.reduceat(contrib, starts, axis=0)
            docs_with = udoc[starts]
            s_ngram[docs_with] = sums / np.maximum(norms[docs_with], 1e-12)[:, None]
        s_kw = np.zeros((b, n), np.float32)
        if kw_parts:
            raw = np.zeros((b, n), np.float64)
            np.add.at(
                raw, np.array(kw_doc_parts), self.kw[kw_parts] * np.array(kw_w_parts)[:, None]
            )
            s_kw = (1.0 - np.exp(-raw / p.keyword_scale)).astype(np.float32)
        return p.ngram_weight * s_ngram + p.keyword_weight * s_kw + p.code_weight * s_code

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        return softmax(scores, self.params.temperature)

    def matched_keywords(self, doc: Doc, node_index: int) -> list[str]:
        """The node keywords found in the enterprise's name and scope (for explanations)."""
        found: list[str] = []
        link = int(self.link_of[node_index])
        for clause, _ in self._parts(doc):
            for k in clause.keywords:
                word = self.keywords[k]
                if self.kw[k, link] > 0 and word not in found:
                    found.append(word)
        return found
