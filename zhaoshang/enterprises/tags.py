"""The enterprise tags (企业标签) as data: codes from the glossary, names, synonyms an import
may use, and how rare each is among the country's enterprises (for the scale generator).

`tags_setup()` creates the missing ones; it never renames a tag the city has edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhaoshang.core import audit

from .models import Tag


@dataclass(frozen=True)
class TagSpec:
    code: str
    name: str
    synonyms: tuple[str, ...]
    # Share of a national enterprise library (the ~10^6 enterprises worth knowing, not all ~50
    # million registered ones) carrying the tag; the scale generator draws tags with it.
    share: float


TAG_SPECS: tuple[TagSpec, ...] = (
    TagSpec("global500", "世界500强", ("世界五百强", "财富世界500强"), 0.00015),
    TagSpec("china500", "中国企业500强", ("中国500强", "中国五百强"), 0.0005),
    TagSpec("private500", "中国民营企业500强", ("民营500强", "民企500强"), 0.0005),
    TagSpec("listed", "上市公司", ("上市", "上市企业"), 0.005),
    TagSpec("specialized", "专精特新", ("专精特新企业", "专精特新中小企业"), 0.03),
    TagSpec(
        "little_giant",
        "专精特新“小巨人”",
        ("小巨人", "专精特新小巨人", '专精特新"小巨人"', "小巨人企业"),
        0.005,
    ),
    TagSpec("chain_leader", "链主企业", ("链主",), 0.0005),
    TagSpec("high_tech", "高新技术企业", ("高新技术", "高企", "国家高新技术企业"), 0.08),
    TagSpec("unicorn", "独角兽企业", ("独角兽",), 0.0003),
)
TAG_CODES = tuple(spec.code for spec in TAG_SPECS)


def tags_setup(*, actor: Any = None) -> dict[str, Tag]:
    """Create the tags that are missing (idempotent); all tags by code."""
    tags = {tag.code: tag for tag in Tag.objects.all()}
    with transaction.atomic():
        for order, spec in enumerate(TAG_SPECS, start=1):
            if spec.code in tags:
                continue
            tag, created = Tag.objects.get_or_create(
                code=spec.code, defaults={"name": spec.name, "sort_order": order}
            )
            if created:
                audit.record_create(actor=actor, obj=tag, note="企业标签初始化")
            tags[spec.code] = tag
    return tags


def _key(name: str) -> str:
    from .importing.parsing import halfwidth

    return halfwidth(name).replace(" ", "").replace("“", '"').replace("”", '"').lower()


def tag_names_index(tags: list[Tag] | None = None) -> dict[str, int]:
    """Every way of writing a tag (code, current name, synonyms), normalised → tag id."""
    tags = list(Tag.objects.all()) if tags is None else tags
    by_code = {tag.code: tag for tag in tags}
    index: dict[str, int] = {}
    for spec in TAG_SPECS:
        tag = by_code.get(spec.code)
        if tag is not None:
            for name in (spec.name, *spec.synonyms):
                index[_key(name)] = tag.pk
    for tag in tags:  # the city's own names and codes win
        index[_key(tag.code)] = tag.pk
        index[_key(tag.name)] = tag.pk
    return index


def tag_key(name: str) -> str:
    return _key(name)
