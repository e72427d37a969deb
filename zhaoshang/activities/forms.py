"""Page forms of visits: the phone-sized entry form (also the edit form), the steps' dialogs,
the city's conflict window."""

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
    LeaderLevel,
    OrganisationKind,
    Visit,
    VisitOutcome,
    VisitStatus,
)
from .services import ParticipantInput

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
                         "follow_up_on", "met_name", "met_phone", "campaign")
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
                     "follow_up_on", "met_name", "campaign")
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
