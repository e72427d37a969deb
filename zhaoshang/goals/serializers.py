"""Response shapes of the goals API (read-only; they document the schema and fix the output)."""

from __future__ import annotations

from rest_framework import serializers


class PeriodSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.CharField()
    start = serializers.CharField()
    end = serializers.CharField(help_text="最后一天（含）")
    display = serializers.CharField()


class IndicatorInfoSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(help_text="万元、个或万美元")
    doc = serializers.CharField()
    source = serializers.CharField(help_text="funds（已核实到位资金）或 projects（项目）")
    options = serializers.ListField(child=serializers.CharField())


class IndicatorValueSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(help_text="十进制数字符串")
    value_unit = serializers.CharField()
    unit = serializers.CharField(allow_null=True, help_text="单位代码；null 为全市")
    unit_name = serializers.CharField()
    period = PeriodSerializer()
    options = serializers.DictField()
    records = serializers.IntegerField(help_text="构成该数值的记录数")
    records_visible = serializers.IntegerField(help_text="其中当前用户可查看的记录数")


class SchemeRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()


class RankingColumnSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["indicator", "bonus", "deduction"])
    label = serializers.CharField()
    indicator = serializers.CharField()
    unit = serializers.CharField()
    weight = serializers.CharField(required=False)
    points = serializers.CharField(required=False)
    method = serializers.CharField(required=False)
    method_label = serializers.CharField(required=False)
    span = serializers.CharField()


class RankingUnitSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    short_name = serializers.CharField()
    scores = serializers.DictField(child=serializers.CharField())
    values = serializers.DictField(child=serializers.CharField())
    rates = serializers.DictField(child=serializers.CharField())
    bonus = serializers.CharField()
    deduction = serializers.CharField()
    total = serializers.CharField()
    rank = serializers.IntegerField()
    previous_rank = serializers.IntegerField(allow_null=True)
    previous_total = serializers.CharField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True, help_text="正数为名次上升")


class RankingTrackSerializer(serializers.Serializer):
    name = serializers.CharField()
    units = RankingUnitSerializer(many=True)


class RankingSerializer(serializers.Serializer):
    hash = serializers.CharField(help_text="SHA-256（冻结输入、办法版本与结果的规范JSON）")
    scheme = SchemeRefSerializer()
    quarter = serializers.CharField()
    period = PeriodSerializer()
    title = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField(allow_blank=True)
    columns = RankingColumnSerializer(many=True)
    tracks = RankingTrackSerializer(many=True)


class SnapshotListSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    scheme = serializers.CharField(source="scheme.code")
    scheme_name = serializers.CharField(source="scheme.name")
    version = serializers.IntegerField(source="scheme_version.number")
    hash = serializers.CharField(source="sha256")
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField(source="published_by_name")


class DrillRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contribution = serializers.CharField()
    visible = serializers.BooleanField(help_text="当前用户能否打开该记录")
    label = serializers.CharField(allow_null=True)


class DrillSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    period = serializers.CharField()
    options = serializers.DictField()
    model = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.CharField()
    records = DrillRecordSerializer(many=True)


class DrilldownSerializer(DrillSerializer):
    baseline = DrillSerializer(allow_null=True, help_text="同比基期（增幅类指标）")


class PreviewSerializer(serializers.Serializer):
    scheme = SchemeRefSerializer()
    quarter = serializers.CharField()
    period = PeriodSerializer()
    title = serializers.CharField(allow_blank=True)
    published = serializers.BooleanField()
    columns = RankingColumnSerializer(many=True)
    tracks = RankingTrackSerializer(many=True)
