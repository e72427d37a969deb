"""In-app notifications: one row per recipient and notice, read or not."""

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        """A user's own notices: whatever the role's scope, nobody reads another's."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)


class Notification(models.Model):
    """A notice to one user. `key` makes sending idempotent: a reminder job that runs twice
    (or a retried task) does not notify twice for the same thing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类型", max_length=40, db_index=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    key = models.CharField("去重键", max_length=120, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The centre's list: a user's notices newest first, read in index order.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        from . import kinds

        try:
            return kinds.get(self.kind).label
        except LookupError:  # a kind whose app was removed: its notices stay readable
            return self.kind


class Mute(models.Model):
    """A kind of notice a user chose not to receive (in-app or outbound). Only kinds registered
    `mutable` may be muted (`services.mute_set` checks)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notice_mutes",
    )
    kind = models.CharField("类型", max_length=40)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "免打扰"
        verbose_name_plural = "免打扰"
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_mute_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class Channel(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    EMAIL = "email", "电子邮件"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Delivery(models.Model):
    """One outbound delivery of a notice on one channel, and how it went.

    E-mail goes to each recipient, so each notice has its own; a group robot (企业微信, 钉钉)
    posts once per `notify()` call, recorded on the first notice of the call, naming all its
    recipients. The in-app notice exists whatever happens here.
    """

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices)
    # A group robot's message names everyone the call notified.
    audience = models.CharField("接收人", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "外发记录"
        verbose_name_plural = "外发记录"
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notice_delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "channel"], name="notice_delivery_status")]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.status}"


class Digest(models.Model):
    """The daily digest sent to one user on one day: at most one (the job may run twice)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notice_digests",
    )
    on = models.DateField("日期")
    unread = models.PositiveIntegerField("未读数")
    status = models.CharField(
        "状态", max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "每日摘要"
        verbose_name_plural = "每日摘要"
        ordering = ["-on", "-id"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["user", "on"], name="notice_digest_daily")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.on}"
