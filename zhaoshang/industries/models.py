"""Industries (产业), their directions (细分方向), and the chain graph of each direction.

A direction's chain is a graph of nodes (产业链环节, upstream / midstream / downstream) joined by
"supplies to" edges. This is the taxonomy only: which nodes the city lacks (建链/延链/强链/补链)
is computed above it, by the gap analysis of `targeting.chains`.
"""

from django.db import models

from zhaoshang.core.models import TimeStampedModel
from zhaoshang.core.permissions import RestrictedQuerySet


class Industry(models.Model):
    """One of the city's key industries (十二大产业)."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "产业"
        verbose_name_plural = "产业"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Direction(models.Model):
    """A focused direction (细分方向) within an industry."""

    industry = models.ForeignKey(
        Industry, verbose_name="产业", on_delete=models.PROTECT, related_name="directions"
    )
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "细分方向"
        verbose_name_plural = "细分方向"
        ordering = ["industry__sort_order", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["industry", "name"], name="direction_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.industry.name} · {self.name}"


class Stream(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"


class ChainNode(TimeStampedModel):
    """A link of an industrial chain (产业链环节) within a direction.

    Nodes form a graph through ChainEdge ("supplies to"), not a tree. Keywords and GB/T 4754
    industry codes are what automatic placement of enterprises matches against.
    """

    direction = models.ForeignKey(
        Direction, verbose_name="细分方向", on_delete=models.PROTECT, related_name="chain_nodes"
    )
    name = models.CharField("环节名称", max_length=60)
    stream = models.CharField("上中下游", max_length=12, choices=Stream.choices)
    keywords = models.JSONField(
        "关键词",
        default=list,
        blank=True,
        help_text="经营范围、企业名称中常见的词，用于企业自动归类",
    )
    industry_codes = models.JSONField(
        "国民经济行业代码",
        default=list,
        blank=True,
        help_text="GB/T 4754-2017 代码（2–4 位数字，不含门类字母），按前缀匹配企业所属行业",
    )
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    scope_shared = True

    class Meta:
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"
        ordering = ["direction", "stream", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "name"], name="chainnode_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def industry(self) -> Industry:
        return self.direction.industry


class ChainEdge(models.Model):
    """`source` supplies to `target` (an edge of the chain graph)."""

    source = models.ForeignKey(
        ChainNode, verbose_name="供给方环节", on_delete=models.CASCADE, related_name="out_edges"
    )
    target = models.ForeignKey(
        ChainNode, verbose_name="需求方环节", on_delete=models.CASCADE, related_name="in_edges"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "产业链关系"
        verbose_name_plural = "产业链关系"
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="chainedge_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="chainedge_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
