"""Forms of the project pages. They only parse and type the input; rules live in the services.

Evidence uploads are one field (`EvidenceField`) made of a few rows, each a material kind with
one or more files, so that a service error keyed `evidence` lands next to the upload rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone

from zhaoshang.accounts.models import Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core.converters import parse_id
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.permissions import Scope
from zhaoshang.enterprises.models import Enterprise

from .models import (
    STAGE_ORDER,
    EvidenceKind,
    FundsSource,
    Project,
    Stage,
)
from .services import EvidenceFile, staging
from .services.evidence import check_files
from .services.projects import EDITABLE_FIELDS
from .stage_rules import FUNDS_EVIDENCE, STAGE_RULES, evidence_label, is_backward

ACCEPT_EVIDENCE = ".pdf,.ofd,.jpg,.jpeg,.png,.webp,.heic,.doc,.docx,.xls,.xlsx,.wps,.et"
ACCEPT_PHOTOS = ".jpg,.jpeg,.png,.webp,.heic"
CONFIRM_EARLY = "确认该月份早于签约日期"


# --- widgets and fields -------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.TextInput):
    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


_MONTH = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*(?:月|[-/.]\d{1,2})?\s*$")


class MonthField(forms.Field):
    """A month typed as YYYY-MM (the browser's month picker); cleaned to its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": "请按“年-月”填写月份，例如 2024-03"}

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        match = _MONTH.match(str(value))
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 1990:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.date(year, month, 1)


class DirectionSelect(forms.Select):
    """The 细分方向 select: each option names its 产业 (`data-industry`), so the page lists only
    the directions of the chosen industry (projects/direction_filter.js); the service refuses a
    direction of another industry whatever is posted."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-industry"] = str(instance.industry_id)
        return option


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class EvidenceWidget(forms.Widget):
    """Rows of (material kind, files). Posts `<name>-<i>-kind` and `<name>-<i>-file`."""

    template_name = "projects/widgets/evidence.html"
    needs_multipart_form = True
    bootstrap_class = ""  # its rows style their own selects and file inputs

    def __init__(
        self,
        *,
        rows: int = 3,
        kinds: Sequence[tuple[str, str]] = (),
        accept: str = ACCEPT_EVIDENCE,
        attrs: dict | None = None,
    ) -> None:
        super().__init__(attrs)
        self.rows = rows
        self.kinds = list(kinds)
        self.accept = accept
        self.selected: list[str] = []
        self.kept: dict[int, list[tuple[int, str]]] = {}  # row → (kept id, file name)
        self.row_errors: dict[int, list[str]] = {}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[tuple[int, str, Any]]:
        """(row, kind, file) for each file chosen, and (row, kind, `Kept`) for each file kept
        from a failed submission and still ticked."""
        items: list[tuple[int, str, Any]] = []
        for i in range(self.rows):
            kind = data.get(f"{name}-{i}-kind", "")
            kept = data.getlist(f"{name}-{i}-kept") if hasattr(data, "getlist") else []
            items += [(i, kind, Kept(pk)) for v in kept if (pk := parse_id(v)) is not None]
            uploaded = files.getlist(f"{name}-{i}-file") if hasattr(files, "getlist") else []
            items += [(i, kind, f) for f in uploaded if f]
        return items

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-0-file" if id_ else ""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        values = [k for k, _ in self.kinds]
        default = (
            EvidenceKind.OTHER if EvidenceKind.OTHER in values else values[0] if values else ""
        )
        context["widget"]["rows"] = [
            {
                "index": i,
                "number": i + 1,
                "kind": self.selected[i] if i < len(self.selected) else default,
                "kept": self.kept.get(i, []),
                "errors": self.row_errors.get(i, []),
            }
            for i in range(self.rows)
        ]
        context["widget"]["kinds"] = self.kinds
        context["widget"]["accept"] = self.accept
        return context


@dataclass(frozen=True)
class Kept:
    """A file kept from a failed submission (`StagedUpload`), by id."""

    pk: int


class EvidenceField(forms.Field):
    """Evidence files, each with the kind of material it is; cleaned to `EvidenceFile`s.

    Each file is checked on its own (`check_files`): a file in error is marked on its row, the
    others are `accepted`, so that a dialog sent back keeps them (`keep_chosen_files`).
    `owner` (the form's user) may use the files kept for them (`services.staging`).
    """

    default_error_messages = {
        "required": "请上传证明材料",
        "kind": "请为每个上传的文件选择材料类型",
        "expired": "暂存的文件已过期，请重新选择",
    }
    owner: Any = None

    def __init__(
        self,
        *,
        rows: int = 3,
        kinds: Iterable[str] | None = None,
        accept: str = ACCEPT_EVIDENCE,
        **kwargs: Any,
    ) -> None:
        values = list(kinds) if kinds is not None else list(EvidenceKind.values)
        self.kinds = [(v, str(EvidenceKind(v).label)) for v in values]
        kwargs.setdefault("widget", EvidenceWidget(rows=rows, kinds=self.kinds, accept=accept))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[EvidenceFile]:
        allowed = {k for k, _ in self.kinds}
        self.accepted: list[tuple[int, str, EvidenceFile, int | None]] = []
        self.row_errors: dict[int, list[str]] = {}
        items = list(value or [])
        kept = staging.kept_files(
            owner=self.owner, ids=[item.pk for _, _, item in items if isinstance(item, Kept)]
        )
        for row, kind, item in items:
            if kind not in allowed:
                self.row_errors.setdefault(row, []).append(self.error_messages["kind"])
                continue
            if isinstance(item, Kept):
                if item.pk not in kept:
                    self.row_errors.setdefault(row, []).append(self.error_messages["expired"])
                    continue
                file = EvidenceFile(kind=kind, file=staging.opened(kept[item.pk]))
                self.accepted.append((row, kind, file, item.pk))
                continue
            file = EvidenceFile(kind=kind, file=item)
            try:
                check_files([file])
            except ValidationError as exc:
                self.row_errors.setdefault(row, []).extend(exc.messages)
                continue
            self.accepted.append((row, kind, file, None))
        self.widget.row_errors = self.row_errors
        if self.row_errors:  # each message on its row too (the widget), the others kept
            raise ValidationError(
                [m for row in sorted(self.row_errors) for m in self.row_errors[row]]
            )
        return [file for _, _, file, _ in self.accepted]

    def validate(self, value: list[EvidenceFile]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def bound_data(self, data: Any, initial: Any) -> Any:
        return data


def keep_chosen_files(form: forms.Form, *, owner: Any, name: str = "evidence") -> None:
    """A dialog sent back with errors: keep its checked files for the next submission (shown
    as ticked rows) and mark only the rows whose files failed their checks."""
    field = form.fields[name]
    widget = field.widget
    kept: dict[int, list[tuple[int, str]]] = {}
    for row, kind, file, pk in getattr(field, "accepted", []):
        if pk is None:
            pk = staging.keep(owner=owner, kind=kind, upload=file.file).pk
        kept.setdefault(row, []).append((pk, os.path.basename(file.file.name or "")))
    widget.kept = kept
    widget.row_errors = getattr(field, "row_errors", {})


def discard_kept_files(form: forms.Form, *, owner: Any, name: str = "evidence") -> None:
    """After a successful submission: the kept files it used are evidence now; remove them."""
    used = [pk for _, _, _, pk in getattr(form.fields[name], "accepted", []) if pk is not None]
    if used:
        staging.discard(owner=owner, ids=used)


def select_kinds(form: forms.Form, name: str, defaults: Sequence[str]) -> None:
    """Keep each evidence row's chosen kind when a form is shown again, else the defaults."""
    widget = form.fields[name].widget
    if form.is_bound:
        widget.selected = [form.data.get(f"{name}-{i}-kind", "") for i in range(widget.rows)]
    else:
        widget.selected = list(defaults)


# --- projects -----------------------------------------------------------------------------

_SECTIONS = {
    "money": (
        "total_investment_wan",
        "contracted_investment_wan",
        "foreign_investment_usd_wan",
        "land_mu",
        "expected_jobs",
        "expected_output_wan",
        "expected_tax_wan",
    ),
    "people": ("lead_leader", "commissioner", "team"),
}


class ProjectForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    """The typed fields of a project (`EDITABLE_FIELDS`) and its investors.

    Unit staff register projects of their own unit only; the city chooses the unit.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        project: Project | None = None,
        version: str = "",
    ) -> None:
        initial: dict[str, Any] = {}
        if project is not None:
            initial = model_to_dict(project, fields=[*EDITABLE_FIELDS, "investors"])
            initial["investors"] = [e.pk for e in project.investors.all()]
        else:
            initial = {"unit": user.unit_id, "lead_on": timezone.localdate()}
        super().__init__(data, initial=initial, version=version)
        self.user = user
        self.project = project
        self.fields.update(
            fields_for_model(
                Project,
                fields=EDITABLE_FIELDS,
                widgets={
                    "direction": DirectionSelect(attrs={"data-industry-select": "id_industry"}),
                    "description": forms.Textarea(attrs={"rows": 4}),
                    "team": forms.TextInput(
                        attrs={"placeholder": "例如：张三（组长）、李四、王五"}
                    ),
                },
                help_texts={
                    "total_investment_wan": "单位：万元。1 亿元 = 10,000 万元",
                    "team": "工作团队成员，用顿号分隔",
                },
            )
        )
        self._narrow_choices()
        for name in _SECTIONS["money"]:
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        self.fields["expected_jobs"].widget.attrs.update({"inputmode": "numeric", "step": "1"})
        self.fields["investors"] = forms.ModelMultipleChoiceField(
            label="投资方企业",
            queryset=Enterprise.objects.restrict(user, "view"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="在企业库中按名称或统一社会信用代码查找并勾选",
        )
        if project is None:
            self.fields["lead_on"] = forms.DateField(
                label="线索登记日期", initial=timezone.localdate(), widget=DateInput()
            )
        self.fields["duplicate_reason"] = forms.CharField(
            label="确认不是重复项目的理由",
            required=False,
            max_length=300,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.duplicates: list[Project] = []

    def _narrow_choices(self) -> None:
        unit = self.fields["unit"]
        if self.user.scope == Scope.ALL:
            unit.queryset = Unit.objects.restrict(self.user, "view")
        else:
            # Unit staff work for their own unit: the field is shown but cannot be changed.
            unit.queryset = Unit.objects.filter(
                pk=self.project.unit_id if self.project else self.user.unit_id
            )
            unit.disabled = True
            unit.help_text = "县市区、功能区人员只能登记本单位的项目"
        self.fields["industry"].empty_label = "（请选择）"
        self.fields["direction"].queryset = self.fields["direction"].queryset.select_related(
            "industry"
        )
        self.fields["direction"].empty_label = "（不限）"
        self.fields["campaign"].empty_label = "（无）"
        self.fields["attraction_mode"].choices = [("", "（请选择）"), *self._mode_choices()]
        leaders = User.objects.filter(role=Role.LEADER, is_active=True).select_related("unit")
        if self.user.scope != Scope.ALL and self.user.unit_id:
            leaders = leaders.filter(Q(unit=self.user.unit_id) | Q(unit__kind="city"))
        self.fields["lead_leader"].queryset = leaders
        self.fields["lead_leader"].label_from_instance = _person_label
        self.fields["lead_leader"].empty_label = "（未指定）"
        self.fields["commissioner"].queryset = User.objects.filter(
            role=Role.COMMISSIONER, is_active=True
        ).select_related("unit")
        self.fields["commissioner"].label_from_instance = _person_label
        self.fields["commissioner"].empty_label = "（未指定）"

    @staticmethod
    def _mode_choices() -> list[tuple[str, str]]:
        from .models import AttractionMode

        return list(AttractionMode.choices)

    @property
    def money_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in _SECTIONS["money"]]

    @property
    def people_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in _SECTIONS["people"]]

    def selected_investors(self) -> list[Enterprise]:
        """The enterprises ticked so far (bound data first, else the project's)."""
        raw = self["investors"].value() or []
        ids = [pk for v in raw if (pk := parse_id(v)) is not None]
        if not ids:
            return []
        return list(Enterprise.objects.filter(pk__in=ids).order_by("name"))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {name: data.get(name) for name in EDITABLE_FIELDS}
        for name in ("attraction_mode", "team", "description", "name"):
            kwargs[name] = kwargs[name] or ""
        if self.user.scope != Scope.ALL:
            kwargs["unit"] = self.project.unit if self.project else self.user.unit
        return kwargs


def _person_label(user: User) -> str:
    parts = [user.display_name or user.username]
    if user.title:
        parts.append(user.title)
    if user.unit_id:
        parts.append(user.unit.short_name)
    return " · ".join(parts)


# --- stage change -------------------------------------------------------------------------


def stage_requirements() -> list[dict[str, Any]]:
    """What each stage asks for, from STAGE_RULES, for the dialog's guidance table."""
    rows = []
    for stage in Stage:
        rule = STAGE_RULES[stage]
        fields = [str(Project._meta.get_field(f).verbose_name) for f in rule.required_fields]
        if rule.needs_note:
            fields.append("终止原因（说明）")
        rows.append(
            {
                "stage": stage.value,
                "label": stage.label,
                "evidence": evidence_label(rule.evidence_any_of) if rule.evidence_any_of else "",
                "fields": fields,
            }
        )
    return rows


class StageForm(BootstrapFormMixin, forms.Form):
    """Move a project to another stage, with its date, evidence and note."""

    to = forms.ChoiceField(label="变更为")
    on = forms.DateField(label="日期", widget=DateInput())
    contracted_investment_wan = forms.DecimalField(
        label="合同投资（万元）",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text="签约时必填，不超过总投资",
    )
    evidence = EvidenceField(label="证明材料", required=False)
    note = forms.CharField(
        label="说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="终止或退回阶段时必须说明原因",
    )

    def __init__(
        self, data: Any = None, files: Any = None, *, user: User, project: Project, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on", timezone.localdate())
        kwargs["initial"].setdefault("contracted_investment_wan", project.contracted_investment_wan)
        super().__init__(data, files, **kwargs)
        self.project = project
        may_revert = user.has_perm("projects.revert_stage")
        choices = [
            (s.value, s.label + ("（退回）" if is_backward(project.stage, s) else ""))
            for s in Stage
            if s != project.stage and (may_revert or not is_backward(project.stage, s))
        ]
        self.fields["to"].choices = [("", "（请选择）"), *choices]
        self.fields["evidence"].owner = user
        if not self.is_bound and "to" not in self.initial:
            self.initial["to"] = _next_stage(project.stage, {c for c, _ in choices})
        select_kinds(self, "evidence", self._default_kinds(self.chosen_stage))

    @property
    def chosen_stage(self) -> str:
        value = self.data.get("to") if self.is_bound else self.initial.get("to")
        return value if value in Stage.values else ""

    @staticmethod
    def _default_kinds(stage: str) -> list[str]:
        rule = STAGE_RULES.get(stage)
        kinds = sorted(rule.evidence_any_of) if rule else []
        return [*kinds, EvidenceKind.OTHER][:3] if kinds else [EvidenceKind.OTHER]

    @property
    def moves_forward(self) -> bool:
        """The chosen stage lies ahead (or is 终止): once done, only the city can move it back."""
        stage = self.chosen_stage
        return bool(stage) and not is_backward(self.project.stage, stage)

    def requirement(self) -> dict[str, Any] | None:
        stage = self.chosen_stage
        return next((r for r in stage_requirements() if r["stage"] == stage), None)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "to": data["to"],
            "on": data["on"],
            "note": data.get("note") or "",
            "evidence": data.get("evidence") or [],
        }
        if data["to"] == Stage.SIGNED and data.get("contracted_investment_wan") is not None:
            kwargs["contracted_investment_wan"] = data["contracted_investment_wan"]
        return kwargs


def _next_stage(current: str, allowed: set[str]) -> str:
    if current in STAGE_ORDER:
        index = STAGE_ORDER.index(current)
        if index + 1 < len(STAGE_ORDER) and STAGE_ORDER[index + 1] in allowed:
            return STAGE_ORDER[index + 1]
    return ""


# --- funds --------------------------------------------------------------------------------


class FundsForm(BootstrapFormMixin, forms.Form):
    """One month's funds in place for a project, with bank receipt or 验资报告."""

    period = MonthField(label="所属月份", help_text="格式：年-月，例如 2024-03")
    amount_wan = forms.DecimalField(
        label="到位金额（万元）",
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    source = forms.ChoiceField(label="资金来源", choices=[("", "（请选择）"), *FundsSource.choices])
    evidence = EvidenceField(
        label="证明材料",
        rows=2,
        kinds=[*sorted(FUNDS_EVIDENCE), EvidenceKind.OTHER],
        help_text=f"必须上传：{evidence_label(FUNDS_EVIDENCE)}",
    )
    note = forms.CharField(label="说明", required=False, max_length=300)
    override_reason = forms.CharField(
        label="超出总投资的确认理由",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅当累计到位资金超过项目总投资时填写（市级管理员）",
    )
    # Shown once the service warns that the month is before the project's signing date.
    confirm_early = forms.BooleanField(label=CONFIRM_EARLY, required=False)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        user: User,
        project: Project | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("period", timezone.localdate().replace(day=1))
        super().__init__(data, files, **kwargs)
        self.project = project
        self.fields["evidence"].owner = user
        if not user.has_perm("projects.override_funds_cap"):
            del self.fields["override_reason"]
        select_kinds(self, "evidence", sorted(FUNDS_EVIDENCE))

    def clean(self) -> dict[str, Any]:
        """A month before the project's signing date is most often a typo: warned about, and
        accepted once the submitter ticks `confirm_early` (a warning, never a refusal)."""
        data = super().clean()
        period = data.get("period")
        signed = self.project.signed_on if self.project is not None else None
        if period and signed and period < signed.replace(day=1) and not data.get("confirm_early"):
            self.add_error(
                "confirm_early",
                f"所属月份 {period:%Y-%m} 早于项目签约日期 {signed:%Y-%m-%d}，请核对；"
                f"确属签约前到位的，请勾选“{CONFIRM_EARLY}”后再提交",
            )
        return data

    @property
    def asks_early_confirmation(self) -> bool:
        """The "month before signing" checkbox is shown: warned about, or already ticked."""
        return bool(self["confirm_early"].errors or self["confirm_early"].value())

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "period": data["period"],
            "amount_wan": data["amount_wan"],
            "source": data["source"],
            "evidence": data["evidence"],
            "note": data.get("note") or "",
            "override_reason": data.get("override_reason") or "",
        }


class FundsEditForm(VersionedFormMixin, FundsForm):
    """Correct a 待核实 record, or correct and resubmit a 退回 one: the same fields, its evidence
    kept (new files are added to it), the version it was read at."""

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        user: User,
        record: Any,
        version: str = "",
    ) -> None:
        initial = {
            "period": record.period,
            "amount_wan": record.amount_wan,
            "source": record.source,
            "note": record.note,
            "override_reason": record.override_reason,
        }
        super().__init__(
            data, files, user=user, project=record.project, initial=initial, version=version
        )
        self.fields["evidence"].required = False
        self.fields["evidence"].help_text = "已上传的材料保留；如需补充或更正，请上传新的材料"
        select_kinds(self, "evidence", sorted(FUNDS_EVIDENCE))

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "version": self.cleaned_data.get("version") or ""}


class FundsWithdrawForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="撤回说明（可不填）", max_length=300, required=False)


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300)


# --- plan, milestones, progress ------------------------------------------------------------


class PlanForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    content = forms.CharField(
        label="推进方案",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="一套方案：目标、路径、责任分工、要素保障等",
    )


class MilestoneForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="节点名称", max_length=200)
    due_on = forms.DateField(label="计划完成日期", widget=DateInput())
    note = forms.CharField(label="说明", required=False, max_length=300)


class MilestoneCompleteForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label="实际完成日期", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ProgressForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label="日期", widget=DateInput())
    content = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleFileField(
        label="现场照片",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_PHOTOS}),
        help_text="可选，可一次选择多张",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "on": data["on"],
            "content": data["content"],
            "photos": [EvidenceFile(EvidenceKind.PHOTO, f) for f in data.get("photos") or []],
        }
