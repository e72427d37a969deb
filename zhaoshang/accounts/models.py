"""Organisation units, departments and users with their role; users' API tokens."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zhaoshang.core import masking
from zhaoshang.core.permissions import RestrictedQuerySet, Scope

from .roles import ROLE_SCOPE, Role


class UnitKind(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区"
    COUNTY = "county", "县"
    COUNTY_CITY = "county_city", "县级市"
    ZONE = "zone", "功能区"


class Track(models.TextChoices):
    """Ranking track (赛道/分类) a unit competes in."""

    COUNTY = "county", "县市区"
    ZONE = "zone", "功能区"
    NONE = "none", "不参与排名"


class Unit(models.Model):
    """The city, a county-level unit or a functional zone: owner of leads, projects and goals."""

    code = models.CharField("代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    short_name = models.CharField("简称", max_length=20)
    kind = models.CharField("类型", max_length=16, choices=UnitKind.choices)
    track = models.CharField("排名赛道", max_length=8, choices=Track.choices, default=Track.COUNTY)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT
    )
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_city(self) -> bool:
        return self.kind == UnitKind.CITY


class Department(models.Model):
    """A functional department (职能部门) to which problems are routed."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    short_name = models.CharField("简称", max_length=20)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "职能部门"
        verbose_name_plural = "职能部门"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ApprovalReason(models.TextChoices):
    """Why an account waits for the security administrator (三员分立)."""

    CREATED = "created", "新建账号"
    RESET = "reset", "重置密码"
    CHANGED = "changed", "变更角色或单位"
    ENABLED = "enabled", "重新启用"


class User(AbstractUser):
    """A person using the platform, with one role and the unit or department it binds to.

    An account the system administrator creates, re-binds, re-enables or whose password it
    resets stays inactive (`approval_pending`) until the security administrator approves it;
    a password set by someone else must be changed at the next login (`must_change_password`).
    """

    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT
    )
    display_name = models.CharField("姓名", max_length=30, blank=True)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    approval_pending = models.BooleanField("待安全管理员审核", default=False)
    approval_reason = models.CharField(
        "待审核原因", max_length=16, choices=ApprovalReason.choices, blank=True
    )
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    scope_paths: dict = {"unit": "unit", "department": "department", "assigned": "pk"}
    # An account's phone number is masked in lists and in the audit log's snapshots.
    personal_fields = {"phone": masking.PHONE}
    # What the account page edits (`user_update`), so what makes its form stale (core.concurrency):
    # a login (last_login) or a password change does not.
    version_fields = (
        "role", "unit", "department", "display_name", "title", "phone", "email", "is_active",
    )  # fmt: skip

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]
        permissions = [("approve_user", "审核账号")]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def scope(self) -> Scope:
        if not self.is_active or not self.role:
            return Scope.NONE
        scope = ROLE_SCOPE.get(self.role, Scope.NONE)
        if scope == Scope.UNIT and self.unit_id and self.unit.is_city:
            return Scope.ALL
        return scope

    def clean(self) -> None:
        super().clean()
        if self.role in (Role.UNIT_STAFF, Role.LEADER) and not self.unit_id:
            raise ValidationError({"unit": "该角色必须绑定单位"})
        if self.role == Role.DEPT_STAFF and not self.department_id:
            raise ValidationError({"department": "职能部门人员必须绑定部门"})


class RoleDefaultGrant(models.Model):
    """A default permission of a role (`roles.ROLE_PERMISSIONS`) that has been granted once.

    `services.role_groups_sync` grants a role only the defaults it has no row for yet, so a
    permission the system administrator took away is not granted again on the next deploy,
    while a permission a new release adds to the defaults still reaches the role.
    """

    role = models.CharField("角色", max_length=16, choices=Role.choices)
    permission = models.CharField("权限", max_length=255, help_text="app_label.codename")
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色默认权限记录"
        verbose_name_plural = "角色默认权限记录"
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["role", "permission"], name="role_default_grant_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.permission}"


class ApiToken(models.Model):
    """A user's API token, stored only as the digest of its key (`Authorization: Token …`).

    The key has 256 random bits and is shown once, when it is issued (`tokens.token_issue`);
    afterwards nobody — not the database's reader, a backup or the administrator — can read it
    again. A plain digest suffices (no salt, no slow hash): the key is random, not a password.
    A user has at most one token.
    """

    digest = models.CharField("摘要", max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    created = models.DateTimeField("签发时间", default=timezone.now)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        default_permissions = ()

    def __str__(self) -> str:
        return f"API令牌（{self.user_id}）"

    @staticmethod
    def digest_of(key: str) -> str:
        """The SHA-256 digest (hex) under which a token's key is stored and looked up."""
        return hashlib.sha256(key.encode()).hexdigest()
