"""要素保障: what a project needs (land, energy, power, water, emissions — kinds as data with their
measure and the department that allocates them), what was allocated, by whom and when, and
the quotas the city sets per unit and year."""

from django.db import models

from zhaoshang.core.models import TimeStampedModel, user_ref
from zhaoshang.core.permissions import RestrictedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class ElementKind(models.Model):
    """A kind of production element: 用地 (亩), 能耗 (吨标准煤) … and who allocates it."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    measure = models.CharField("计量单位", max_length=20)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="配置部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="element_kinds",
    )
    # A request unmet for longer goes on the joint meeting's agenda (要素配置).
    agenda_after_days = models.PositiveSmallIntegerField("等待多少天后提交联席会议", default=30)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "要素类型"
        verbose_name_plural = "要素类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.measure}）"


class ElementNeed(TimeStampedModel):
    """What one project needs of one kind, and how much of it has been allocated so far."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="element_needs",
    )
    kind = models.ForeignKey(
        ElementKind, verbose_name="要素", on_delete=models.PROTECT, related_name="needs"
    )
    requested_amount = models.DecimalField("需求量", **AMOUNT)
    requested_on = models.DateField("提出日期")
    note = models.CharField("说明", max_length=300, blank=True)
    requested_by = user_ref("提出人")
    # Written only by the allocation service, in the allocation's transaction.
    allocated_amount = models.DecimalField("已配置", default=0, editable=False, **AMOUNT)
    met_on = models.DateField("配置到位日期", null=True, blank=True, editable=False)

    scope_paths: dict = {
        "unit": "project__unit",
        "department": "kind__department",
        "assigned": ("project__lead_leader", "project__commissioner"),
    }
    version_fields = ("requested_amount", "note")

    class Meta:
        verbose_name = "要素需求"
        verbose_name_plural = "要素需求"
        ordering = ["project", "kind__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="service_need_once_per_kind"),
            models.CheckConstraint(
                condition=models.Q(requested_amount__gt=0), name="service_need_positive"
            ),
        ]
        indexes = [models.Index(fields=["met_on", "requested_on"], name="service_need_waiting")]

    def __str__(self) -> str:
        return f"{self.project} {self.kind.name}"

    @property
    def gap(self):
        return max(self.requested_amount - self.allocated_amount, 0)


class ElementAllocation(models.Model):
    """One allocation to a need: an amount, on a date, by a department (and the person)."""

    need = models.ForeignKey(
        ElementNeed, verbose_name="要素需求", on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField("配置量", **AMOUNT)
    allocated_on = models.DateField("配置日期")
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="配置部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="element_allocations",
    )
    note = models.CharField("说明（批复文号等）", max_length=300, blank=True)
    actor = user_ref("经办人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {
        "unit": "need__project__unit",
        "department": "need__kind__department",
        "assigned": ("need__project__lead_leader", "need__project__commissioner"),
    }

    class Meta:
        verbose_name = "要素配置"
        verbose_name_plural = "要素配置"
        ordering = ["allocated_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="service_allocation_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.need} {self.amount}"


class ElementQuota(TimeStampedModel):
    """The city's quota of one kind for one unit in one year (e.g. 临清市 2024 用地 800 亩)."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.ForeignKey(
        ElementKind, verbose_name="要素", on_delete=models.PROTECT, related_name="quotas"
    )
    amount = models.DecimalField("指标", **AMOUNT)

    scope_paths: dict = {"unit": "unit"}
    version_fields = ("amount",)

    class Meta:
        verbose_name = "要素指标"
        verbose_name_plural = "要素指标"
        ordering = ["year", "unit", "kind__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "kind"], name="service_quota_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="service_quota_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.kind.name}"
