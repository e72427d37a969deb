"""联评联审 (joint review before signing): the city's rules as data, the reviews and the
departments' opinions.

- `ReviewPolicy` (one row, edited by the city): which projects need a joint review, whether an
  unfinished review gates signing, and the parameters of the reviewer flags.
- `ReviewerRule` (edited by the city): which departments review, each with its focus and its
  deadline in working days.
- `JointReview`: a proposed project sent for review; its `outcome` is a cache of the opinions
  (`service.services.reviews.outcome_of`), written only by the review services; the city may
  close it with a decision that overrides the outcome, only with a reason.
- `ReviewOpinion`: one per department concerned: 同意 / 有条件同意 (its conditions become tasks,
  `Task.review_opinion`) / 不同意 (reasons required).
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from zhaoshang.accounts.models import Department
from zhaoshang.core.models import TimeStampedModel, user_ref
from zhaoshang.core.permissions import RestrictedQuerySet

# The city's default threshold: total investment ≥ 10亿元 = 100,000 万元.
DEFAULT_REVIEW_MIN_WAN = Decimal("100000")


class ReviewPolicy(models.Model):
    """The city's rules for joint review: one row (pk 1), created with these defaults."""

    review_key_projects = models.BooleanField("重点项目须联评联审", default=True)
    min_investment_wan = models.DecimalField(
        "总投资达到此额须联评联审（万元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        default=DEFAULT_REVIEW_MIN_WAN,
        help_text="留空表示不按投资额要求；默认 100000 万元（10亿元）",
    )
    gates_signing = models.BooleanField(
        "未通过联评联审不得签约",
        # Off until the city turns it on: a new installation has no reviewing departments
        # set up yet, and turning it on is the city's decision (the demo city has it on).
        default=False,
        help_text="开启后，须联评联审的项目在审查结论为“通过”或“有条件通过”前不能变更为签约",
    )
    new_company_months = models.PositiveSmallIntegerField("新设企业提示（成立不足月数）", default=6)
    min_capital_ratio_pct = models.DecimalField(
        "注册资本不足承诺投资的百分比提示",
        max_digits=6,
        decimal_places=2,
        default=Decimal("5"),
        help_text="注册资本低于项目总投资的此百分比时提示（默认 5%）",
    )
    abnormal_months = models.PositiveSmallIntegerField("经营异常记录回看月数", default=24)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True
    version_fields = (
        "review_key_projects",
        "min_investment_wan",
        "gates_signing",
        "new_company_months",
        "min_capital_ratio_pct",
        "abnormal_months",
    )

    class Meta:
        verbose_name = "联评联审规则"
        verbose_name_plural = "联评联审规则"

    def __str__(self) -> str:
        return "联评联审规则"


class ReviewerRule(models.Model):
    """A department that takes part in joint reviews, its focus and its deadline."""

    department = models.OneToOneField(
        Department, verbose_name="审查部门", on_delete=models.PROTECT, related_name="review_rule"
    )
    focus = models.CharField("审查重点", max_length=200)
    deadline_workdays = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)
    is_active = models.BooleanField("参加联审", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True
    version_fields = ("focus", "deadline_workdays", "is_active", "sort_order")

    class Meta:
        verbose_name = "联审部门"
        verbose_name_plural = "联审部门"
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_workdays__gte=1) & Q(deadline_workdays__lte=60),
                name="service_reviewer_deadline_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department}：{self.focus}"


class ReviewOutcome(models.TextChoices):
    REVIEWING = "reviewing", "审查中"
    PASSED = "passed", "通过"
    CONDITIONAL = "conditional", "有条件通过"
    REJECTED = "rejected", "不通过"


# The outcomes under which a project may be signed when the city gates signing.
SIGNABLE_OUTCOMES = frozenset({ReviewOutcome.PASSED, ReviewOutcome.CONDITIONAL})


class Verdict(models.TextChoices):
    PENDING = "", "待提出"
    AGREE = "agree", "同意"
    CONDITIONAL = "conditional", "有条件同意"
    DISAGREE = "disagree", "不同意"


class JointReview(TimeStampedModel):
    """One joint review of a proposed project (线索/洽谈), sent by its unit or the city."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="joint_reviews",
    )
    sent_on = models.DateField("提请日期")
    sent_by = user_ref("提请人")
    note = models.TextField("提请说明", blank=True)
    # A cache of the opinions (`outcome_of`), written only by the review services.
    outcome = models.CharField(
        "审查结论",
        max_length=12,
        choices=ReviewOutcome.choices,
        default=ReviewOutcome.REVIEWING,
        editable=False,
        db_index=True,
    )
    decided_on = models.DateField("结论日期", null=True, blank=True, editable=False)
    # The city's closing decision: blank while open; when it differs from the opinions'
    # outcome, `decision_reason` says why (audited).
    is_closed = models.BooleanField("已办结", default=False, editable=False)
    decision = models.CharField(
        "市级决定", max_length=12, choices=ReviewOutcome.choices, blank=True, editable=False
    )
    decision_reason = models.TextField("决定理由", blank=True, editable=False)
    closed_by = user_ref("办结人")

    # A unit sees its projects' reviews; a department the reviews it is asked to give an
    # opinion on (one opinion per department and review, so the join never doubles a row);
    # a leader or commissioner those of the projects they carry.
    scope_paths: dict = {
        "unit": "project__unit",
        "department": "opinions__department",
        "assigned": ("project__commissioner", "project__lead_leader"),
    }
    version_fields = ("outcome", "is_closed", "decision", "decision_reason")

    class Meta:
        verbose_name = "联评联审"
        verbose_name_plural = "联评联审"
        ordering = ["-sent_on", "-id"]
        constraints = [
            # One open review per project at a time.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(is_closed=False),
                name="service_review_one_open_per_project",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_reason=""),
                name="service_review_decision_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["project", "-sent_on"], name="service_review_project")]

    def __str__(self) -> str:
        return f"{self.project}（联评联审 {self.sent_on:%Y-%m-%d}）"

    @property
    def final_outcome(self) -> str:
        """The city's decision when it made one, else the opinions' outcome."""
        return self.decision or self.outcome

    def get_final_outcome_display(self) -> str:
        return str(ReviewOutcome(self.final_outcome).label)


class ReviewOpinion(TimeStampedModel):
    """One department's opinion on one review."""

    review = models.ForeignKey(
        JointReview, verbose_name="联评联审", on_delete=models.CASCADE, related_name="opinions"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="审查部门",
        on_delete=models.PROTECT,
        related_name="review_opinions",
    )
    focus = models.CharField("审查重点", max_length=200, blank=True)
    due_on = models.DateField("办理时限")
    verdict = models.CharField(
        "意见", max_length=12, choices=Verdict.choices, blank=True, default=Verdict.PENDING
    )
    reasons = models.TextField("意见说明", blank=True)
    answered_on = models.DateField("提出日期", null=True, blank=True)
    answered_by = user_ref("经办人")

    scope_paths: dict = {
        "unit": "review__project__unit",
        "department": "department",
        "assigned": ("review__project__commissioner", "review__project__lead_leader"),
    }
    version_fields = ("verdict", "reasons")

    class Meta:
        verbose_name = "联审意见"
        verbose_name_plural = "联审意见"
        ordering = ["review", "department__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "department"], name="service_opinion_one_per_department"
            ),
            models.CheckConstraint(
                condition=Q(verdict="") | Q(answered_on__isnull=False),
                name="service_opinion_answered_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(verdict="disagree") | ~Q(reasons=""),
                name="service_opinion_disagree_has_reasons",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "verdict", "due_on"], name="service_opinion_queue")
        ]

    def __str__(self) -> str:
        return f"{self.department}意见：{self.review.project}"

    @property
    def is_answered(self) -> bool:
        return bool(self.verdict)
