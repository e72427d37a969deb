"""Writes on the chain graph: nodes and edges.

Every function is keyword-only, checks the actor's permission, validates with errors keyed by
field, and writes the change and its audit entry in one transaction.

Edges may form cycles. A chain is a supply graph, not a tree, and real chains loop: scrap from
aluminium packaging and vehicles goes back to recycled aluminium, used batteries go back to
battery materials. What is refused is what cannot mean anything: an edge from a node to itself,
the same edge twice, and an edge between two directions' chains (the map shows one direction, so
such an edge would be invisible and would distort that direction's 延链 analysis).

Records of higher apps point at nodes (an enterprise placed on a node, a key-target entry). This
app does not know them: each such app registers a holder (`node_holder_register`) that says what
it holds on a node, and a node is deleted only when no holder blocks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import require

from .models import ChainEdge, ChainNode, Direction, Stream

MAX_KEYWORDS = 60
MAX_KEYWORD_LENGTH = 30
MAX_CODES = 30
# GB/T 4754-2017: division (2 digits), group (3) or class (4); an optional section letter A–T
# in front ("C3252") is accepted and dropped, since the digits already imply the section.
_CODE = re.compile(r"^(?:[A-T])?(\d{2,4})$")
_SPLIT = re.compile(r"[\s,，、;；/|]+")

NODE_FIELDS = ("name", "stream", "keywords", "industry_codes", "description", "sort_order")


# --- parsing helpers shared with the forms --------------------------------------------------


def split_terms(value: str | Iterable[str] | None) -> list[str]:
    """Terms typed in one box ("铝板，铝带、铝箔") or given as a list, stripped, in order."""
    if value is None:
        return []
    parts = _SPLIT.split(value) if isinstance(value, str) else [str(v) for v in value]
    return [p.strip() for p in parts if p and p.strip()]


def clean_keywords(value: str | Iterable[str] | None) -> list[str]:
    """Keywords without duplicates, in the order given; errors keyed `keywords`."""
    seen: list[str] = []
    for term in split_terms(value):
        if len(term) > MAX_KEYWORD_LENGTH:
            raise ValidationError(
                {"keywords": f"关键词“{term[:12]}…”过长（不超过 {MAX_KEYWORD_LENGTH} 个字）"}
            )
        if term not in seen:
            seen.append(term)
    if len(seen) > MAX_KEYWORDS:
        raise ValidationError({"keywords": f"关键词不超过 {MAX_KEYWORDS} 个"})
    return seen


def clean_industry_codes(value: str | Iterable[str] | None) -> list[str]:
    """GB/T 4754 codes as 2–4 digits ("C3252" → "3252"), without duplicates."""
    codes: list[str] = []
    for term in split_terms(value):
        match = _CODE.match(term.upper())
        if not match:
            raise ValidationError(
                {
                    "industry_codes": f"“{term}”不是有效的国民经济行业代码"
                    "（GB/T 4754-2017 的 2–4 位数字，如 3252）"
                }
            )
        if match.group(1) not in codes:
            codes.append(match.group(1))
    if len(codes) > MAX_CODES:
        raise ValidationError({"industry_codes": f"行业代码不超过 {MAX_CODES} 个"})
    return codes


# --- nodes ----------------------------------------------------------------------------------


def _clean_terms(values: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Cleaned keyword / code lists, and the errors found, so all are reported together."""
    cleaners = {"keywords": clean_keywords, "industry_codes": clean_industry_codes}
    cleaned: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        try:
            cleaned[key] = cleaners[key](value)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    return cleaned, errors


def _validate_node(
    node: ChainNode,
    errors: dict[str, list[str]] | None = None,
    *,
    taken: Collection[str] | None = None,
) -> None:
    """Raise every problem with the node at once, keyed by field (plus `errors` found before).

    `taken`: the names already used in the chain, when the caller knows them (a new chain);
    otherwise the database is asked.
    """
    errors = dict(errors or {})
    node.name = (node.name or "").strip()
    if not node.name:
        errors.setdefault("name", []).append("请填写环节名称")
    elif len(node.name) > 60:
        errors.setdefault("name", []).append("环节名称不超过 60 个字")
    elif (
        node.name in taken
        if taken is not None
        else ChainNode.objects.filter(direction_id=node.direction_id, name=node.name)
        .exclude(pk=node.pk)
        .exists()
    ):
        errors.setdefault("name", []).append(f"本产业链已有名为“{node.name}”的环节")
    if node.stream not in Stream.values:
        errors.setdefault("stream", []).append("请选择上游、中游或下游")
    if node.sort_order is None or not 0 <= int(node.sort_order) <= 32767:
        errors.setdefault("sort_order", []).append("排序应为 0–32767 的整数")
    if errors:
        raise ValidationError(errors)


def _new_node(
    direction: Direction,
    *,
    name: str,
    stream: str,
    keywords: str | Iterable[str] | None = None,
    industry_codes: str | Iterable[str] | None = None,
    description: str = "",
    sort_order: int = 0,
) -> tuple[ChainNode, dict[str, list[str]]]:
    """An unsaved node with its cleaned keywords and codes, and the errors found in them."""
    terms, errors = _clean_terms({"keywords": keywords, "industry_codes": industry_codes})
    node = ChainNode(
        direction=direction,
        name=name,
        stream=stream,
        keywords=terms.get("keywords", []),
        industry_codes=terms.get("industry_codes", []),
        description=(description or "").strip(),
        sort_order=sort_order,
    )
    return node, errors


def chain_node_create(
    *,
    actor: Any,
    direction: Direction,
    name: str,
    stream: str,
    keywords: str | Iterable[str] | None = None,
    industry_codes: str | Iterable[str] | None = None,
    description: str = "",
    sort_order: int = 0,
) -> ChainNode:
    """Add a node (产业链环节) to a direction's chain; audited."""
    require(actor, "add", ChainNode)
    node, errors = _new_node(
        direction,
        name=name,
        stream=stream,
        keywords=keywords,
        industry_codes=industry_codes,
        description=description,
        sort_order=sort_order,
    )
    _validate_node(node, errors)
    with transaction.atomic():
        node.save()
        audit.record_create(actor=actor, obj=node, note=f"产业链：{direction}")
    return node


def chain_node_update(
    *, actor: Any, node: ChainNode, version: str | None = None, **changes: Any
) -> ChainNode:
    """Change a node's name, stream, keywords, codes, description or order; audited.

    A node never moves to another direction: its edges and placements belong to this chain.
    `version` is the node's version the editor read (`core.concurrency`).
    """
    require(actor, "change", node)
    unknown = set(changes) - set(NODE_FIELDS)
    if unknown:
        raise ValidationError({NON_FIELD_ERRORS: f"不能修改：{'、'.join(sorted(unknown))}"})
    terms, errors = _clean_terms(
        {k: changes[k] for k in ("keywords", "industry_codes") if k in changes}
    )
    changes.update(terms)
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    with transaction.atomic():
        node = ChainNode.objects.select_for_update().get(pk=node.pk)
        check_version(node, version, submitted=changes)
        before = audit.snapshot(node)
        for key, value in changes.items():
            setattr(node, key, value)
        _validate_node(node, errors)
        node.save()
        audit.record_update(actor=actor, obj=node, before=before)
    return node


@dataclass(frozen=True)
class NodeHoldings:
    """What one higher app holds on a node, in words for the person deleting it.

    `blocking`: people's decisions that must be moved first (the deletion is refused);
    `advice`: what to do about them; `removed`: records that go with the node (the audit note).
    """

    blocking: tuple[str, ...] = ()
    advice: str = ""
    removed: tuple[str, ...] = ()


NodeHolder = Callable[[ChainNode], NodeHoldings]
_node_holders: list[NodeHolder] = []


def node_holder_register(holder: NodeHolder) -> None:
    """Let a higher app say what it holds on a node before the node is deleted (once each)."""
    if holder not in _node_holders:
        _node_holders.append(holder)


def chain_node_delete(*, actor: Any, node: ChainNode) -> None:
    """Delete a node and its edges; audited (the node and each edge).

    Refused while a registered holder blocks it (e.g. a person confirmed an enterprise on the
    node, or the key target list points to it): those are people's decisions and must be
    moved first. What goes with the node (e.g. automatic suggestions) is named in the audit note.
    """
    require(actor, "delete", node)
    holdings = [holder(node) for holder in _node_holders]
    blocking = [part for h in holdings for part in h.blocking]
    if blocking:
        advice = "、".join(h.advice for h in holdings if h.blocking and h.advice)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"不能删除：{'；'.join(blocking)}。"
                + (f"请先{advice}。" if advice else "")
            }
        )
    with transaction.atomic():
        edges = list(ChainEdge.objects.filter(source=node) | ChainEdge.objects.filter(target=node))
        for edge in edges:
            audit.record_delete(actor=actor, obj=edge, note=f"随环节“{node.name}”删除")
        note = f"产业链：{node.direction}；同时删除关系 {len(edges)} 条"
        note += "".join(f"、{part}" for h in holdings for part in h.removed)
        audit.record_delete(actor=actor, obj=node, note=note)
        node.delete()


# --- edges ----------------------------------------------------------------------------------


def chain_edge_add(
    *, actor: Any, source: ChainNode, target: ChainNode, note: str = ""
) -> ChainEdge:
    """Add the edge "`source` supplies to `target`" within one chain; audited.

    Cycles are allowed (recycling loops); self-loops, duplicates and edges between two
    directions are refused.
    """
    require(actor, "add", ChainEdge)
    errors: dict[str, str] = {}
    if source.pk == target.pk:
        errors["target"] = "供给方和需求方不能是同一环节"
    elif source.direction_id != target.direction_id:
        errors["target"] = "只能连接同一产业链（细分方向）内的环节"
    elif ChainEdge.objects.filter(source=source, target=target).exists():
        errors["target"] = f"已有关系“{source.name} → {target.name}”"
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = "说明不超过 200 个字"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        edge = ChainEdge.objects.create(source=source, target=target, note=note)
        audit.record_create(actor=actor, obj=edge, note=f"产业链：{source.direction}")
    return edge


def chain_edge_remove(*, actor: Any, edge: ChainEdge) -> None:
    """Remove an edge; audited."""
    require(actor, "delete", edge)
    with transaction.atomic():
        audit.record_delete(actor=actor, obj=edge, note=f"产业链：{edge.source.direction}")
        edge.delete()


def chain_create(
    *,
    actor: Any,
    direction: Direction,
    nodes: Iterable[Mapping[str, Any]],
    edges: Iterable[tuple[str, str]] = (),
    note: str = "",
) -> list[ChainNode]:
    """Create a direction's whole chain at once; audited per node and per edge.

    `nodes` are mappings of the fields of `chain_node_create` (name, stream, keywords, …);
    `edges` are (supplier name, customer name) pairs between those nodes. Only for a direction
    without nodes: a chain in use is changed node by node. Each node and edge follows the rules
    of `chain_node_create` and `chain_edge_add`; every problem is reported at once, keyed
    `nodes` or `edges` with the node or edge it concerns, and nothing is written unless all
    are valid. `note` is the audit note (default: the direction).
    """
    require(actor, "add", ChainNode)
    require(actor, "add", ChainEdge)
    if ChainNode.objects.filter(direction=direction).exists():
        raise ValidationError(
            {NON_FIELD_ERRORS: f"产业链“{direction}”已有环节，请逐个新增或修改环节"}
        )
    errors: dict[str, list[str]] = {}
    built: dict[str, ChainNode] = {}
    for number, values in enumerate(nodes, start=1):
        label = f"第 {number} 个环节“{values.get('name') or ''}”"
        unknown = set(values) - set(NODE_FIELDS)
        if unknown:
            errors.setdefault("nodes", []).append(f"{label}：不能设置 {'、'.join(sorted(unknown))}")
            continue
        node, found = _new_node(direction, **values)
        try:
            _validate_node(node, found, taken=built.keys())
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.setdefault("nodes", []).extend(f"{label}：{m}" for m in messages)
            continue
        built[node.name] = node
    pairs: list[tuple[str, str]] = []
    for source, target in edges:
        label = f"关系“{source} → {target}”"
        missing = [name for name in (source, target) if name not in built]
        if missing:
            names = "、".join(f"“{name}”" for name in missing)
            errors.setdefault("edges", []).append(f"{label}：本产业链没有环节{names}")
        elif source == target:
            errors.setdefault("edges", []).append(f"{label}：供给方和需求方不能是同一环节")
        elif (source, target) in pairs:
            errors.setdefault("edges", []).append(f"{label}：重复")
        else:
            pairs.append((source, target))
    if errors:
        raise ValidationError(errors)
    note = note or f"产业链：{direction}"
    with transaction.atomic():
        created = ChainNode.objects.bulk_create(built.values())
        for node in created:
            audit.record_create(actor=actor, obj=node, note=note)
        links = ChainEdge.objects.bulk_create(
            ChainEdge(source=built[source], target=built[target]) for source, target in pairs
        )
        for edge in links:
            audit.record_create(actor=actor, obj=edge, note=note)
    return created
