"""API shapes of the enterprise library; writes go through `enterprises.services`."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhaoshang.accounts.models import Unit
from zhaoshang.core.masking import mask_email, mask_phone
from zhaoshang.geo import divisions
from zhaoshang.industries.models import ChainNode, Direction

from .models import (
    Contact,
    Enterprise,
    Placement,
    PlacementStatus,
    RelationKind,
    RevenueBand,
    SignalKind,
    StaffBand,
    Tag,
    TargetEntry,
    TargetStatus,
)
from .selectors import RelationRow, SignalRow


def _division_name(code: str) -> str | None:
    division = divisions.lookup(code) if code else None
    return division.full_name if division else None


class EnterpriseSerializer(serializers.ModelSerializer):
    """An enterprise with its tags (by code) and the flags derived from its division code."""

    tags = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    division_name = serializers.SerializerMethodField()
    founder_native_name = serializers.SerializerMethodField()
    parent_uscc = serializers.SerializerMethodField()
    is_out_of_province = serializers.BooleanField(read_only=True)
    is_foreign = serializers.BooleanField(read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "uscc",
            "division_code",
            "division_name",
            "country",
            "address",
            "tags",
            "legal_representative",
            "registered_capital_wan",
            "founded_on",
            "industry_code",
            "business_scope",
            "revenue_band",
            "staff_band",
            "annual_output_wan",
            "founder_native_code",
            "founder_native_name",
            "group_name",
            "parent",
            "parent_uscc",
            "is_local",
            "province_code",
            "is_out_of_province",
            "is_foreign",
            "is_sample",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_division_name(self, obj: Enterprise) -> str | None:
        return _division_name(obj.division_code)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_founder_native_name(self, obj: Enterprise) -> str | None:
        return _division_name(obj.founder_native_code)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent_uscc(self, obj: Enterprise) -> str | None:
        return obj.parent.uscc if obj.parent_id and obj.parent else None


class EnterpriseInputSerializer(serializers.Serializer):
    """What a person may type about an enterprise; the code and division are checked by the
    service (a wrong check digit of the 统一社会信用代码 is an error on `uscc`)."""

    name = serializers.CharField(label="企业名称", max_length=200)
    uscc = serializers.CharField(
        label="统一社会信用代码", max_length=30, allow_blank=True, required=False
    )
    division_code = serializers.CharField(
        label="注册地行政区划代码", max_length=6, allow_blank=True, required=False
    )
    country = serializers.CharField(
        label="国家/地区（ISO 3166 两位代码）", min_length=2, max_length=2, required=False
    )
    address = serializers.CharField(
        label="注册地址", max_length=300, allow_blank=True, required=False
    )
    tags = serializers.SlugRelatedField(
        label="标签（代码）",
        slug_field="code",
        queryset=Tag.objects.all(),
        many=True,
        required=False,
    )
    legal_representative = serializers.CharField(
        label="法定代表人", max_length=50, allow_blank=True, required=False
    )
    registered_capital_wan = serializers.DecimalField(
        label="注册资本（万元）", max_digits=16, decimal_places=2, allow_null=True, required=False
    )
    founded_on = serializers.DateField(label="成立日期", allow_null=True, required=False)
    industry_code = serializers.CharField(
        label="所属行业代码（GB/T 4754，如 C3351 或 3351）",
        max_length=30,
        allow_blank=True,
        required=False,
    )
    business_scope = serializers.CharField(label="经营范围", allow_blank=True, required=False)
    revenue_band = serializers.ChoiceField(
        label="营收规模", choices=RevenueBand.choices, allow_blank=True, required=False
    )
    staff_band = serializers.ChoiceField(
        label="人员规模", choices=StaffBand.choices, allow_blank=True, required=False
    )
    annual_output_wan = serializers.DecimalField(
        label="年产值（万元）", max_digits=16, decimal_places=2, allow_null=True, required=False
    )
    founder_native_code = serializers.CharField(
        label="创始人籍贯（行政区划代码）", max_length=6, allow_blank=True, required=False
    )
    group_name = serializers.CharField(
        label="所属集团", max_length=200, allow_blank=True, required=False
    )
    parent_uscc = serializers.CharField(
        label="母公司统一社会信用代码（须已登记；空为无）",
        max_length=30,
        allow_blank=True,
        required=False,
    )

    def validate_parent_uscc(self, value: str) -> Enterprise | None:
        code = (value or "").strip().upper()
        if not code:
            return None
        parent = Enterprise.objects.filter(uscc=code).first()
        if parent is None:
            raise serializers.ValidationError("企业库中没有该统一社会信用代码的企业")
        return parent

    def to_service(self) -> dict:
        data = dict(self.validated_data)
        if "parent_uscc" in data:
            data["parent"] = data.pop("parent_uscc")
        return data


class ContactSerializer(serializers.ModelSerializer):
    """A contact; `phone` (138****5678) and `email` (z***@example.com) are always masked: the
    full values only through `POST …/contacts/{id}/reveal/`, one audit entry each."""

    phone = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "enterprise", "name", "title", "phone", "phone_masked", "email", "note"]
        read_only_fields = fields

    def get_phone(self, obj: Contact) -> str:
        return mask_phone(obj.phone)

    def get_phone_masked(self, obj: Contact) -> bool:
        return bool(obj.phone)

    def get_email(self, obj: Contact) -> str:
        return mask_email(obj.email)


class ContactInputSerializer(serializers.Serializer):
    name = serializers.CharField(label="姓名", max_length=50)
    title = serializers.CharField(label="职务", max_length=50, allow_blank=True, required=False)
    phone = serializers.CharField(label="电话", max_length=30, allow_blank=True, required=False)
    email = serializers.EmailField(label="邮箱", allow_blank=True, required=False)
    note = serializers.CharField(label="备注", max_length=200, allow_blank=True, required=False)


class PhoneSerializer(serializers.Serializer):
    contact = serializers.IntegerField()
    phone = serializers.CharField()
    email = serializers.CharField()


class PlacementSerializer(serializers.ModelSerializer):
    node_name = serializers.CharField(source="node.name", read_only=True)
    direction = serializers.CharField(source="node.direction.name", read_only=True)
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = Placement
        fields = [
            "id",
            "node",
            "node_name",
            "direction",
            "source",
            "status",
            "confidence",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


PLACEMENT_DECISIONS = [(PlacementStatus.CONFIRMED, "确认"), (PlacementStatus.REJECTED, "否定")]


class PlacementDecisionSerializer(serializers.Serializer):
    node = serializers.IntegerField(label="产业链环节 id")
    status = serializers.ChoiceField(label="判断", choices=PLACEMENT_DECISIONS)


class RelationRowSerializer(serializers.Serializer):
    """A relation seen from the enterprise asked about (both directions are listed)."""

    id = serializers.IntegerField(source="relation.pk")
    kind = serializers.CharField(source="relation.kind")
    direction = serializers.SerializerMethodField()
    role = serializers.CharField(help_text="对方对本企业而言是什么，如 供应商、母公司")
    other = serializers.IntegerField(source="other.pk")
    other_name = serializers.CharField(source="other.name")
    other_uscc = serializers.CharField(source="other.uscc", allow_null=True)
    since = serializers.DateField(source="relation.since", allow_null=True)
    note = serializers.CharField(source="relation.note")

    def get_direction(self, row: RelationRow) -> str:
        return "out" if row.outgoing else "in"


class RelationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label="关系", choices=RelationKind.choices)
    direction = serializers.ChoiceField(
        label="方向：out 本企业为 source，in 对方为 source",
        choices=[("out", "out"), ("in", "in")],
        default="out",
    )
    other_uscc = serializers.CharField(label="对方统一社会信用代码", max_length=30)
    since = serializers.DateField(label="起始日期", allow_null=True, required=False)
    note = serializers.CharField(label="说明", max_length=200, allow_blank=True, required=False)

    def validate_other_uscc(self, value: str) -> Enterprise:
        other = Enterprise.objects.filter(uscc=(value or "").strip().upper()).first()
        if other is None:
            raise serializers.ValidationError("企业库中没有该统一社会信用代码的企业")
        return other


class SignalRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="signal.pk")
    kind = serializers.CharField(source="signal.kind")
    kind_label = serializers.CharField(source="signal.get_kind_display")
    on = serializers.DateField(source="signal.on")
    title = serializers.CharField(source="signal.title")
    source = serializers.CharField(source="signal.source")
    amount_wan = serializers.DecimalField(
        source="signal.amount_wan", max_digits=16, decimal_places=2, allow_null=True
    )
    weight = serializers.FloatField(help_text="今日权重（基础权重 × 0.5^(天数/半衰期)）")
    half_life_days = serializers.IntegerField()

    def to_representation(self, row: SignalRow) -> dict:
        data = super().to_representation(row)
        data["weight"] = round(row.weight, 4)
        return data


class SignalInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label="类型", choices=SignalKind.choices)
    on = serializers.DateField(label="日期")
    title = serializers.CharField(label="摘要", max_length=200)
    source = serializers.CharField(label="来源", max_length=200, allow_blank=True, required=False)
    amount_wan = serializers.DecimalField(
        label="涉及金额（万元）", max_digits=16, decimal_places=2, allow_null=True, required=False
    )


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(label="导入文件（.xlsx 或 .csv）")
    dry_run = serializers.BooleanField(label="仅校验，不写入", default=True)


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="表格中的行号（列名行为第 1 行；0 表示整个文件）")
    column = serializers.CharField(help_text="文件中的列名")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField(help_text="新增（校验时为“将新增”）")
    updated = serializers.IntegerField(help_text="更新（校验时为“将更新”）")
    errors = ImportErrorSerializer(many=True)
    error_count = serializers.IntegerField()
    truncated = serializers.BooleanField()
    job = serializers.IntegerField(help_text="导入任务 id")


class TargetEntrySerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    direction_name = serializers.CharField(source="direction.name", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True, allow_null=True)
    owner_unit = serializers.CharField(source="owner_unit.code", read_only=True)
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)

    class Meta:
        model = TargetEntry
        fields = [
            "id",
            "year",
            "enterprise",
            "enterprise_name",
            "enterprise_uscc",
            "direction",
            "direction_name",
            "node",
            "node_name",
            "owner_unit",
            "owner_unit_name",
            "status",
            "next_step",
            "next_step_due",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TargetEntryInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False
    )
    direction = serializers.PrimaryKeyRelatedField(queryset=Direction.objects.all(), required=False)
    node = serializers.PrimaryKeyRelatedField(
        queryset=ChainNode.objects.all(), allow_null=True, required=False
    )
    owner_unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        required=False,
        help_text="单位代码，如 371581",
    )
    status = serializers.ChoiceField(choices=TargetStatus.choices, required=False)
    next_step = serializers.CharField(max_length=200, allow_blank=True, required=False)
    next_step_due = serializers.DateField(allow_null=True, required=False)

    def validate(self, attrs: dict) -> dict:
        if not self.partial:
            missing = [
                f for f in ("year", "enterprise", "direction", "owner_unit") if f not in attrs
            ]
            if missing:
                raise serializers.ValidationError({f: ["该字段是必填项。"] for f in missing})
        due = attrs.get("next_step_due")
        if due is not None and not isinstance(due, dt.date):
            raise serializers.ValidationError({"next_step_due": ["请填写日期"]})
        return attrs


class TargetRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(label="移出原因", max_length=200, allow_blank=True, default="")
