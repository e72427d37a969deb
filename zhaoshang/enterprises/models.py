"""The enterprise registry: investors and targets, identified by 统一社会信用代码."""

from django.db import models

from zhaoshang.core import masking
from zhaoshang.core.models import TimeStampedModel
from zhaoshang.core.permissions import RestrictedQuerySet
from zhaoshang.core.search import SearchIndex, register

TOP500_TAGS = ("global500", "china500", "private500")


class Tag(models.Model):
    """A label such as 世界500强 or 专精特新; its code follows the glossary."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "企业标签"
        verbose_name_plural = "企业标签"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_top500(self) -> bool:
        return self.code in TOP500_TAGS


class RevenueBand(models.TextChoices):
    UNDER_20M = "lt2000", "2000万元以下"
    UNDER_100M = "lt1e4", "2000万–1亿元"
    UNDER_1BN = "lt1e5", "1亿–10亿元"
    UNDER_10BN = "lt1e6", "10亿–100亿元"
    OVER_10BN = "ge1e6", "100亿元以上"


class StaffBand(models.TextChoices):
    UNDER_50 = "lt50", "50人以下"
    UNDER_300 = "lt300", "50–300人"
    UNDER_1000 = "lt1000", "300–1000人"
    UNDER_5000 = "lt5000", "1000–5000人"
    OVER_5000 = "ge5000", "5000人以上"


class Enterprise(TimeStampedModel):
    """A company, local or not. `is_local`, `province_code` are derived from the division code."""

    name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    division_code = models.CharField("注册地行政区划代码", max_length=6, blank=True)
    country = models.CharField("国家/地区", max_length=2, default="CN")
    address = models.CharField("注册地址", max_length=300, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="enterprises")
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True, db_default="")
    registered_capital_wan = models.DecimalField(
        "注册资本（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    industry_code = models.CharField(
        "所属行业代码（GB/T 4754）", max_length=5, blank=True, db_default=""
    )
    business_scope = models.TextField("经营范围", blank=True, db_default="")
    revenue_band = models.CharField(
        "营收规模", max_length=12, choices=RevenueBand.choices, blank=True, db_default=""
    )
    staff_band = models.CharField(
        "人员规模", max_length=12, choices=StaffBand.choices, blank=True, db_default=""
    )
    annual_output_wan = models.DecimalField(
        "年产值（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    founder_native_code = models.CharField(
        "创始人籍贯（行政区划代码）", max_length=6, blank=True, db_default="", help_text="乡贤招商"
    )
    group_name = models.CharField("所属集团", max_length=200, blank=True, db_default="")
    parent = models.ForeignKey(
        "self",
        verbose_name="母公司",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    # Derived from division_code by enterprises.services; never entered directly.
    is_local = models.BooleanField("本市企业", default=False, editable=False)
    province_code = models.CharField("省份代码", max_length=2, blank=True, editable=False)
    is_sample = models.BooleanField("示例数据", default=False)
    # Not harassing enterprises (#12 §3): set by the city, shown to whoever plans a visit.
    do_not_disturb = models.BooleanField("请勿打扰", default=False, db_default=False)
    contact_preference = models.CharField(
        "联系偏好", max_length=200, blank=True, db_default="", help_text="如：请先联系市投资促进局"
    )

    scope_shared = True

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        permissions = [("view_contact_phone", "查看企业联系人电话")]
        # Plain B-tree indexes declared here rather than `db_index=True`, which on PostgreSQL
        # adds a second `varchar_pattern_ops` index per column: the app never runs LIKE on name
        # or division, and each extra index on a randomly ordered column slows a 10^6-row
        # import (measured: 23 s → 10 s for the insert). `is_local` alone is the leading
        # column of the composite index.
        indexes = [
            models.Index(fields=["name"], name="enterprise_name_idx"),
            models.Index(fields=["division_code"], name="enterprise_division_idx"),
            models.Index(fields=["is_local", "province_code"], name="enterprise_local_prov_idx"),
            models.Index(fields=["industry_code"], name="enterprise_industry_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_out_of_province(self) -> bool:
        return self.country == "CN" and self.province_code not in ("", "37")

    @property
    def is_foreign(self) -> bool:
        return self.country != "CN"


# The keyword filter (name, or the start of the credit code): see `selectors.enterprises_matching`.
ENTERPRISE_SEARCH = register(SearchIndex(table="enterprises_enterprise", columns=("name", "uscc")))


class PlacementSource(models.TextChoices):
    AUTO = "auto", "自动"
    MANUAL = "manual", "人工"


class PlacementStatus(models.TextChoices):
    SUGGESTED = "suggested", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已否定"


class Placement(models.Model):
    """An enterprise placed on a chain node, automatically (with a confidence) or by a person.

    A person's decision (confirmed or rejected, source `manual`) wins over automatic placement:
    re-running the classifier never changes a manual row.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="placements"
    )
    node = models.ForeignKey(
        "industries.ChainNode",
        verbose_name="产业链环节",
        on_delete=models.CASCADE,
        related_name="placements",
    )
    source = models.CharField("来源", max_length=8, choices=PlacementSource.choices)
    status = models.CharField(
        "状态", max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.SUGGESTED
    )
    confidence = models.DecimalField("置信度", max_digits=4, decimal_places=3, default=0)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "企业所在环节"
        verbose_name_plural = "企业所在环节"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "node"], name="placement_unique")
        ]
        indexes = [models.Index(fields=["node", "status"], name="placement_node_status_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.node}"


class Contact(TimeStampedModel):
    """A person to call at an enterprise. The phone number and e-mail address are shown masked
    everywhere; a user holding `view_contact_phone` may reveal them, one audit entry each time."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    email = models.EmailField("邮箱", blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    scope_shared = True
    personal_fields = {"phone": masking.PHONE, "email": masking.EMAIL}

    class Meta:
        verbose_name = "企业联系人"
        verbose_name_plural = "企业联系人"
        ordering = ["enterprise", "id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.name}"


class RelationKind(models.TextChoices):
    SUPPLIER = "supplier", "供应商"  # source supplies target
    CUSTOMER = "customer", "客户"  # source buys from target
    INVESTOR = "investor", "投资方"  # source invests in target
    SUBSIDIARY = "subsidiary", "子公司"  # target is a subsidiary of source


class Relation(models.Model):
    """A business tie between two enterprises (以商招商 follows these)."""

    source = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="relations_out"
    )
    target = models.ForeignKey(
        Enterprise, verbose_name="关联企业", on_delete=models.CASCADE, related_name="relations_in"
    )
    kind = models.CharField("关系", max_length=12, choices=RelationKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    since = models.DateField("起始日期", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "企业关系"
        verbose_name_plural = "企业关系"
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="relation_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class SignalKind(models.TextChoices):
    BRANCH_OUT_OF_PROVINCE = "branch_out", "省外设立分支/子公司"
    FINANCING = "financing", "融资"
    EXPANSION = "expansion", "宣布扩产"
    TENDER_WON = "tender_won", "中标大额项目"
    LAND_ACQUIRED = "land_acquired", "拿地"
    HIRING_SURGE = "hiring_surge", "招聘激增"
    ABNORMAL_OPERATION = "abnormal_operation", "经营异常"
    LITIGATION = "litigation", "涉诉"


RISK_SIGNALS = (SignalKind.ABNORMAL_OPERATION, SignalKind.LITIGATION)


class Signal(models.Model):
    """A dated event about an enterprise, with its source; its weight decays with age."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="signals"
    )
    kind = models.CharField("类型", max_length=20, choices=SignalKind.choices)
    on = models.DateField("日期")
    title = models.CharField("摘要", max_length=200)
    source = models.CharField("来源", max_length=200, blank=True)
    amount_wan = models.DecimalField(
        "涉及金额（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "企业动态"
        verbose_name_plural = "企业动态"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["enterprise", "-on"], name="signal_enterprise_on_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {self.on}"


class TargetStatus(models.TextChoices):
    TO_CONTACT = "to_contact", "待对接"
    CONTACTED = "contacted", "已对接"
    NEGOTIATING = "negotiating", "洽谈中"
    LANDED = "landed", "已落地"
    SHELVED = "shelved", "暂缓"


class TargetEntry(TimeStampedModel):
    """An enterprise on the key target list (重点目标企业) of a year and chain, owned by a unit."""

    year = models.PositiveSmallIntegerField("年度")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="target_entries"
    )
    direction = models.ForeignKey(
        "industries.Direction", verbose_name="产业链", on_delete=models.PROTECT, related_name="+"
    )
    node = models.ForeignKey(
        "industries.ChainNode",
        verbose_name="环节",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="target_entries",
    )
    owner_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=12, choices=TargetStatus.choices, default=TargetStatus.TO_CONTACT
    )
    next_step = models.CharField("下一步", max_length=200, blank=True)
    next_step_due = models.DateField("下一步时限", null=True, blank=True)

    scope_paths: dict = {"unit": "owner_unit"}

    class Meta:
        verbose_name = "重点目标企业"
        verbose_name_plural = "重点目标企业"
        ordering = ["-year", "direction", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "enterprise", "direction"], name="target_unique_per_chain"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.enterprise}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "处理中"
    VALIDATED = "validated", "校验通过（未导入）"
    INVALID = "invalid", "校验未通过"
    IMPORTED = "imported", "已导入"
    FAILED = "failed", "失败"


class ImportJob(models.Model):
    """An Excel/CSV enterprise import: validated row by row, then applied all-or-nothing."""

    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    dry_run = models.BooleanField("仅校验", default=True)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    report = models.JSONField("逐行报告", default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"assigned": "created_by"}

    class Meta:
        verbose_name = "企业导入任务"
        verbose_name_plural = "企业导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
