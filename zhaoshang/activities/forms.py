"""Page forms of visits: the phone-sized entry form (also the edit form), the steps' dialogs,
the city's conflict window; the trip and event forms (also their edit forms)."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core import masking
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.permissions import Scope
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.forms import MultipleFileField, MultipleFileInput
from zhaoshang.projects.models import Campaign, Project, Stage
from zhaoshang.projects.services.photos import PHOTO_HELP

from .models import (
    EventKind,
    LeaderLevel,
    OrganisationKind,
    Trip,
    Visit,
    VisitOutcome,
    VisitStatus,
)
from .services import MemberInput, ParticipantInput

PARTICIPANT_ROWS = 4
ACCEPT_PHOTOS = "image/jpeg,image/png,image/webp"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="状态",
        choices=[(VisitStatus.DONE, "已拜访"), (VisitStatus.PLANNED, "计划拜访")],
        initial=VisitStatus.DONE,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(label="拜访日期", widget=DATE)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.all(), required=False)
    enterprises = forms.ModelMultipleChoiceField(
        label="拜访企业", queryset=Enterprise.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label="或：商协会/机构名称", max_length=200, required=False,
        help_text="拜访的不是企业库中的企业时填写，如：深圳山东商会",
    )  # fmt: skip
    organisation_kind = forms.ChoiceField(
        label="类型", choices=[("", "—"), *OrganisationKind.choices], required=False
    )
    organisation_city = forms.CharField(label="所在城市", max_length=50, required=False)
    outbound = forms.BooleanField(label="外出拜访（聊城市外）", required=False)
    city = forms.CharField(label="拜访城市", max_length=50, required=False)
    purpose = forms.CharField(label="拜访目的", max_length=300, required=False)
    outcome = forms.ChoiceField(
        label="拜访成效", choices=[("", "—"), *VisitOutcome.choices], required=False,
        help_text="已拜访时必填",
    )  # fmt: skip
    notes = forms.CharField(
        label="情况记录", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    follow_up_on = forms.DateField(label="下次跟进日期", required=False, widget=DATE)
    met_name = forms.CharField(label="对方接洽人", max_length=50, required=False)
    met_phone = forms.CharField(
        label="接洽人电话", max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text="仅本单位与市投资促进局可见，页面上遮蔽显示",
    )  # fmt: skip
    projects = forms.ModelMultipleChoiceField(
        label="推进的项目", queryset=Project.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip
    campaign = forms.ModelChoiceField(
        label="招商会战", queryset=Campaign.objects.all(), required=False
    )
    trip = forms.ModelChoiceField(
        label="所属外出招商", queryset=Trip.objects.none(), required=False,
        help_text="外出招商途中的拜访，选择本单位的那次外出",
    )  # fmt: skip
    photos = MultipleFileField(
        label="现场照片", required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_PHOTOS}),
        help_text=PHOTO_HELP,
    )  # fmt: skip
    acknowledge_conflicts = forms.BooleanField(label="我已知晓以上提示，仍要保存", required=False)

    def __init__(self, *args: Any, user: Any, visit: Visit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.visit = user, visit
        self.fields["enterprises"].queryset = Enterprise.objects.restrict(user, "view")
        projects = Project.objects.restrict(user, "view").exclude(stage=Stage.DROPPED)
        self.fields["projects"].queryset = projects.select_related("unit").order_by("name")
        self.fields["projects"].label_from_instance = lambda p: f"{p.name}（{p.unit.short_name}）"
        self.fields["trip"].queryset = (
            Trip.objects.restrict(user, "view").select_related("unit").order_by("-starts_on")
        )
        self.fields["trip"].label_from_instance = lambda t: (
            f"{t.starts_on:%Y-%m-%d} {t.cities}（{t.unit.short_name}）"
        )
        if visit is not None:
            del self.fields["status"]  # a planned visit is completed or cancelled by its steps
        if getattr(user, "scope", None) != Scope.ALL:
            del self.fields["unit"]  # a county enters its own unit's visits
        else:
            self.fields["unit"].required = True
        levels = LeaderLevel.choices
        for i in range(PARTICIPANT_ROWS):
            self.fields[f"participant_{i}_name"] = forms.CharField(
                label=f"人员{i + 1}", max_length=50, required=False
            )
            self.fields[f"participant_{i}_level"] = forms.ChoiceField(
                label=f"人员{i + 1}级别", choices=levels, initial=LeaderLevel.STAFF, required=False
            )
        if visit is not None and visit.met_phone:
            self.initial.setdefault("met_phone", masking.mask_phone(visit.met_phone))

    def participant_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"participant_{i}_name"], self[f"participant_{i}_level"])
            for i in range(PARTICIPANT_ROWS)
        ]

    def selected_enterprises(self) -> list[Enterprise]:
        if self.is_bound:
            ids = [v for v in self.data.getlist(self.add_prefix("enterprises")) if v.isdigit()]
            return list(self.fields["enterprises"].queryset.filter(pk__in=ids))
        return list(self.initial.get("enterprises") or [])

    def participants(self) -> list[ParticipantInput]:
        me = getattr(self.user, "display_name", "") or getattr(self.user, "username", "")
        rows = []
        for i in range(PARTICIPANT_ROWS):
            name = (self.cleaned_data.get(f"participant_{i}_name") or "").strip()
            level = self.cleaned_data.get(f"participant_{i}_level") or LeaderLevel.STAFF
            if name:
                rows.append(ParticipantInput(name=name, level=level,
                                             user=self.user if name == me else None))  # fmt: skip
        return rows

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data.get(name)
            for name in ("date", "city", "outbound", "purpose", "outcome", "notes",
                         "follow_up_on", "met_name", "met_phone", "campaign", "trip")
        }  # fmt: skip
        fields["outcome"] = fields["outcome"] or ""
        for name in ("city", "purpose", "notes", "met_name", "met_phone"):
            fields[name] = fields[name] or ""
        if "unit" in self.fields:
            fields["unit"] = data.get("unit")
        return fields


def visit_initial(visit: Visit) -> dict[str, Any]:
    """The edit form's values from a stored visit (the phone masked)."""
    initial: dict[str, Any] = {
        name: getattr(visit, name)
        for name in ("status", "date", "unit", "city", "outbound", "purpose", "outcome", "notes",
                     "follow_up_on", "met_name", "campaign", "trip")
    }  # fmt: skip
    initial["enterprises"] = list(visit.enterprises.all())
    initial["projects"] = list(visit.projects.all())
    if visit.organisation_id:
        org = visit.organisation
        initial.update(organisation_name=org.name, organisation_kind=org.kind,
                       organisation_city=org.city)  # fmt: skip
    for i, person in enumerate(visit.participants.order_by("id")[:PARTICIPANT_ROWS]):
        initial[f"participant_{i}_name"] = person.name
        initial[f"participant_{i}_level"] = person.level
    return initial


class CompleteForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label="拜访成效", choices=VisitOutcome.choices)
    date = forms.DateField(label="实际拜访日期", required=False, widget=DATE,
                           help_text="不填则为计划日期（若仍在今天之后则为今天）")  # fmt: skip
    notes = forms.CharField(label="情况记录", max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    follow_up_on = forms.DateField(label="下次跟进日期", required=False, widget=DATE)


class CancelForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="取消原因", max_length=300)


class RulesForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    conflict_days = forms.IntegerField(
        label="拜访冲突提醒窗口（天）", min_value=1, max_value=90,
        help_text="其他单位在该天数内已拜访或已计划拜访同一企业时提醒，须确认后才能保存",
    )  # fmt: skip


# --- 外出招商 and 集中活动 (#12 §2) -----------------------------------------------------------------

MEMBER_ROWS = 6


class _MembersMixin:
    """Rows of people (name and level) on a phone-sized form; a trip's also say who leads."""

    member_rows = MEMBER_ROWS
    with_leader = False

    def add_member_fields(self) -> None:
        for i in range(self.member_rows):
            self.fields[f"participant_{i}_name"] = forms.CharField(
                label=f"人员{i + 1}", max_length=50, required=False
            )
            self.fields[f"participant_{i}_level"] = forms.ChoiceField(
                label=f"人员{i + 1}级别", choices=LeaderLevel.choices, initial=LeaderLevel.STAFF,
                required=False,
            )  # fmt: skip
        if self.with_leader:
            self.fields["leader"] = forms.ChoiceField(
                label="带队领导", required=False, widget=forms.RadioSelect,
                choices=[(str(i), f"人员{i + 1}") for i in range(self.member_rows)],
                help_text="在带队的那一位旁选中",
            )  # fmt: skip

    def member_rows_bound(self) -> list[tuple[Any, ...]]:
        return [
            (self[f"participant_{i}_name"], self[f"participant_{i}_level"], str(i))
            for i in range(self.member_rows)
        ]

    def members(self) -> list[MemberInput]:
        leader = self.cleaned_data.get("leader") if self.with_leader else None
        rows = []
        for i in range(self.member_rows):
            name = (self.cleaned_data.get(f"participant_{i}_name") or "").strip()
            level = self.cleaned_data.get(f"participant_{i}_level") or LeaderLevel.STAFF
            if name:
                rows.append(MemberInput(name=name, level=level, leads=leader == str(i)))
        return rows


def members_initial(people: Any) -> dict[str, Any]:
    """The rows' initial values from stored people (a trip's leader selected)."""
    initial: dict[str, Any] = {}
    for i, person in enumerate(list(people)[:MEMBER_ROWS]):
        initial[f"participant_{i}_name"] = person.name
        initial[f"participant_{i}_level"] = person.level
        if getattr(person, "leads", False):
            initial["leader"] = str(i)
    return initial


def _unit_field(form: forms.Form, user: Any) -> None:
    if getattr(user, "scope", None) != Scope.ALL:
        del form.fields["unit"]  # a county enters its own unit's records
    else:
        form.fields["unit"].required = True


class TripForm(_MembersMixin, VersionedFormMixin, BootstrapFormMixin, forms.Form):
    with_leader = True

    starts_on = forms.DateField(label="出发日期", widget=DATE)
    ends_on = forms.DateField(label="返回日期", widget=DATE, required=False,
                              help_text="不填为出发当天")  # fmt: skip
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.all(), required=False)
    cities = forms.CharField(label="赴访城市", max_length=200, help_text="多个城市用顿号分隔")
    purpose = forms.CharField(label="外出目的", max_length=300, required=False)
    notes = forms.CharField(
        label="情况记录", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    projects = forms.ModelMultipleChoiceField(
        label="推进的项目", queryset=Project.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip
    campaign = forms.ModelChoiceField(
        label="招商会战", queryset=Campaign.objects.all(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        projects = Project.objects.restrict(user, "view").exclude(stage=Stage.DROPPED)
        self.fields["projects"].queryset = projects.select_related("unit").order_by("name")
        self.fields["projects"].label_from_instance = lambda p: f"{p.name}（{p.unit.short_name}）"
        _unit_field(self, user)
        self.add_member_fields()

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {n: data.get(n) for n in ("starts_on", "ends_on", "cities", "campaign")}
        fields["ends_on"] = fields["ends_on"] or fields["starts_on"]
        for name in ("purpose", "notes"):
            fields[name] = data.get(name) or ""
        if "unit" in self.fields:
            fields["unit"] = data.get("unit")
        return fields


def trip_initial(trip: Any) -> dict[str, Any]:
    initial = {
        n: getattr(trip, n)
        for n in ("starts_on", "ends_on", "unit", "cities", "purpose", "notes", "campaign")
    }
    initial["projects"] = list(trip.projects.all())
    initial.update(members_initial(trip.participants.all()))
    return initial


class EventForm(_MembersMixin, VersionedFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="活动名称", max_length=200)
    kind = forms.ChoiceField(label="活动类型", choices=[("", "—"), *EventKind.choices])
    date = forms.DateField(label="活动日期", widget=DATE)
    place = forms.CharField(label="活动地点", max_length=200)
    unit = forms.ModelChoiceField(label="主办单位", queryset=Unit.objects.all(), required=False)
    outbound = forms.BooleanField(label="外出举办（聊城市外）", required=False)
    enterprises = forms.ModelMultipleChoiceField(
        label="参会企业", queryset=Enterprise.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip
    projects_signed = forms.ModelMultipleChoiceField(
        label="现场签约项目", queryset=Project.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="只列已签约的项目；合同投资取自项目的签约登记，无需再填",
    )  # fmt: skip
    campaign = forms.ModelChoiceField(
        label="招商会战", queryset=Campaign.objects.all(), required=False
    )
    notes = forms.CharField(
        label="情况记录", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprises"].queryset = Enterprise.objects.restrict(user, "view").order_by(
            "name"
        )
        signed = Project.objects.restrict(user, "view").filter(signed_on__isnull=False)
        self.fields["projects_signed"].queryset = signed.select_related("unit").order_by("name")
        self.fields["projects_signed"].label_from_instance = lambda p: (
            f"{p.name}（{p.unit.short_name}）"
        )
        _unit_field(self, user)
        self.add_member_fields()

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {n: data.get(n) for n in ("name", "kind", "date", "place", "outbound", "campaign")}
        fields["notes"] = data.get("notes") or ""
        if "unit" in self.fields:
            fields["unit"] = data.get("unit")
        return fields


def event_initial(event: Any) -> dict[str, Any]:
    initial = {
        n: getattr(event, n)
        for n in ("name", "kind", "date", "place", "unit", "outbound", "campaign", "notes")
    }
    initial["enterprises"] = list(event.enterprises.all())
    initial["projects_signed"] = list(event.projects_signed.all())
    initial.update(members_initial(event.participants.all()))
    return initial
