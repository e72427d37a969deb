"""The labelled placement sample shipped with the app (data/sample_nodes.json, sample_scopes.tsv).

349 business scopes of (invented, realistic) enterprises over 58 chain nodes of the city's key
chains: aluminium deep processing, bearings, new-energy vehicles and parts, chemical new
materials, photovoltaics and energy storage, copper, steel pipe, 阿胶, prepared food, hydrogen.
Each row names the node a person would put the enterprise on.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .fast import Doc, NodeSpec

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Labelled:
    node: str
    doc: Doc


@lru_cache(maxsize=1)
def sample_nodes() -> tuple[NodeSpec, ...]:
    raw = json.loads((DATA / "sample_nodes.json").read_text("utf-8"))["nodes"]
    return tuple(
        NodeSpec(
            key=n["key"],
            name=n["name"],
            keywords=tuple(n["keywords"]),
            industry_codes=tuple(n["industry_codes"]),
            description=n.get("description", ""),
            chain=n.get("chain", ""),
        )
        for n in raw
    )


@lru_cache(maxsize=1)
def sample_rows() -> tuple[Labelled, ...]:
    rows = []
    with (DATA / "sample_scopes.tsv").open(encoding="utf-8", newline="") as fh:
        for line in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not line or line[0].startswith("#"):
                continue
            node, name, code, scope = line
            rows.append(Labelled(node=node, doc=Doc(name=name, scope=scope, industry_code=code)))
    return tuple(rows)
