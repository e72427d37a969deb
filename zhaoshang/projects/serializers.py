"""API shapes of projects, their stage log, evidence and funds in place.

Read serializers describe records; input serializers only parse HTTP into the keyword arguments
of the services (`project_create`, `project_advance_stage`, `funds_submit` …), which validate
the business rules and answer with errors keyed by field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhaoshang.accounts.models import Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Direction, Industry
from zhaoshang.projects.models import Campaign

from .models import (
    AttractionMode,
    Evidence,
    EvidenceKind,
    FundsRecord,
    FundsSource,
    Project,
    Stage,
    StageChange,
)
from .services import EvidenceFile
from .stage_rules import STAGE_RULES

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2024-03"}
)
class MonthField(serializers.Field):
    """A calendar month written `YYYY-MM`, stored as the first day of the month."""

    default_error_messages = {"invalid": "月份格式应为 YYYY-MM，例如 2024-03"}

    def to_internal_value(self, data: Any) -> dt.date:
        match = _MONTH.match(str(data).strip())
        if not match:
            self.fail("invalid")
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: dt.date) -> str:
        return f"{value:%Y-%m}"


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


# --- reading -------------------------------------------------------------------------------


class InvestorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name"]


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file's description and fingerprint (the file itself is not served here)."""

    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "kind", "original_name", "size", "sha256", "uploaded_by", "uploaded_at"]


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its derived flags and the stage dates cached from its stage log."""

    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, allow_null=True)
    direction_name = serializers.CharField(source="direction.name", read_only=True, allow_null=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True, allow_null=True)
    is_over_100m = serializers.BooleanField(read_only=True)
    investors = InvestorSerializer(many=True, read_only=True)
    lead_leader = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    commissioner = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "stage",
            "stage_display",
            "industry",
            "industry_name",
            "direction",
            "direction_name",
            "attraction_mode",
            "campaign",
            "campaign_name",
            "investors",
            "total_investment_wan",
            "contracted_investment_wan",
            "foreign_investment_usd_wan",
            "land_mu",
            "expected_jobs",
            "expected_output_wan",
            "expected_tax_wan",
            "is_over_100m",
            "is_out_of_province",
            "is_foreign",
            "is_top500",
            "is_key",
            "negotiating_on",
            "signed_on",
            "started_on",
            "operating_on",
            "dropped_on",
            "drop_reason",
            "lead_leader",
            "commissioner",
            "team",
            "description",
            "duplicate_reason",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StageChangeSerializer(serializers.ModelSerializer):
    """One line of a project's stage log, with the evidence filed for it."""

    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = StageChange
        fields = [
            "id",
            "from_stage",
            "to_stage",
            "on",
            "actor",
            "note",
            "is_reversal",
            "evidence",
            "created_at",
        ]
        read_only_fields = fields


class FundsRecordSerializer(serializers.ModelSerializer):
    """One month's funds in place of a project; only `verified` records count."""

    period = MonthField(read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    unit = serializers.SlugRelatedField(source="project.unit", slug_field="code", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verified_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = FundsRecord
        fields = [
            "id",
            "project",
            "project_name",
            "unit",
            "period",
            "amount_wan",
            "source",
            "status",
            "note",
            "submitted_by",
            "submitted_at",
            "verified_by",
            "verified_at",
            "reject_reason",
            "override_reason",
            "evidence",
        ]
        read_only_fields = fields


# --- writing -------------------------------------------------------------------------------


class ProjectUpdateSerializer(serializers.Serializer):
    """The fields a person may type on a project; everything else is derived."""

    name = serializers.CharField(label="项目名称", max_length=200)
    unit = serializers.SlugRelatedField(
        label="所属单位（代码）", slug_field="code", queryset=Unit.objects.all()
    )
    industry = serializers.PrimaryKeyRelatedField(
        label="产业", queryset=Industry.objects.all(), allow_null=True, required=False
    )
    direction = serializers.PrimaryKeyRelatedField(
        label="细分方向", queryset=Direction.objects.all(), allow_null=True, required=False
    )
    investors = serializers.PrimaryKeyRelatedField(
        label="投资方（企业ID）", queryset=Enterprise.objects.all(), many=True, required=False
    )
    attraction_mode = serializers.ChoiceField(
        label="招商方式", choices=AttractionMode.choices, allow_blank=True, required=False
    )
    campaign = serializers.PrimaryKeyRelatedField(
        label="招商会战", queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    total_investment_wan = _money(label="总投资（万元）")
    contracted_investment_wan = _money(label="合同投资（万元）", allow_null=True, required=False)
    foreign_investment_usd_wan = _money(label="外资（万美元）", allow_null=True, required=False)
    land_mu = serializers.DecimalField(
        label="用地（亩）", max_digits=10, decimal_places=2, allow_null=True, required=False
    )
    expected_jobs = serializers.IntegerField(
        label="预计就业（人）", min_value=0, allow_null=True, required=False
    )
    expected_output_wan = _money(label="预计年产值（万元）", allow_null=True, required=False)
    expected_tax_wan = _money(label="预计年税收（万元）", allow_null=True, required=False)
    is_key = serializers.BooleanField(label="重点项目", required=False)
    lead_leader = serializers.SlugRelatedField(
        label="包帮领导（用户名）",
        slug_field="username",
        queryset=User.objects.filter(is_active=True, role=Role.LEADER),
        allow_null=True,
        required=False,
    )
    commissioner = serializers.SlugRelatedField(
        label="服务专员（用户名）",
        slug_field="username",
        queryset=User.objects.filter(is_active=True, role=Role.COMMISSIONER),
        allow_null=True,
        required=False,
    )
    team = serializers.CharField(label="工作团队", max_length=300, allow_blank=True, required=False)
    description = serializers.CharField(label="项目简介", allow_blank=True, required=False)


class ProjectCreateSerializer(ProjectUpdateSerializer):
    """A new project; `duplicate_reason` confirms a project the duplicate guard flagged."""

    duplicate_reason = serializers.CharField(
        label="疑似重复确认理由", max_length=300, allow_blank=True, required=False
    )
    lead_on = serializers.DateField(label="线索登记日期（默认今天）", required=False)


class EvidenceUploadSerializer(serializers.Serializer):
    """Evidence files (`evidence`, repeated) with their kinds (`evidence_kind`).

    Send one `evidence_kind` per file in the same order, or a single kind for all files. When
    omitted, the one kind the target requires (a contract for `signed`) is assumed.
    """

    evidence = serializers.ListField(
        label="证明材料文件",
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
    )
    evidence_kind = serializers.ListField(
        label="材料类型",
        child=serializers.ChoiceField(choices=EvidenceKind.choices),
        required=False,
    )

    def default_evidence_kind(self, attrs: dict[str, Any]) -> str | None:
        return None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        files = attrs.pop("evidence", None) or []
        kinds = attrs.pop("evidence_kind", None) or []
        if not files:
            attrs["evidence"] = []
            return attrs
        if not kinds:
            default = self.default_evidence_kind(attrs)
            if default is None:
                raise serializers.ValidationError({"evidence_kind": ["请为每个文件选择材料类型"]})
            kinds = [default]
        if len(kinds) == 1:
            kinds = kinds * len(files)
        if len(kinds) != len(files):
            raise serializers.ValidationError(
                {"evidence_kind": ["材料类型的数量应与文件数量一致，或只填一个类型"]}
            )
        attrs["evidence"] = [
            EvidenceFile(kind=k, file=f) for k, f in zip(kinds, files, strict=True)
        ]
        return attrs


class StageChangeInputSerializer(EvidenceUploadSerializer):
    """A stage move: target stage, date, note, contracted investment, evidence files."""

    to = serializers.ChoiceField(label="新阶段", choices=Stage.choices)
    on = serializers.DateField(label="日期")
    note = serializers.CharField(label="说明", allow_blank=True, required=False, default="")
    contracted_investment_wan = _money(label="合同投资（万元）", allow_null=True, required=False)

    def default_evidence_kind(self, attrs: dict[str, Any]) -> str | None:
        kinds = STAGE_RULES[attrs["to"]].evidence_any_of
        return next(iter(kinds)) if len(kinds) == 1 else None


class FundsSubmitSerializer(EvidenceUploadSerializer):
    """One month's funds in place, with a bank receipt or capital verification report."""

    project = serializers.PrimaryKeyRelatedField(label="项目", queryset=Project.objects.none())
    period = MonthField(label="所属月份")
    amount_wan = _money(label="到位金额（万元）")
    source = serializers.ChoiceField(label="资金来源", choices=FundsSource.choices)
    note = serializers.CharField(
        label="说明", max_length=300, allow_blank=True, required=False, default=""
    )
    override_reason = serializers.CharField(
        label="超总投资确认理由", max_length=300, allow_blank=True, required=False, default=""
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only projects the user can see may be named; others are "not found" (400).
            self.fields["project"].queryset = Project.objects.restrict(request.user, "view")


class FundsVerifySerializer(serializers.Serializer):
    note = serializers.CharField(label="说明", allow_blank=True, required=False, default="")


class FundsRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        label="退回原因", max_length=300, allow_blank=True, required=False, default=""
    )
