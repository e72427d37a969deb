"""API shapes of the enterprise registry; writes go through `enterprises.services`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhaoshang.geo import divisions

from .models import Enterprise, Tag


class EnterpriseSerializer(serializers.ModelSerializer):
    """An enterprise with its tags (by code) and the flags derived from its division code."""

    tags = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    division_name = serializers.SerializerMethodField()
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
        division = divisions.lookup(obj.division_code) if obj.division_code else None
        return division.full_name if division else None


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
