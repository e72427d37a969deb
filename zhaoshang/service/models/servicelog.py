"""The service log (服务记录) of a project: what its 服务专员, unit staff or leader did for the
investor on a day — a visit, a call, a coordination, help with paperwork — whom they met and
what help was given. Its first entry is the project's first contact (timed from assignment in
`service.selectors.timings`)."""

from django.conf import settings
from django.db import models

from zhaoshang.core.masking import PHONE
from zhaoshang.core.models import TimeStampedModel
from zhaoshang.core.permissions import RestrictedQuerySet


class ServiceKind(models.Model):
    """A kind of service entry (走访, 电话, 协调, 帮办 …): data a city edits, not code."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "服务方式"
        verbose_name_plural = "服务方式"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class ServiceLog(TimeStampedModel):
    """One dated service to a project's investor, by one person."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="service_logs",
    )
    on = models.DateField("服务日期")
    kind = models.ForeignKey(
        ServiceKind, verbose_name="服务方式", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="服务人员",
        on_delete=models.PROTECT,
        related_name="service_logs",
    )
    note = models.TextField("服务内容")
    contact_name = models.CharField("对接人", max_length=50, blank=True)
    contact_phone = models.CharField("对接人电话", max_length=20, blank=True)
    help_given = models.TextField("帮助解决事项", blank=True)

    scope_paths: dict = {
        "unit": "project__unit",
        "assigned": ("project__commissioner", "project__lead_leader"),
    }
    personal_fields = {"contact_phone": PHONE}
    version_fields = ("on", "kind", "note", "contact_name", "contact_phone", "help_given")

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-on", "-id"]
        permissions = [("reveal_servicelog_contact", "查看服务记录对接人电话")]
        indexes = [models.Index(fields=["project", "on"], name="service_log_project_on")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.kind}"


class WorkQueueRule(models.Model):
    """A threshold of the commissioner's work queue, as data (e.g. 30 days without progress)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    label = models.CharField("说明", max_length=100)
    days = models.PositiveSmallIntegerField("天数")

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "工作台提醒规则"
        verbose_name_plural = "工作台提醒规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.label}：{self.days}天"
