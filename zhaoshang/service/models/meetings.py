"""Joint meetings (联席会议): the agenda the platform proposes, the decisions (议定事项) taken on
each item, and the minutes (会议纪要) that freeze them.

A meeting is called by the city (市投资促进局) and chaired by a leader; it moves from 筹备 to
已召开 to 纪要已印发. Its agenda items keep what they are about as (kind, object_id) — a kind
registered in `service.agenda_sources` ("problem", "review", "element" …), "carried" (an earlier
decision whose tasks are still open; object_id is that decision) or "free" (added by hand, no
object) — with a snapshot of the title, age and project size as proposed. Each decision becomes
tasks (`Task.decision`), tracked to closure on the meeting's page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhaoshang.accounts.models import Department, Unit
from zhaoshang.core.models import TimeStampedModel, user_ref


class MeetingStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    HELD = "held", "已召开"
    ISSUED = "issued", "纪要已印发"


# Agenda kinds the meetings topic owns itself; the others come from `agenda_sources`.
CARRIED = "carried"
FREE = "free"
OWN_KINDS = {CARRIED: "上次会议未办结事项", FREE: "临时议题"}


class JointMeeting(TimeStampedModel):
    """One 联席会议: 2024年第3次重点项目联席会议, its date, place, chair and attendees."""

    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveSmallIntegerField("次数")
    title = models.CharField("会议名称", max_length=100)
    held_on = models.DateField("会议日期")
    place = models.CharField("会议地点", max_length=100)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主持领导",
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    attending_departments = models.ManyToManyField(
        Department, verbose_name="参会部门", blank=True, related_name="joint_meetings"
    )
    attending_units = models.ManyToManyField(
        Unit, verbose_name="参会单位", blank=True, related_name="joint_meetings"
    )
    summary = models.TextField("会议概况", blank=True)
    copy_to = models.CharField("抄送", max_length=300, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PREPARING,
        db_index=True,
    )
    agenda_confirmed_at = models.DateTimeField("议题确认时间", null=True, blank=True)
    agenda_confirmed_by = user_ref("议题确认人")
    minutes_number = models.CharField("纪要文号", max_length=40, blank=True)
    issued_on = models.DateField("纪要印发日期", null=True, blank=True)
    issued_by = user_ref("纪要印发人")
    created_by = user_ref("创建人")

    # The city and city leaders see every meeting (scope all). A department or unit sees the
    # meetings it attends (the whole agenda) and otherwise only the items about its projects
    # and the decisions it owns; a leader or commissioner those they chair or whose items
    # are about the projects they carry. Multi-valued paths: selectors add `.distinct()`.
    scope_paths: dict = {
        "unit": [
            "attending_units",
            "agenda_items__project__unit",
            "decisions__tasks__owner_unit",
        ],
        "department": ["attending_departments", "decisions__tasks__owner_department"],
        "assigned": [
            "chair",
            "agenda_items__project__commissioner",
            "agenda_items__project__lead_leader",
        ],
    }
    version_fields = ("title", "held_on", "place", "chair", "attending_departments",
                      "attending_units", "summary", "copy_to")  # fmt: skip

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="meeting_year_sequence"),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_on__isnull=False),
                name="meeting_issued_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "held_on"], name="meeting_status_held")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_preparing(self) -> bool:
        return self.status == MeetingStatus.PREPARING

    @property
    def is_issued(self) -> bool:
        return self.status == MeetingStatus.ISSUED


class AgendaItem(TimeStampedModel):
    """One item on a meeting's agenda, in the order the city set."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField("顺序")
    kind = models.CharField("类型", max_length=20)
    object_id = models.PositiveBigIntegerField("对象ID", null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    title = models.CharField("议题", max_length=300)
    since = models.DateField("起始日期", null=True, blank=True)
    investment_wan = models.DecimalField(
        "项目总投资（万元）", max_digits=14, decimal_places=2, default=0
    )
    presenter_unit = models.ForeignKey(
        Unit,
        verbose_name="汇报单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    presenter_department = models.ForeignKey(
        Department,
        verbose_name="汇报部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_by = user_ref("添加人")

    # An attending unit or department sees the whole agenda; otherwise a unit sees the items
    # about its projects and a department or unit the items it owns a decision of.
    scope_paths: dict = {
        "unit": [
            "meeting__attending_units",
            "project__unit",
            "decisions__tasks__owner_unit",
        ],
        "department": ["meeting__attending_departments", "decisions__tasks__owner_department"],
        "assigned": ["meeting__chair", "project__commissioner", "project__lead_leader"],
    }

    class Meta:
        verbose_name = "会议议题"
        verbose_name_plural = "会议议题"
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "object_id"],
                condition=Q(object_id__isnull=False),
                name="agenda_item_once_per_meeting",
            ),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="agenda_item_object")]

    def __str__(self) -> str:
        return self.title


class Decision(TimeStampedModel):
    """A decision (议定事项) the meeting took on one agenda item; its tasks carry it out.

    Frozen once the minutes are issued: a later change is a new decision at a later meeting
    (`supersedes` names the one it replaces).
    """

    meeting = models.ForeignKey(
        JointMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="decisions"
    )
    item = models.ForeignKey(
        AgendaItem, verbose_name="议题", on_delete=models.PROTECT, related_name="decisions"
    )
    number = models.PositiveSmallIntegerField("序号", null=True, blank=True)
    text = models.TextField("议定内容")
    supersedes = models.ForeignKey(
        "self",
        verbose_name="替代的议定事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    created_by = user_ref("记录人")

    scope_paths: dict = {
        "unit": ["meeting__attending_units", "item__project__unit", "tasks__owner_unit"],
        "department": ["meeting__attending_departments", "tasks__owner_department"],
        "assigned": ["meeting__chair", "item__project__commissioner", "item__project__lead_leader"],
    }
    version_fields = ("text",)

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["meeting", "number", "id"]

    def __str__(self) -> str:
        return self.text[:60]
