"""API of the chain nodes with their computed gap kinds (建链/延链/强链/补链/优势环节); read-only.

Served under /api/chain-nodes/; the taxonomy itself (industries, directions) is `industries.api`.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from zhaoshang.core.api import RestrictedReadOnlyViewSet
from zhaoshang.industries.models import ChainNode, Direction, Industry, Stream
from zhaoshang.projects.models import Project

from ..models import GapKind
from .selectors import STREAM_ORDER, NodeGap, gap_analysis_many


class ChainNodeSerializer(serializers.Serializer):
    """A chain node with its local strength and its computed gap kind (never typed)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    industry = serializers.CharField(help_text="产业名称")
    industry_id = serializers.IntegerField()
    direction = serializers.IntegerField(help_text="细分方向 id")
    direction_name = serializers.CharField()
    stream = serializers.ChoiceField(choices=Stream.choices)
    stream_label = serializers.CharField()
    gap = serializers.ChoiceField(choices=GapKind.choices, help_text="缺链类型，由缺链分析计算")
    gap_label = serializers.CharField()
    gap_reason = serializers.CharField()
    local_enterprises = serializers.IntegerField(help_text="计入本环节的本市企业数")
    local_output_wan = serializers.DecimalField(max_digits=18, decimal_places=2)
    pipeline_projects = serializers.IntegerField(
        help_text="投资方归入本环节的在谈、在建项目数（仅计调用者可见的项目）"
    )
    keywords = serializers.ListField(child=serializers.CharField())
    industry_codes = serializers.ListField(child=serializers.CharField())
    suppliers = serializers.ListField(child=serializers.IntegerField(), help_text="供给方环节 id")
    customers = serializers.ListField(child=serializers.IntegerField(), help_text="需求方环节 id")


def _node_row(gap: NodeGap) -> dict:
    node = gap.node
    return {
        "id": node.pk,
        "name": node.name,
        "industry": node.direction.industry.name,
        "industry_id": node.direction.industry_id,
        "direction": node.direction_id,
        "direction_name": node.direction.name,
        "stream": node.stream,
        "stream_label": node.get_stream_display(),
        "gap": gap.gap,
        "gap_label": gap.gap_label,
        "gap_reason": gap.reason,
        "local_enterprises": gap.local_enterprises,
        "local_output_wan": gap.local_output_wan,
        "pipeline_projects": gap.pipeline_projects,
        "keywords": list(node.keywords or []),
        "industry_codes": list(node.industry_codes or []),
        "suppliers": list(gap.suppliers),
        "customers": list(gap.customers),
    }


def _by_id_or_code(queryset, value: str):
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(pk=int(value)) if value.isdigit() else queryset.filter(code=value)


@extend_schema(tags=["industries"])
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("direction", str, description="细分方向 id 或代码"),
            OpenApiParameter("industry", str, description="产业 id 或代码"),
            OpenApiParameter("stream", str, enum=Stream.values, description="上中下游"),
            OpenApiParameter("gap", str, enum=GapKind.values, description="缺链类型"),
        ]
    )
)
class ChainNodeViewSet(RestrictedReadOnlyViewSet):
    """Chain nodes (产业链环节) with their computed gap kind (建链/延链/强链/补链/优势环节).

    Gap kinds come from the gap analysis over the placed enterprises and the configured
    thresholds; `pipeline_projects` counts only the projects the caller may see.
    """

    queryset = ChainNode.objects.select_related("direction__industry")
    serializer_class = ChainNodeSerializer
    filter_backends: list = []

    def _analysed(self, directions) -> dict[int, NodeGap]:
        projects = Project.objects.restrict(self.request.user, "view")
        gaps: dict[int, NodeGap] = {}
        for analysis in gap_analysis_many(directions, projects=projects):
            gaps.update(analysis.by_node_id())
        return gaps

    def list(self, request, *args, **kwargs):
        params = request.query_params
        directions = Direction.objects.restrict(request.user, "view").select_related("industry")
        directions = _by_id_or_code(directions, params.get("direction", ""))
        industries = _by_id_or_code(Industry.objects.all(), params.get("industry", ""))
        if params.get("industry"):
            directions = directions.filter(industry__in=industries)
        for name, allowed in (("stream", Stream.values), ("gap", GapKind.values)):
            value = params.get(name)
            if value and value not in allowed:
                raise ValidationError({name: [f"可选值：{'、'.join(allowed)}"]})
        rows = [
            g
            for g in self._analysed(directions).values()
            if (not params.get("stream") or g.node.stream == params["stream"])
            and (not params.get("gap") or g.gap == params["gap"])
        ]
        rows.sort(
            key=lambda g: (
                g.node.direction.industry.sort_order,
                g.node.direction.sort_order,
                g.node.direction_id,
                STREAM_ORDER.get(g.node.stream, 9),
                g.node.sort_order,
                g.node.pk,
            )
        )
        page = self.paginate_queryset(rows)
        items = [_node_row(g) for g in (page if page is not None else rows)]
        data = self.get_serializer(items, many=True).data
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        node = self.get_object()
        gap = self._analysed([node.direction])[node.pk]
        return Response(self.get_serializer(_node_row(gap)).data)
