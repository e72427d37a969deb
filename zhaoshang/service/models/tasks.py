"""Tasks (督办事项): what someone must do by a date, from a leader's instruction (批示), a joint
meeting's decision (议定事项) or a joint review's condition (联审条件), tracked to closure."""

from django.conf import settings
from django.db import models

from zhaoshang.accounts.models import Department, Unit
from zhaoshang.core.models import TimeStampedModel, user_ref


class TaskSource(models.TextChoices):
    INSTRUCTION = "instruction", "领导批示"
    DECISION = "decision", "联席会议议定事项"
    CONDITION = "condition", "联评联审条件"


class TaskStatus(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已办结"
    CANCELLED = "cancelled", "已撤销"


class Task(TimeStampedModel):
    """One task with one owner (a department, a unit or a person) and a deadline.

    The record it comes from is kept by the topic that creates it (a nullable link on this
    model per source, added with that topic); `source` says which one is set.
    """

    source = models.CharField("来源", max_length=12, choices=TaskSource.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_tasks",
    )
    title = models.CharField("事项", max_length=300)
    detail = models.TextField("要求", blank=True)
    owner_department = models.ForeignKey(
        Department,
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_tasks",
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_tasks",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_tasks",
    )
    due_on = models.DateField("办结时限")
    status = models.CharField(
        "状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    done_on = models.DateField("办结日期", null=True, blank=True)
    result = models.TextField("办理结果", blank=True)
    created_by = user_ref("交办人")
    review_opinion = models.ForeignKey(
        "service.ReviewOpinion",
        verbose_name="联审意见",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    # The deadline first set: an extension (with its reason, audited) moves `due_on` only.
    original_due_on = models.DateField("原定时限", null=True, blank=True, editable=False)
    closed_by = user_ref("办结/撤销人")
    cancel_reason = models.CharField("撤销理由", max_length=300, blank=True)
    instruction = models.ForeignKey(
        "service.Instruction",
        verbose_name="领导批示",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    decision = models.ForeignKey(
        "service.Decision",
        verbose_name="议定事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )

    # A unit sees its projects' tasks and those it owns; a department what it owns; a leader or
    # commissioner the tasks of the projects they carry and those assigned to them.
    scope_paths: dict = {
        "unit": ["project__unit", "owner_unit"],
        "department": "owner_department",
        "assigned": ["owner_user", "project__commissioner", "project__lead_leader"],
    }
    version_fields = ("title", "detail", "owner_department", "owner_unit", "owner_user", "due_on",
                      "status", "done_on", "result", "cancel_reason")  # fmt: skip

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_department__isnull=False)
                | models.Q(owner_unit__isnull=False)
                | models.Q(owner_user__isnull=False),
                name="service_task_has_owner",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="service_task_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="service_task_open_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self):
        """Whoever owns it, for display: the person, else the department, else the unit."""
        return self.owner_user or self.owner_department or self.owner_unit

    def is_overdue_on(self, day) -> bool:
        return self.status == TaskStatus.OPEN and self.due_on < day
