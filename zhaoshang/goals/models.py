"""Goals, ranking schemes (versioned) and published ranking snapshots (immutable).

Nothing here stores a figure typed by a person except a goal's target: every actual value is
computed from projects, their stage log and verified funds records (see indicators.py).
References to users are kept like the audit log's (no database constraint, the name copied), so
a frozen record never blocks removing a user and always says who it was.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from zhaoshang.core.models import TimeStampedModel, user_ref
from zhaoshang.core.periods import Period, parse_period
from zhaoshang.core.permissions import RestrictedQuerySet


class Goal(TimeStampedModel):
    """The target of one indicator for one year, for the city (unit empty) or one unit's share."""

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="单位（空 = 全市）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
    )
    indicator = models.CharField("指标", max_length=60)
    target = models.DecimalField("目标值", max_digits=16, decimal_places=2)
    note = models.CharField("说明", max_length=300, blank=True)
    set_by = user_ref("设定人")

    # Goals are the city's published task list: every permitted user sees all of them.
    scope_shared = True

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["year", "indicator", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "indicator"],
                condition=Q(unit__isnull=False),
                name="goal_one_per_unit_indicator",
            ),
            models.UniqueConstraint(
                fields=["year", "indicator"],
                condition=Q(unit__isnull=True),
                name="goal_one_city_per_indicator",
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="goal_target_nonnegative"),
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="goal_year_indicator_idx")]

    def __str__(self) -> str:
        who = self.unit.name if self.unit_id else "全市"
        return f"{self.year}年 {who} {self.indicator} {self.target}"


class RankingScheme(TimeStampedModel):
    """A ranking method (考核办法) of the city; its rules live in versions, never edited in place."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    is_default = models.BooleanField("默认办法", default=False)
    created_by = user_ref("创建人")

    scope_shared = True

    class Meta:
        verbose_name = "竞赛榜考核办法"
        verbose_name_plural = "竞赛榜考核办法"
        ordering = ["-is_default", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> SchemeVersion:
        return self.versions.order_by("-number").first()


class SchemeVersion(models.Model):
    """One version of a scheme's rules (validated JSON, see schemes.py). Never changed once saved."""

    scheme = models.ForeignKey(
        RankingScheme, verbose_name="办法", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    config = models.JSONField("规则")
    config_hash = models.CharField("规则SHA-256", max_length=64)
    note = models.CharField("修订说明", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = user_ref("创建人")
    created_by_name = models.CharField("创建人姓名", max_length=150, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "考核办法版本"
        verbose_name_plural = "考核办法版本"
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name} 第{self.number}版"


class RankingSnapshot(models.Model):
    """A published quarter of a scheme: frozen inputs, the scheme version, results and their hash.

    Immutable: no service, page, admin or API changes or deletes one, and the database refuses
    UPDATE (and DELETE on PostgreSQL) by trigger, like the audit log. `verify_ranking` recomputes
    the results from `inputs` with `scheme_version.config` and checks `sha256`.
    """

    scheme = models.ForeignKey(
        RankingScheme, verbose_name="办法", on_delete=models.PROTECT, related_name="snapshots"
    )
    scheme_version = models.ForeignKey(
        SchemeVersion, verbose_name="办法版本", on_delete=models.PROTECT, related_name="snapshots"
    )
    quarter = models.CharField("季度", max_length=8)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    previous = models.ForeignKey(
        "self",
        verbose_name="上一期",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inputs = models.JSONField("冻结输入")
    results = models.JSONField("结果")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = user_ref("发布人")
    published_by_name = models.CharField("发布人姓名", max_length=150, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "竞赛榜快照"
        verbose_name_plural = "竞赛榜快照"
        ordering = ["-period_start", "scheme"]
        default_permissions = ("view", "add")
        permissions = [("publish_rankingsnapshot", "发布竞赛榜")]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "quarter"], name="snapshot_one_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name} {self.quarter}"

    @property
    def period(self) -> Period:
        return parse_period(self.quarter)
