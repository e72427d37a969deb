"""The service team of a key project (五个一: 一个项目、一名领导、一个团队、一套方案、一抓到底).

The project carries its leader (`Project.lead_leader`), its commissioner and its plan and
milestones; the team adds the level (市级重点 with a city leader "顶格", 县级重点 with a county
leader), the lead department and the members with their duties. "一抓到底": the team stays until
the project produces (投产); then it is closed, never deleted.
"""

from django.conf import settings
from django.db import models

from zhaoshang.core.models import TimeStampedModel, user_ref


class TeamLevel(models.TextChoices):
    CITY = "city", "市级重点项目（市级领导顶格帮包）"
    COUNTY = "county", "县级重点项目（县级领导包帮）"


class ServiceTeam(TimeStampedModel):
    """One key project's team, from its assignment to the project's production."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="service_team",
    )
    level = models.CharField("帮包层级", max_length=8, choices=TeamLevel.choices)
    lead_department = models.ForeignKey(
        "accounts.Department",
        verbose_name="牵头部门",
        on_delete=models.PROTECT,
        related_name="led_teams",
    )
    assigned_on = models.DateField("组建日期")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    close_note = models.CharField("结束说明", max_length=300, blank=True)
    created_by = user_ref("组建人")

    # The project's unit; the lead department and the departments with a member on it; the
    # project's leader and commissioner.
    scope_paths: dict = {
        "unit": "project__unit",
        "department": ("lead_department", "members__department"),
        "assigned": ("project__lead_leader", "project__commissioner"),
    }
    version_fields = ("level", "lead_department", "assigned_on", "closed_on")

    class Meta:
        verbose_name = "服务团队"
        verbose_name_plural = "服务团队"
        ordering = ["-assigned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} 服务团队"

    @property
    def is_top_level(self) -> bool:
        """顶格: a city key project carried by a city leader."""
        return self.level == TeamLevel.CITY


class TeamMember(TimeStampedModel):
    """A person on a team (an account, or a named person without one), their unit or
    department and their duty (职责). A member who leaves keeps the row with `left_on`."""

    team = models.ForeignKey(
        ServiceTeam, verbose_name="服务团队", on_delete=models.PROTECT, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="成员账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    name = models.CharField("姓名", max_length=30, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="所在部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    duty = models.CharField("职责", max_length=200)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    leave_reason = models.CharField("退出原因", max_length=300, blank=True)

    scope_paths: dict = {
        "unit": "team__project__unit",
        "department": ("team__lead_department", "department"),
        "assigned": ("team__project__lead_leader", "team__project__commissioner"),
    }

    class Meta:
        verbose_name = "团队成员"
        verbose_name_plural = "团队成员"
        ordering = ["left_on", "joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="service_member_user_or_name",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id else self.name

    @property
    def org(self):
        return (
            self.department
            or self.unit
            or (self.user.department or self.user.unit if self.user_id else None)
        )
