"""Problems (问题诉求) raised on projects and routed to the responsible department.

A problem's category (土地, 规划, 环评 … as data) names the department that handles it and the
limit in working days (`core.workdays`, holidays and 调休 included). Its life: 待签收 → 办理中
(签收) → 已答复 → 已办结 → 已确认 (by the raiser, with a satisfaction rating) or 已退回重办 (reopened
with a reason, back to the department). Overdue problems climb the escalation ladder: 1 the
department's head, 2 the 分管 city leader (`SupervisingLeader`), 3 the next 联席会议's agenda.
Every step is a `ProblemEvent` row (the timeline) and an audit entry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from zhaoshang.accounts.models import Department
from zhaoshang.core.models import TimeStampedModel, user_ref
from zhaoshang.core.permissions import RestrictedQuerySet


class ProblemCategory(models.Model):
    """A kind of problem and where it goes: 土地 → 自然资源和规划局 within 5 working days."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("类别", max_length=20, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name="责任部门",
        on_delete=models.PROTECT,
        related_name="problem_categories",
    )
    limit_workdays = models.PositiveSmallIntegerField(
        "办理时限（工作日）", default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class SupervisingLeader(models.Model):
    """The city leader in charge (分管领导) of a department: rung 2 of the escalation ladder."""

    department = models.OneToOneField(
        Department,
        verbose_name="职能部门",
        on_delete=models.CASCADE,
        related_name="supervising_leader",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分管领导",
        on_delete=models.PROTECT,
        related_name="supervised_departments",
    )

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "部门分管领导"
        verbose_name_plural = "部门分管领导"
        ordering = ["department__sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.department} 分管领导 {self.leader}"


class ProblemStatus(models.TextChoices):
    RAISED = "raised", "待签收"
    ACKNOWLEDGED = "acknowledged", "办理中"
    ANSWERED = "answered", "已答复"
    RESOLVED = "resolved", "已办结"
    CONFIRMED = "confirmed", "已确认"
    REOPENED = "reopened", "退回重办"


# Settled: counted as 办结 and no longer overdue or escalated.
CLOSED_STATUSES = (ProblemStatus.RESOLVED, ProblemStatus.CONFIRMED)
OPEN_STATUSES = (
    ProblemStatus.RAISED,
    ProblemStatus.ACKNOWLEDGED,
    ProblemStatus.ANSWERED,
    ProblemStatus.REOPENED,
)


class ProblemChannel(models.TextChoices):
    COMMISSIONER = "commissioner", "服务专员"
    UNIT = "unit", "县市区/功能区"
    LEADER = "leader", "领导一线"
    INVESTOR = "investor", "投资方"


class EscalationLevel(models.IntegerChoices):
    NONE = 0, "未升级"
    DEPARTMENT_HEAD = 1, "部门负责人督办"
    LEADER = 2, "分管市领导督办"
    MEETING = 3, "提交联席会议"


class Problem(TimeStampedModel):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="problems"
    )
    title = models.CharField("问题", max_length=100)
    description = models.TextField("具体情况", max_length=4000)
    category = models.ForeignKey(
        ProblemCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="problems"
    )
    department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="problems"
    )
    channel = models.CharField("提出渠道", max_length=12, choices=ProblemChannel.choices)
    raised_by = user_ref("提出人")
    raised_by_name = models.CharField("提出人姓名", max_length=150, blank=True)
    raised_on = models.DateField("提出日期")
    due_on = models.DateField("办理时限", db_index=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=ProblemStatus.choices,
        default=ProblemStatus.RAISED,
        db_index=True,
    )
    acknowledged_on = models.DateField("签收日期", null=True, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    answer = models.TextField("答复意见", blank=True)
    # Seen only by the department it is routed to and the city (not by the raiser or units).
    internal_note = models.TextField("部门内部备注", blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    escalation_level = models.PositiveSmallIntegerField(
        "督办级别", choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    escalated_on = models.DateField("升级日期", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("退回次数", default=0)

    # A unit sees its projects' problems; a department what is routed to it; a commissioner or
    # leader the problems of projects they carry and those they raised; the city all.
    scope_paths: dict = {
        "unit": "project__unit",
        "department": "department",
        "assigned": ["project__commissioner", "project__lead_leader", "raised_by"],
    }
    # What a page form or API call reads before a step: any step moves one of these.
    version_fields = ("status", "department", "escalation_level", "answer", "internal_note",
                      "due_on")  # fmt: skip

    class Meta:
        verbose_name = "问题诉求"
        verbose_name_plural = "问题诉求"
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="problem_dept_queue"),
            models.Index(fields=["status", "due_on"], name="problem_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="problem_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(escalation_level__lte=3), name="problem_escalation_at_most_3"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("raised_on")), name="problem_due_after_raised"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today) -> bool:
        return not self.is_closed and self.due_on < today


class ProblemEventKind(models.TextChoices):
    RAISE = "raise", "提出"
    ACKNOWLEDGE = "acknowledge", "签收"
    ANSWER = "answer", "答复"
    RESOLVE = "resolve", "办结"
    CONFIRM = "confirm", "确认"
    REOPEN = "reopen", "退回重办"
    ESCALATE = "escalate", "升级督办"
    REROUTE = "reroute", "改派"
    NOTE = "note", "内部备注"


class ProblemEvent(models.Model):
    """One dated, attributed step of a problem: its timeline (append-only)."""

    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("环节", max_length=12, choices=ProblemEventKind.choices)
    on = models.DateField("日期")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = user_ref("办理人")
    actor_name = models.CharField("办理人姓名", max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="改派时为新的责任部门",
    )
    text = models.TextField("内容", blank=True)
    # Internal notes are shown only to the department and the city.
    internal = models.BooleanField("内部", default=False)
    level = models.PositiveSmallIntegerField("督办级别", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("满意度", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths = {
        "unit": "problem__project__unit",
        "department": "problem__department",
        "assigned": [
            "problem__project__commissioner",
            "problem__project__lead_leader",
            "problem__raised_by",
        ],
    }

    class Meta:
        verbose_name = "问题办理记录"
        verbose_name_plural = "问题办理记录"
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.problem} {self.get_kind_display()} {self.on}"


class ProblemPhoto(models.Model):
    """A photo attached when raising a problem (checked by content: JPEG, PNG or WebP)."""

    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to="problems/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=20)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = user_ref("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths = ProblemEvent.scope_paths

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = "问题照片"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
