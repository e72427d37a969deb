"""Outreach records (#12): visits (登门拜访, the 千百工程) and the organisations visited that are not
enterprises, with the rule that keeps units from crowding one enterprise (the conflict window).

A visit belongs to one unit; it is planned (the calendar, which makes a conflict visible before
the trip), done (with its outcome) or cancelled. Who went is a list of participants with their
level (市主要领导 … 工作人员): the indicators count leader 人次 from it. Trips and events (#12
§2): an outbound trip (外出招商) of a unit, its delegation (the same levels; one trip is one 人次
per leader in it), the visits made on it (a visit cites its trip) and the projects it advanced;
an event (推介会 …) with its participants and the projects signed at it, whose contracted amount
is the project's own. Campaigns (会战) live in projects, which cite them; visits, trips and events
cite one the same way.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from zhaoshang.core import masking
from zhaoshang.core.models import TimeStampedModel, user_ref
from zhaoshang.core.permissions import RestrictedQuerySet

CONFLICT_DAYS_DEFAULT = 7


class VisitRules(models.Model):
    """The city's rules for visits: one row, created on first edit, audited."""

    conflict_days = models.PositiveSmallIntegerField(
        "拜访冲突提醒窗口（天）",
        default=CONFLICT_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="其他单位在该天数内已拜访或已计划拜访同一企业时提醒，须确认后才能保存",
    )

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "拜访规则"
        verbose_name_plural = "拜访规则"

    def __str__(self) -> str:
        return "拜访规则"

    @classmethod
    def current(cls) -> VisitRules:
        """The stored rules, or the defaults when the city has never edited them."""
        return cls.objects.order_by("pk").first() or cls()


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", "商协会"
    INSTITUTION = "institution", "机构"
    OTHER = "other", "其他"


class Organisation(TimeStampedModel):
    """A 商协会 or an institution visited that is not an enterprise of the registry."""

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=12, choices=OrganisationKind.choices)
    city = models.CharField("所在城市", max_length=50, blank=True)
    created_by = user_ref("登记人")

    # Shared like the enterprise registry: every unit may visit the same 商会.
    scope_shared = True

    class Meta:
        verbose_name = "商协会/机构"
        verbose_name_plural = "商协会/机构"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="organisation_name_city_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.city}）" if self.city else self.name


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    DONE = "done", "已拜访"
    CANCELLED = "cancelled", "已取消"


# Visits that count for conflicts and the calendar (a cancelled one is kept, but counts nowhere).
LIVE_STATUSES = (VisitStatus.PLANNED, VisitStatus.DONE)


class VisitOutcome(models.TextChoices):
    NEW_LEAD = "new_lead", "新线索"
    ADVANCING = "advancing", "在谈推进"
    INTENT = "intent", "签约意向"
    NONE = "none", "无进展"


class Visit(TimeStampedModel):
    """One visit of a unit to enterprises or an organisation, planned or done."""

    date = models.DateField("拜访日期", db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="visits"
    )
    status = models.CharField(
        "状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.DONE
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name="拜访企业",
        through="VisitEnterprise",
        blank=True,
        related_name="visits",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="商协会/机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    city = models.CharField("拜访城市", max_length=50, blank=True, help_text="在聊城市内可不填")
    outbound = models.BooleanField("外出（聊城市外）", default=False)
    purpose = models.CharField("拜访目的", max_length=300, blank=True)
    outcome = models.CharField("拜访成效", max_length=12, choices=VisitOutcome.choices, blank=True)
    notes = models.TextField("情况记录", max_length=4000, blank=True)
    follow_up_on = models.DateField("下次跟进日期", null=True, blank=True)
    met_name = models.CharField("对方接洽人", max_length=50, blank=True)
    met_phone = models.CharField("接洽人电话", max_length=20, blank=True)
    projects = models.ManyToManyField(
        "projects.Project", verbose_name="推进的项目", blank=True, related_name="visits"
    )
    lead = models.ForeignKey(
        "projects.Project",
        verbose_name="生成的线索",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_visits",
    )
    campaign = models.ForeignKey(
        "projects.Campaign",
        verbose_name="招商会战",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    trip = models.ForeignKey(
        "activities.Trip",
        verbose_name="所属外出招商",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    created_by = user_ref("登记人")

    # A unit (its staff and leaders) sees its own visits; the city and city leaders all.
    scope_paths: dict = {"unit": "unit"}
    personal_fields = {"met_phone": masking.PHONE}
    version_fields = (
        "date", "unit", "status", "organisation", "city", "outbound", "purpose", "outcome",
        "notes", "follow_up_on", "met_name", "met_phone", "campaign", "lead", "cancel_reason",
        "trip",
    )  # fmt: skip

    class Meta:
        verbose_name = "拜访"
        verbose_name_plural = "拜访"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["unit", "date"], name="visit_unit_date"),
            models.Index(fields=["status", "date"], name="visit_status_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=models.F("date")),
                name="visit_follow_up_after_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.target_label}"

    @property
    def target_label(self) -> str:
        """What was visited, for lists and titles (uses prefetched enterprises when present)."""
        names = [e.name for e in self.enterprises.all()] if self.pk else []
        if self.organisation_id:
            names.append(str(self.organisation))
        return "、".join(names) or "（未填写拜访对象）"


class LeaderLevel(models.TextChoices):
    CITY_MAIN = "city_main", "市主要领导"
    CITY = "city", "市级领导"
    COUNTY_MAIN = "county_main", "县党政主要负责同志"
    STAFF = "staff", "工作人员"


# Highest first: a visit's leader level is the highest among its participants.
LEVEL_RANK = {
    LeaderLevel.CITY_MAIN: 0,
    LeaderLevel.CITY: 1,
    LeaderLevel.COUNTY_MAIN: 2,
    LeaderLevel.STAFF: 3,
}


class VisitParticipant(models.Model):
    """One person who went: a user of the platform or a name typed in, and their level."""

    visit = models.ForeignKey(
        Visit, verbose_name="拜访", on_delete=models.CASCADE, related_name="participants"
    )
    user = user_ref("用户")
    name = models.CharField("姓名", max_length=50)
    level = models.CharField(
        "级别", max_length=12, choices=LeaderLevel.choices, default=LeaderLevel.STAFF
    )

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "visit__unit"}

    class Meta:
        verbose_name = "拜访人员"
        verbose_name_plural = "拜访人员"
        ordering = ["id"]
        indexes = [models.Index(fields=["level"], name="visit_participant_level")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class VisitEnterprise(models.Model):
    """An enterprise visited (the visit's many-to-many to the registry)."""

    visit = models.ForeignKey(
        Visit, verbose_name="拜访", on_delete=models.CASCADE, related_name="visit_enterprises"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="visit_links",
    )

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "visit__unit"}

    class Meta:
        verbose_name = "拜访企业"
        verbose_name_plural = "拜访企业"
        constraints = [
            models.UniqueConstraint(fields=["visit", "enterprise"], name="visit_enterprise_once")
        ]
        indexes = [models.Index(fields=["enterprise", "visit"], name="visit_enterprise_lookup")]

    def __str__(self) -> str:
        return f"{self.visit_id} → {self.enterprise_id}"


class VisitPhoto(models.Model):
    """A photo of the visit (optional, bounded; its type read from its content)."""

    visit = models.ForeignKey(
        Visit, verbose_name="拜访", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to="visits/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=20)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = user_ref("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "visit__unit"}

    class Meta:
        verbose_name = "拜访照片"
        verbose_name_plural = "拜访照片"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- 外出招商 and 集中活动 (#12 §2) ---------------------------------------------------------------


class Trip(TimeStampedModel):
    """An outbound trip (外出招商) of a unit's delegation: dates, cities, purpose, the visits made
    on it (`Visit.trip`) and the projects it advanced."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="trips"
    )
    starts_on = models.DateField("出发日期", db_index=True)
    ends_on = models.DateField("返回日期")
    cities = models.CharField("赴访城市", max_length=200, help_text="多个城市用顿号分隔")
    purpose = models.CharField("外出目的", max_length=300, blank=True)
    notes = models.TextField("情况记录", max_length=4000, blank=True)
    projects = models.ManyToManyField(
        "projects.Project", verbose_name="推进的项目", blank=True, related_name="trips"
    )
    campaign = models.ForeignKey(
        "projects.Campaign",
        verbose_name="招商会战",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trips",
    )
    created_by = user_ref("登记人")

    scope_paths: dict = {"unit": "unit"}
    version_fields = ("unit", "starts_on", "ends_on", "cities", "purpose", "notes", "campaign")

    class Meta:
        verbose_name = "外出招商"
        verbose_name_plural = "外出招商"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["unit", "starts_on"], name="trip_unit_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="trip_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} {self.cities}"

    @property
    def leader(self) -> TripParticipant | None:
        """The one who led the delegation (uses prefetched participants when present)."""
        return next((p for p in self.participants.all() if p.leads), None)


class TripParticipant(models.Model):
    """One member of a trip's delegation, with the visits' levels; one of them leads it."""

    trip = models.ForeignKey(
        Trip, verbose_name="外出招商", on_delete=models.CASCADE, related_name="participants"
    )
    user = user_ref("用户")
    name = models.CharField("姓名", max_length=50)
    level = models.CharField(
        "级别", max_length=12, choices=LeaderLevel.choices, default=LeaderLevel.STAFF
    )
    leads = models.BooleanField("带队", default=False)

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "trip__unit"}

    class Meta:
        verbose_name = "外出招商人员"
        verbose_name_plural = "外出招商人员"
        ordering = ["-leads", "id"]
        indexes = [models.Index(fields=["level"], name="trip_participant_level")]
        constraints = [
            models.UniqueConstraint(fields=["trip", "name"], name="trip_participant_once"),
            models.UniqueConstraint(
                fields=["trip"], condition=Q(leads=True), name="trip_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class EventKind(models.TextChoices):
    PROMOTION = "promotion", "推介会"
    WEEK = "week", "招商周"
    EXPO = "expo", "展会"
    SIGNING = "signing", "签约仪式"
    TEA = "tea", "下午茶"
    SALON = "salon", "企业家沙龙"


class Event(TimeStampedModel):
    """A concentrated event (推介会, 招商周 …) a unit organised, in Liaocheng or outbound: who
    took part (enterprises of the registry and people) and the projects signed at it. The
    amount signed is each project's own contracted investment, never typed here again."""

    name = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=12, choices=EventKind.choices)
    date = models.DateField("活动日期", db_index=True)
    place = models.CharField("活动地点", max_length=200)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="主办单位", on_delete=models.PROTECT, related_name="events"
    )
    outbound = models.BooleanField("外出举办（聊城市外）", default=False)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name="参会企业", blank=True, related_name="events"
    )
    projects_signed = models.ManyToManyField(
        "projects.Project", verbose_name="现场签约项目", blank=True, related_name="signing_events"
    )
    campaign = models.ForeignKey(
        "projects.Campaign",
        verbose_name="招商会战",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    notes = models.TextField("情况记录", max_length=4000, blank=True)
    created_by = user_ref("登记人")

    scope_paths: dict = {"unit": "unit"}
    version_fields = ("name", "kind", "date", "place", "unit", "outbound", "campaign", "notes")

    class Meta:
        verbose_name = "集中活动"
        verbose_name_plural = "集中活动"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="event_unit_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class EventParticipant(models.Model):
    """A person who took part in an event (a leader attending counts as one attendance)."""

    event = models.ForeignKey(
        Event, verbose_name="活动", on_delete=models.CASCADE, related_name="participants"
    )
    user = user_ref("用户")
    name = models.CharField("姓名", max_length=50)
    level = models.CharField(
        "级别", max_length=12, choices=LeaderLevel.choices, default=LeaderLevel.STAFF
    )

    objects = RestrictedQuerySet.as_manager()
    scope_paths: dict = {"unit": "event__unit"}

    class Meta:
        verbose_name = "活动参加人员"
        verbose_name_plural = "活动参加人员"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="event_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"
