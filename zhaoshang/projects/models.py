"""Investment projects over their whole life cycle: stage log, evidence, funds in place, plans,
and the campaigns (会战) they cite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When

from zhaoshang.core.models import TimeStampedModel
from zhaoshang.core.permissions import RestrictedQuerySet
from zhaoshang.core.search import LinkedNames, SearchIndex, register

OVER_100M_WAN = 10_000  # 过亿元: total investment ≥ 1亿元 = 10,000 万元


class Stage(models.TextChoices):
    LEAD = "lead", "线索"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    STARTED = "started", "开工"
    OPERATING = "operating", "投产"
    DROPPED = "dropped", "终止"


# The forward order of the life cycle; `dropped` stands outside it.
STAGE_ORDER = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.OPERATING]


class AttractionMode(models.TextChoices):
    HOMETOWN = "hometown", "乡贤招商"
    BY_BUSINESS = "by_business", "以商招商"
    PARK = "park", "园区招商"
    SMALL_TEAM = "small_team", "小团组招商"
    AGENCY = "agency", "委托招商"
    RESIDENT_OFFICE = "resident_office", "驻点招商"
    DOOR_TO_DOOR = "door_to_door", "登门招商"
    DIGITAL = "digital", "数字招商"
    CAPITAL = "capital", "资本招商"


class Campaign(models.Model):
    """A named push such as 产业招商百日会战 or 高铁沿线城市招商, that leads and projects cite."""

    name = models.CharField("名称", max_length=100, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    description = models.TextField("说明", blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        # Moved here from activities; the table kept its name (migration projects 0007).
        db_table = "activities_campaign"
        verbose_name = "招商会战"
        verbose_name_plural = "招商会战"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class Project(TimeStampedModel):
    """An investment project (招商项目) of one unit, from first lead to production.

    `stage` and the stage dates are a cache of the StageChange log, written only by
    `projects.services.stages`; the investor flags are derived from the investors' records.
    """

    name = models.CharField("项目名称", max_length=200)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="projects"
    )
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name="产业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    direction = models.ForeignKey(
        "industries.Direction",
        verbose_name="细分方向",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    investors = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name="投资方", blank=True, related_name="projects"
    )
    attraction_mode = models.CharField(
        "招商方式", max_length=20, choices=AttractionMode.choices, blank=True
    )
    campaign = models.ForeignKey(
        "projects.Campaign",
        verbose_name="招商会战",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    total_investment_wan = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    contracted_investment_wan = models.DecimalField(
        "合同投资（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    foreign_investment_usd_wan = models.DecimalField(
        "外资（万美元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    land_mu = models.DecimalField(
        "用地（亩）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    expected_jobs = models.PositiveIntegerField("预计就业（人）", null=True, blank=True)
    expected_output_wan = models.DecimalField(
        "预计年产值（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_tax_wan = models.DecimalField(
        "预计年税收（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    is_key = models.BooleanField("重点项目", default=False, db_index=True)
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包帮领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="服务专员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_projects",
    )
    team = models.CharField("工作团队", max_length=300, blank=True)
    description = models.TextField("项目简介", blank=True)
    duplicate_reason = models.CharField(
        "疑似重复确认理由", max_length=300, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    # --- derived: never typed -------------------------------------------------------------
    is_over_100m = models.GeneratedField(
        expression=Case(
            When(total_investment_wan__gte=OVER_100M_WAN, then=Value(True)),
            default=Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name="过亿元项目",
    )
    stage = models.CharField(
        "当前阶段", max_length=12, choices=Stage.choices, default=Stage.LEAD, editable=False
    )
    negotiating_on = models.DateField("洽谈日期", null=True, blank=True, editable=False)
    signed_on = models.DateField("签约日期", null=True, blank=True, editable=False)
    started_on = models.DateField("开工日期", null=True, blank=True, editable=False)
    operating_on = models.DateField("投产日期", null=True, blank=True, editable=False)
    dropped_on = models.DateField("终止日期", null=True, blank=True, editable=False)
    drop_reason = models.CharField("终止原因", max_length=300, blank=True, editable=False)
    is_out_of_province = models.BooleanField("省外项目", default=False, editable=False)
    is_foreign = models.BooleanField("境外项目", default=False, editable=False)
    is_top500 = models.BooleanField("三类500强项目", default=False, editable=False)

    scope_paths: dict = {"unit": "unit", "assigned": ("commissioner", "lead_leader")}

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("revert_stage", "退回项目阶段"),
        ]
        indexes = [
            models.Index(fields=["unit", "stage"], name="project_unit_stage_idx"),
            models.Index(fields=["stage", "started_on"], name="project_stage_started_idx"),
            models.Index(fields=["signed_on"], name="project_signed_idx"),
            models.Index(fields=["started_on"], name="project_started_idx"),
            models.Index(fields=["-created_at", "-id"], name="project_recent_idx"),
            # The home page's largest key projects: read in order, ten rows, no sort.
            models.Index(
                fields=["-total_investment_wan", "id"],
                condition=Q(is_key=True),
                name="project_key_investment_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment_wan__gte=0), name="project_total_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(contracted_investment_wan__isnull=True)
                | Q(contracted_investment_wan__gte=0),
                name="project_contracted_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage) if self.stage in STAGE_ORDER else -1


_CHILD_SCOPE: dict = {
    "unit": "project__unit",
    "assigned": ("project__commissioner", "project__lead_leader"),
}


# The keyword filter on the project's own text: see `filters.ProjectFilter.filter_text`.
PROJECT_SEARCH = register(SearchIndex(table="projects_project", columns=("name", "description")))


class ProjectInvestorNames(models.Model):
    """A project's investors' names, one per line: derived, written only by the database's
    triggers (`INVESTOR_SEARCH.source`) when an investor is added, removed or renamed, so the
    keyword filter finds a project by an investor's name in one index lookup."""

    id = models.BigIntegerField("项目", primary_key=True)  # the project's id
    names = models.TextField("投资方名称")

    class Meta:
        verbose_name = "项目投资方名称（检索用）"
        verbose_name_plural = verbose_name
        default_permissions = ()

    def __str__(self) -> str:
        return self.names


INVESTOR_SEARCH = register(
    SearchIndex(
        table="projects_projectinvestornames",
        columns=("names",),
        source=LinkedNames(
            table="projects_projectinvestornames",
            owner_table="projects_project",
            link_table="projects_project_investors",
            owner_column="project_id",
            target_column="enterprise_id",
            named_table="enterprises_enterprise",
            name_column="name",
        ),
    )
)


class StageChange(models.Model):
    """One step in a project's stage log (阶段记录): from, to, date, actor, evidence, note."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField("原阶段", max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=12, choices=Stage.choices)
    on = models.DateField("日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    is_reversal = models.BooleanField("退回", default=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths = _CHILD_SCOPE

    class Meta:
        verbose_name = "阶段记录"
        verbose_name_plural = "阶段记录"
        ordering = ["project", "on", "id"]
        # Covering for "first entry into a stage within a period" (once-only indicators).
        indexes = [
            models.Index(fields=["to_stage", "on", "project"], name="stagechange_to_on_proj_idx")
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.get_to_stage_display()} ({self.on})"


class FundsSource(models.TextChoices):
    OWN = "own", "自有资金"
    BANK_LOAN = "bank_loan", "银行贷款"
    EQUITY = "equity", "股权融资"
    OTHER = "other", "其他"


class FundsStatus(models.TextChoices):
    SUBMITTED = "submitted", "待核实"
    VERIFIED = "verified", "已核实"
    REJECTED = "rejected", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"  # by the submitting unit before the city decided; kept


# Statuses of a funds record that no longer claims its month (a new one may be submitted).
FUNDS_DEAD = ("rejected", "withdrawn")


class FundsRecord(models.Model):
    """Funds in place (到位资金) for one project and month; counts only once verified by the city."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="funds_records"
    )
    period = models.DateField("所属月份")  # always the first day of the month
    amount_wan = models.DecimalField("到位金额（万元）", max_digits=14, decimal_places=2)
    source = models.CharField("资金来源", max_length=12, choices=FundsSource.choices)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=FundsStatus.choices,
        default=FundsStatus.SUBMITTED,
        editable=False,
    )
    note = models.CharField("说明", max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField("填报时间", auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True, editable=False)
    reject_reason = models.CharField("退回原因", max_length=300, blank=True, editable=False)
    override_reason = models.CharField(
        "超总投资确认理由", max_length=300, blank=True, editable=False
    )

    objects = RestrictedQuerySet.as_manager()
    scope_paths = _CHILD_SCOPE

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["-period", "-id"]
        permissions = [
            ("verify_fundsrecord", "核实到位资金"),
            ("override_funds_cap", "确认超出总投资的到位资金"),
        ]
        indexes = [
            models.Index(fields=["status", "period"], name="funds_status_period_idx"),
            models.Index(fields=["project", "status"], name="funds_project_status_idx"),
            # The verification queue: submitted records, never one's own.
            models.Index(fields=["status", "submitted_by"], name="funds_status_submitter_idx"),
            # Covering index for period totals of verified funds (sums read no table rows);
            # status first, or SQLite's planner prefers funds_status_period_idx.
            models.Index(
                fields=["status", "period", "project", "amount_wan"], name="funds_status_cover_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_wan__gt=0), name="funds_amount_positive"),
            models.UniqueConstraint(
                fields=["project", "period"],
                condition=~Q(status__in=FUNDS_DEAD),
                name="funds_one_live_record_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period:%Y-%m} {self.amount_wan}万元"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"


class FundsMonthlyTotal(models.Model):
    """A cache of FundsRecord sums per unit, month and status (never typed, never edited).

    Maintained by the funds services (submit, verify, reject) and by `project_update` when a
    project moves to another unit, in the same transaction as the records it sums; bulk loads
    that bypass the services call `services.funds_totals.funds_totals_rebuild()`. Re-checkable
    at any time against the records: `manage.py check_funds_totals [--fix]`.
    """

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField("所属月份")  # always the first day of the month
    status = models.CharField("状态", max_length=10, choices=FundsStatus.choices)
    amount_wan = models.DecimalField("金额合计（万元）", max_digits=16, decimal_places=2, default=0)
    record_count = models.PositiveIntegerField("记录数", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "unit"}

    class Meta:
        verbose_name = "到位资金月度合计"
        verbose_name_plural = "到位资金月度合计"
        ordering = ["period", "unit", "status"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "status"], name="funds_total_unit_period_status"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "period", "unit", "amount_wan"], name="funds_total_cover_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period:%Y-%m} {self.status} {self.amount_wan}万元"


class ProjectTotal(models.Model):
    """A cache of project counts and investment per unit, industry, stage and flags.

    One row per (unit, industry, stage, 重点, 过亿) holds how many projects share those values
    and their total investment. Maintained by the project services (create, update, stage
    moves) in the same transaction as the projects they count; bulk loads that bypass the
    services call `services.project_totals.project_totals_rebuild()`. Re-checkable at any time
    against the projects: `manage.py check_project_totals [--fix]`.
    """

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name="产业",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = models.CharField("当前阶段", max_length=12, choices=Stage.choices)
    is_key = models.BooleanField("重点项目")
    is_over_100m = models.BooleanField("过亿元项目")
    project_count = models.PositiveIntegerField("项目数", default=0)
    investment_wan = models.DecimalField(
        "总投资合计（万元）", max_digits=18, decimal_places=2, default=0
    )

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "unit"}

    class Meta:
        verbose_name = "项目合计"
        verbose_name_plural = "项目合计"
        ordering = ["unit", "industry", "stage", "is_key", "is_over_100m"]
        constraints = [
            # Two partial constraints: NULLs are distinct in a plain unique index.
            models.UniqueConstraint(
                fields=["unit", "industry", "stage", "is_key", "is_over_100m"],
                condition=Q(industry__isnull=False),
                name="project_total_key",
            ),
            models.UniqueConstraint(
                fields=["unit", "stage", "is_key", "is_over_100m"],
                condition=Q(industry__isnull=True),
                name="project_total_key_no_industry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.industry_id} {self.stage} {self.project_count}"


class ProjectEvent(models.TextChoices):
    SIGNED = "signed", "签约"
    STARTED = "started", "开工"


class ProjectMonthlyTotal(models.Model):
    """A cache of the projects signed or started per unit and month, by current stage and flags.

    A project counts in the month of its current 签约 (or 开工) date (`Project.signed_on`,
    `started_on`), with its current stage, 重点 and 过亿 flags and total investment — the
    default reading of the signed/started indicators. Kept like `ProjectTotal`, by the same
    services and the same check (`manage.py check_project_totals`).
    """

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField("事项", max_length=8, choices=ProjectEvent.choices)
    period = models.DateField("所属月份")  # always the first day of the month
    stage = models.CharField("当前阶段", max_length=12, choices=Stage.choices)
    is_key = models.BooleanField("重点项目")
    is_over_100m = models.BooleanField("过亿元项目")
    project_count = models.PositiveIntegerField("项目数", default=0)
    investment_wan = models.DecimalField(
        "总投资合计（万元）", max_digits=18, decimal_places=2, default=0
    )

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "unit"}

    class Meta:
        verbose_name = "项目月度合计"
        verbose_name_plural = "项目月度合计"
        ordering = ["event", "period", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "period", "unit", "stage", "is_key", "is_over_100m"],
                name="project_monthly_total_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.event} {self.period:%Y-%m} {self.project_count}"


class EvidenceKind(models.TextChoices):
    CONTRACT = "contract", "投资合同"
    CONSTRUCTION_PERMIT = "construction_permit", "施工许可证"
    SITE_PHOTO = "site_photo", "开工现场照片（带日期）"
    PRODUCTION_LICENCE = "production_licence", "生产许可证"
    SALES_INVOICE = "sales_invoice", "首笔销售发票"
    BANK_RECEIPT = "bank_receipt", "银行进账单"
    CAPITAL_VERIFICATION = "capital_verification", "验资报告"
    PHOTO = "photo", "照片"
    OTHER = "other", "其他"


class Evidence(models.Model):
    """An uploaded file that proves a stage change, a funds record or a progress update."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField("类型", max_length=24, choices=EvidenceKind.choices)
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    stage_change = models.ForeignKey(
        StageChange, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    funds_record = models.ForeignKey(
        FundsRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    progress_update = models.ForeignKey(
        "ProgressUpdate", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths = _CHILD_SCOPE

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


class ProjectPlan(TimeStampedModel):
    """The written plan (一套方案) of a key project; leader and team live on the project."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="plan"
    )
    content = models.TextField("推进方案")

    scope_paths = _CHILD_SCOPE

    class Meta:
        verbose_name = "推进方案"
        verbose_name_plural = "推进方案"

    def __str__(self) -> str:
        return f"{self.project} 推进方案"


class Milestone(TimeStampedModel):
    """A dated step of a project's plan (节点), done when `done_on` is set."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点", max_length=200)
    due_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    scope_paths = _CHILD_SCOPE

    class Meta:
        verbose_name = "推进节点"
        verbose_name_plural = "推进节点"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.done_on is None and self.due_on < timezone.localdate()


class ProgressUpdate(models.Model):
    """A dated progress note on a project (进展), optionally with photos."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="progress_updates"
    )
    on = models.DateField("日期")
    content = models.TextField("进展情况")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths = _CHILD_SCOPE

    class Meta:
        verbose_name = "项目进展"
        verbose_name_plural = "项目进展"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.on}"


class StagedUpload(models.Model):
    """A file chosen in a dialog that was sent back with errors, kept for its next submission.

    Browsers cannot re-fill a file input, so a dialog that fails (a wrong date, another file's
    content) would otherwise lose every file chosen. The files that passed their own checks are
    kept here, owned by the person who chose them, and shown again as ticked rows; the next
    submission uses them as if chosen again, and removes them. Never evidence by itself: nothing
    counts or is linked until a service stores it as `Evidence`. Rows older than a day, or
    beyond the newest few of one person, are removed (`services.staging`).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=24, choices=EvidenceKind.choices)
    file = models.FileField("文件", upload_to="staged/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "暂存的上传文件"
        verbose_name_plural = "暂存的上传文件"
        default_permissions = ()  # owned by one person; never granted, never listed
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="staged_owner_idx")]

    def __str__(self) -> str:
        return self.original_name
