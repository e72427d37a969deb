"""What every app builds on: timestamps, the restricted queryset, the append-only audit log and
the closed periods of account."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .periods import Period, parse_period
from .permissions import RestrictedQuerySet


class TimeStampedModel(models.Model):
    """Base for business records: creation and update times, and `.restrict(user, action)`."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    STAGE = "stage", "阶段变更"
    VERIFY = "verify", "核实"
    REJECT = "reject", "退回"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    TOKEN = "token", "签发API令牌"
    EXPORT = "export", "导出"
    REVEAL = "reveal", "查看敏感信息"
    IMPORT = "import", "批量导入"
    UPLOAD = "upload", "上传证明材料"


class AuditEntry(models.Model):
    """One append-only line of the audit log: who did what to which record, before and after.

    Written only by `core.audit.record`, inside the same transaction as the change it describes.
    Never updated or deleted: there is no page, API or service that does, and the database
    refuses UPDATE (and DELETE on PostgreSQL) through triggers created by migration. Each entry
    is chained to the one before it (`core.auditchain`): `seq` numbers the chain without gaps
    and `chain_hash` is an HMAC over the entry and the previous entry's hash, so a row changed,
    removed or slipped in through SQL breaks the chain (`manage.py verify_audit_chain`).
    """

    # Set before saving (not auto_now_add) so the chain hash covers the stored time.
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name="对象类型",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("修改后", null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField("说明", blank=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True, db_index=True)
    ip = models.CharField("地址", max_length=64, blank=True)
    seq = models.BigIntegerField("链序号", null=True, unique=True, editable=False)
    chain_hash = models.CharField("链哈希", max_length=64, blank=True, editable=False)
    # The record the object belongs to (a funds record's project: `audit.group_under`), so the
    # entries of a project and of its records are one indexed query. Empty in the entries
    # written before it existed, and for records that belong to none.
    parent_type = models.ForeignKey(
        ContentType,
        verbose_name="所属对象类型",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # audit_parent_idx starts with it
        related_name="+",
    )
    # A database default too: an INSERT naming only the older columns still succeeds.
    parent_object_id = models.CharField(
        "所属对象ID", max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["parent_type", "parent_object_id"], name="audit_parent_idx"),
            models.Index(fields=["username"], name="audit_username_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class AuditChainHead(models.Model):
    """The audit chain's last link: one row (id 1) holding the newest entry's `seq` and hash.

    Every audit write updates it first, which serialises writers on PostgreSQL (the row lock
    is held until commit) and lets the check see entries removed from the end of the log.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit chain head {self.seq}"


def user_ref(verbose_name: str, **kwargs) -> models.ForeignKey:
    """Who did it: kept when the user is deleted (no constraint), no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        **kwargs,
    )


class PeriodClose(models.Model):
    """A closed period (关账): records dated in it are frozen until a reopen with a reason.

    A period closed again after a reopen gets a new row, so the history of closes stays whole;
    at most one row per period is active (not reopened).
    """

    label = models.CharField("期间", max_length=24)
    kind = models.CharField("类型", max_length=8)
    start = models.DateField("起始日期")
    end_exclusive = models.DateField("截止日期（不含）")
    note = models.CharField("关账说明", max_length=300, blank=True)
    closed_at = models.DateTimeField("关账时间")
    closed_by = user_ref("关账人")
    closed_by_name = models.CharField("关账人姓名", max_length=150, blank=True)
    reopened_at = models.DateTimeField("重新开放时间", null=True, blank=True)
    reopened_by = user_ref("重新开放人")
    reopened_by_name = models.CharField("重新开放人姓名", max_length=150, blank=True)
    reason = models.CharField("重新开放理由", max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        # Moved here from goals; the table kept its name (migration core 0004).
        db_table = "goals_periodclose"
        verbose_name = "期间关账"
        verbose_name_plural = "期间关账"
        ordering = ["-start", "-closed_at"]
        default_permissions = ("view", "add", "change")
        constraints = [
            models.UniqueConstraint(
                fields=["label"],
                condition=Q(reopened_at__isnull=True),
                name="period_close_one_active",
            )
        ]
        indexes = [
            models.Index(fields=["start", "end_exclusive"], name="period_close_range_idx"),
        ]

    def __str__(self) -> str:
        state = "已重新开放" if self.reopened_at else "已关账"
        return f"{self.period.display} {state}"

    @property
    def period(self) -> Period:
        return parse_period(self.label)

    @property
    def is_active(self) -> bool:
        return self.reopened_at is None


class WorkdayOverride(models.Model):
    """One day the city declares worked or not, over the holiday calendar (`core.workdays`).

    For years the `chinese_calendar` package does not know yet, these rows are the only
    holidays and 调休 the platform has; for known years they correct it. Seeded with nothing.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=60, help_text="如：春节、国庆节调休上班")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "休息"
        return f"{self.date:%Y-%m-%d} {self.name}（{kind}）"


class StatisticsYear(models.Model):
    """The city's current statistics year (统计年度): the year every page opens on.

    One row at most (pk 1), set by the city on the 关账 page; without it the pages open on
    today's year (`core.periods.statistics_year`). A ``?year=`` in the address still wins.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    year = models.PositiveSmallIntegerField("统计年度")
    updated_at = models.DateTimeField("设置时间", auto_now=True)
    updated_by = user_ref("设置人")
    updated_by_name = models.CharField("设置人姓名", max_length=150, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "统计年度"
        verbose_name_plural = "统计年度"
        # Set by whoever may close periods (core.change_periodclose): no permissions of its own.
        default_permissions = ()

    def __str__(self) -> str:
        return f"统计年度 {self.year}"
