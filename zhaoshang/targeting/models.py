"""Precision targeting (精准招商导航): scoring profiles, recommendation runs, pushed leads, the
stored encoder vectors of automatic placement, and the gap kinds and thresholds of the chains'
gap analysis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zhaoshang.core.models import TimeStampedModel
from zhaoshang.core.permissions import RestrictedQuerySet

from .scoring.factors import DEFAULT_RECENT_CONTACT_MONTHS, default_weights, validate_weights


class ScoringProfile(TimeStampedModel):
    """The weights of the score factors, for a campaign (or the city's default)."""

    name = models.CharField("名称", max_length=60, unique=True)
    campaign = models.ForeignKey(
        "projects.Campaign",
        verbose_name="招商会战",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scoring_profiles",
    )
    weights = models.JSONField("因素权重", default=default_weights)
    recent_contact_months = models.PositiveSmallIntegerField(
        "近期接触月数",
        default=DEFAULT_RECENT_CONTACT_MONTHS,
        help_text="此期间内已有项目的企业扣分",
    )
    is_default = models.BooleanField("默认方案", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    scope_shared = True

    class Meta:
        verbose_name = "评分方案"
        verbose_name_plural = "评分方案"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="scoringprofile_one_default",
            ),
            models.CheckConstraint(
                condition=models.Q(recent_contact_months__gte=1)
                & models.Q(recent_contact_months__lte=60),
                name="scoringprofile_months_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.weights = validate_weights(self.weights)
        if not 1 <= (self.recent_contact_months or 0) <= 60:
            raise ValidationError({"recent_contact_months": ["须在1到60个月之间"]})


class RecommendationRun(models.Model):
    """One ranking as shown: the inputs (node or direction, unit, weights) and the results."""

    node = models.ForeignKey(
        "industries.ChainNode",
        verbose_name="产业链环节",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    direction = models.ForeignKey(
        "industries.Direction",
        verbose_name="产业链（缺链清单）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_label = models.CharField("推荐对象", max_length=200)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    profile = models.ForeignKey(
        ScoringProfile,
        verbose_name="评分方案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    weights = models.JSONField("权重快照")
    params = models.JSONField("参数", default=dict, blank=True)
    inputs_hash = models.CharField("输入摘要", max_length=64, db_index=True)
    results = models.JSONField("结果", default=list)
    candidates = models.PositiveIntegerField("候选企业数", default=0)
    duration_ms = models.FloatField("计算耗时（毫秒）", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查询人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "unit", "assigned": "created_by"}

    class Meta:
        verbose_name = "推荐记录"
        verbose_name_plural = "推荐记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target_label} · {self.unit} · {self.created_at:%Y-%m-%d %H:%M}"


class PushStatus(models.TextChoices):
    PUSHED = "pushed", "待接收"
    ACCEPTED = "accepted", "已接收"
    DECLINED = "declined", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


# Shown, never stored: a pending push past its deadline (`LeadPush.state`).
OVERDUE = ("overdue", "逾期未接收")


class LeadPush(TimeStampedModel):
    """A recommendation pushed to a unit as a lead, awaiting the unit's decision by a deadline.

    The lead project (stage `lead`, 数字招商) is created only when the unit accepts: a pending,
    declined or withdrawn push has no project, so it counts in no figure, list, indicator or
    duplicate check. An enterprise is pushed to a unit once: a second push is refused
    (constraint and service), also after the unit declined it — the declined push stays as the
    record of that decision; a withdrawn push (the city's mistake) does not block a new one.
    """

    run = models.ForeignKey(
        RecommendationRun,
        verbose_name="推荐记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pushes",
    )
    node = models.ForeignKey(
        "industries.ChainNode",
        verbose_name="产业链环节",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="lead_pushes",
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="接收单位", on_delete=models.PROTECT, related_name="+"
    )
    project = models.OneToOneField(
        "projects.Project",
        verbose_name="线索项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_push",
    )
    status = models.CharField(
        "状态", max_length=10, choices=PushStatus.choices, default=PushStatus.PUSHED
    )
    note = models.CharField("推送说明", max_length=500, blank=True)
    deadline = models.DateField("接收期限", null=True, blank=True)
    score = models.DecimalField("推荐得分", max_digits=8, decimal_places=2, default=0)
    explanation = models.TextField("推荐理由")
    reason = models.CharField("接收/退回/撤回说明", max_length=300, blank=True)
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="推送人", on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    scope_paths: dict = {"unit": "unit"}

    class Meta:
        verbose_name = "推送线索"
        verbose_name_plural = "推送线索"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "unit"],
                condition=~models.Q(status="withdrawn"),
                name="leadpush_once_per_unit",
            )
        ]
        indexes = [models.Index(fields=["unit", "status"], name="leadpush_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.unit}"

    def days_left(self, today: dt.date | None = None) -> int | None:
        """Calendar days to the deadline (negative once past); None without a deadline."""
        if self.deadline is None:
            return None
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def is_overdue(self) -> bool:
        left = self.days_left()
        return self.status == PushStatus.PUSHED and left is not None and left < 0

    @property
    def state(self) -> str:
        """The status as shown: 逾期未接收 for a pending push past its deadline."""
        return OVERDUE[0] if self.is_overdue else self.status

    @property
    def state_label(self) -> str:
        return OVERDUE[1] if self.is_overdue else self.get_status_display()


class EnterpriseEmbedding(models.Model):
    """The encoder's vector of an enterprise's name and scope, kept until that text changes."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    encoder = models.CharField("编码模型", max_length=40)
    text_hash = models.CharField("文本摘要", max_length=16)
    vector = models.BinaryField("向量（float16）")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "企业语义向量"
        verbose_name_plural = "企业语义向量"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "encoder"], name="entemb_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.encoder}"


class NodeEmbedding(models.Model):
    """The encoder's vector of a chain node's name and keywords."""

    node = models.ForeignKey("industries.ChainNode", on_delete=models.CASCADE, related_name="+")
    encoder = models.CharField("编码模型", max_length=40)
    text_hash = models.CharField("文本摘要", max_length=16)
    vector = models.BinaryField("向量（float16）")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "环节语义向量"
        verbose_name_plural = "环节语义向量"
        constraints = [models.UniqueConstraint(fields=["node", "encoder"], name="nodeemb_unique")]

    def __str__(self) -> str:
        return f"{self.node_id} · {self.encoder}"


class GapKind(models.TextChoices):
    """What a chain node needs (建链/延链/强链/补链); computed by gap analysis, never typed."""

    BUILD = "build", "建链"
    EXTEND = "extend", "延链"
    STRENGTHEN = "strengthen", "强链"
    FILL = "fill", "补链"
    STRONG = "strong", "优势环节"


class GapThresholds(models.Model):
    """The configurable thresholds of the gap analysis (`targeting.chains.selectors`): one row,
    edited by the city, audited."""

    fill_below = models.PositiveIntegerField(
        "补链：本地企业少于（家）", default=1, help_text="少于该数量视为缺失环节"
    )
    strengthen_below = models.PositiveIntegerField(
        "强链：本地企业少于（家）", default=3, help_text="有企业但少于该数量视为薄弱"
    )
    strengthen_output_below_wan = models.DecimalField(
        "强链：本地产值低于（万元）", max_digits=14, decimal_places=2, default=100_000
    )
    strong_min_enterprises = models.PositiveIntegerField(
        "延链：上游优势环节本地企业不少于（家）",
        default=5,
        help_text="缺失环节的直接供给方是优势环节且本地企业达到该数量时，记为延链（否则记为补链）",
    )
    build_chain_below_share = models.DecimalField(
        "建链：有本地企业的环节占比低于",
        max_digits=4,
        decimal_places=2,
        default=0.2,
        help_text="0–1 之间；整条链有本地企业的环节占比低于该值时，其缺失环节均记为建链",
    )
    placement_min_confidence = models.DecimalField(
        "自动归类计入的最低置信度",
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.600"),
        help_text="0–1 之间；人工确认的归类总是计入，人工否定的总是不计入",
    )

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        # The table keeps the name it had when the thresholds lived with the taxonomy.
        db_table = "industries_gapthresholds"
        verbose_name = "缺链分析阈值"
        verbose_name_plural = "缺链分析阈值"

    def __str__(self) -> str:
        return "缺链分析阈值"
