"""Leaders' instructions (领导批示): what a leader wrote on a project; each becomes tasks
(`Task.instruction`) with an owner and a deadline, tracked to closure."""

from django.conf import settings
from django.db import models

from zhaoshang.core.models import TimeStampedModel


class Instruction(TimeStampedModel):
    """One instruction of one leader on one project, on a date."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批示领导",
        on_delete=models.PROTECT,
        related_name="instructions_given",
    )
    content = models.TextField("批示内容")
    issued_on = models.DateField("批示日期")

    # A county sees its projects' instructions; a leader their own and those on the projects
    # they carry; a commissioner those on their projects. Departments follow the tasks.
    scope_paths: dict = {
        "unit": "project__unit",
        "assigned": ("leader", "project__commissioner", "project__lead_leader"),
    }

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["leader", "-issued_on"], name="instruction_leader_idx")]

    def __str__(self) -> str:
        return f"{self.leader} 批示：{self.content[:30]}"
