"""Text preparation for placement: normalisation, boilerplate removal, clauses, tokens, n-grams.

A business scope (经营范围) is a list of items separated by ；、，。 drawn largely from the
national catalogue of standard wordings, so the same clause recurs across thousands of
enterprises. Everything here works per clause, and the fast model caches clause features.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

# Words every scope carries that say nothing about the chain link.
_BOILERPLATE = [
    r"[（(]?除依法须经批准的项目外[^）)]*[）)]?",
    r"[（(]?依法须经批准的项目[^）)]*[）)]?",
    r"[（(]?不含[^）)]{0,40}[）)]",
    r"[（(]?仅限[^）)]{0,40}[）)]",
    r"[（(]?分支机构经营[^）)]*[）)]?",
    r"凭营业执照依法自主开展经营活动",
    r"经相关部门批准后方可开展经营活动",
    r"具体经营项目以[^；;。]*为准",
    r"一般项目|许可项目|一般经营项目|许可经营项目",
    r"货物进出口|技术进出口|进出口业务|进出口代理",
    r"技术服务|技术开发|技术咨询|技术交流|技术转让|技术推广",
    r"[（(]个体[）)]",
]
_BOILER_RE = re.compile("|".join(_BOILERPLATE))
_SPLIT_RE = re.compile(r"[；;。，,、：:\n\r\t/|]+")
_SPACE_RE = re.compile(r"\s+")
# Legal-form and filler words of enterprise names.
_NAME_FILLER_RE = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|股份公司|集团|公司|总厂|分厂|工厂|厂|个体工商户)"
)
# Clauses that are only generic trade/logistics words carry no chain signal.
_GENERIC_CLAUSE_RE = re.compile(
    r"^(销售|批发|零售|生产|制造|加工|研发|货物|技术|服务|仓储|运输|道路货物运输|普通货物仓储服务|"
    r"装卸搬运|国内贸易代理|信息咨询服务|企业管理咨询|租赁|物业管理)$"
)


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower-case Latin, no white space."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACE_RE.sub("", text).lower()


def clauses(scope: str) -> list[str]:
    """The meaningful items of a business scope, in order, boilerplate removed."""
    text = _BOILER_RE.sub("；", normalize(scope))
    out = []
    for part in _SPLIT_RE.split(text):
        part = part.strip("()（）[]【】.·- ")
        if len(part) >= 2 and not _GENERIC_CLAUSE_RE.match(part):
            out.append(part)
    return out


def name_core(name: str) -> str:
    """An enterprise name without its legal-form words (地名 stay: they match no node)."""
    text = normalize(name)
    text = re.sub(r"[（(][^）)]*[）)]", "", text)  # （临清）, （普通合伙）
    return _NAME_FILLER_RE.sub("", text)


def char_ngrams(text: str, sizes: Iterable[int] = (2, 3)) -> list[str]:
    grams = []
    for n in sizes:
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


_jieba_lock = threading.Lock()
_jieba_words: set[str] = set()


_jieba_module = None


def _jieba():
    global _jieba_module
    if _jieba_module is None:
        import jieba

        jieba.setLogLevel(60)
        _jieba_module = jieba
    return _jieba_module


def add_words(words: Iterable[str]) -> None:
    """Teach jieba the chain vocabulary (node names, keywords) so they stay whole tokens."""
    jieba = _jieba()
    with _jieba_lock:
        for word in words:
            word = normalize(word)
            if len(word) >= 2 and word not in _jieba_words:
                jieba.add_word(word, freq=20000)
                _jieba_words.add(word)


def tokens(text: str) -> list[str]:
    """jieba words of a clause (exact mode, no HMM: stable and fast), punctuation dropped."""
    return [t for t in _jieba().lcut(text, HMM=False) if t.isalnum()]
