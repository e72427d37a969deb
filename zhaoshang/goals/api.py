"""API for indicators and the published quarterly ranking (竞赛榜). Read-only, thin over selectors.

    GET /api/indicators/                                   the registry (keys, labels, options)
    GET /api/indicators/?indicator=&unit=&period=[&once_only=true…]   one figure
    GET /api/rankings/                                     published snapshots
    GET /api/rankings/<quarter>/[?scheme=]                 a published ranking (404 if none)
    GET /api/rankings/<quarter>/drilldown/?column=&unit=   the frozen records behind a number
    GET /api/rankings/<quarter>/preview/[?scheme=]         computed now, before publication

Anonymous → 401; without the goals view permission → 403; a bad key, unit or period → 400 with a
Chinese message keyed by the parameter.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoshang.core.api import E400, E403, service_errors

from . import selectors
from .indicators import FLAGS
from .models import Goal, RankingSnapshot
from .serializers import (
    DrilldownSerializer,
    IndicatorInfoSerializer,
    IndicatorValueSerializer,
    PreviewSerializer,
    RankingSerializer,
    SnapshotListSerializer,
)

NOT_PUBLISHED = OpenApiResponse(description="该季度尚未发布竞赛榜")
_SCHEME = OpenApiParameter("scheme", str, description="考核办法代码（默认为默认办法）")


def _options(params: Any) -> dict[str, Any]:
    options: dict[str, Any] = {f: params[f] for f in FLAGS if f in params}
    if "months" in params:
        options["months"] = params["months"]
    if "tags" in params:
        options["tags"] = [t for t in params["tags"].split(",") if t]
    return options


class IndicatorView(APIView):
    """Indicators computed from records: the list, or one figure for a unit and period."""

    permission_model = Goal

    @extend_schema(
        tags=["goals"],
        summary="指标：不带 indicator 时返回指标目录，否则返回一个单位（或全市）在一个期间的数值",
        parameters=[
            OpenApiParameter("indicator", str, description="指标代码，如 funds_verified"),
            OpenApiParameter("unit", str, description="单位代码；省略为全市"),
            OpenApiParameter(
                "period", str, description="2024、2024Q1、2024-03、2024YTD、2024-03YTD"
            ),
            OpenApiParameter("once_only", bool, description="同一项目只计一次（按阶段记录）"),
            OpenApiParameter("exclude_same_city", bool, description="不计市内单位间投资"),
            OpenApiParameter("entered_before_close", bool, description="只计关账前录入"),
            OpenApiParameter("months", int, description="N个月（签约至开工类指标）"),
            OpenApiParameter("tags", str, description="500强标签，逗号分隔"),
        ],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="IndicatorResult",
                    serializers=[IndicatorValueSerializer, IndicatorInfoSerializer(many=True)],
                    resource_type_field_name=None,
                    many=False,
                ),
                description="指标值；不带 indicator 参数时为指标目录（IndicatorInfo 列表）",
            ),
            400: E400,
            403: E403,
        },
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        if "indicator" not in params:
            return Response(
                IndicatorInfoSerializer(selectors.indicator_catalogue(), many=True).data
            )
        with service_errors():
            if not params.get("period"):
                raise ValidationError({"period": ["请指定期间，如 2024、2024Q1 或 2024-03"]})
            data = selectors.indicator_value(
                user=request.user,
                key=params["indicator"],
                unit_code=params.get("unit") or None,
                period=params["period"],
                options=_options(params),
            )
        return Response(IndicatorValueSerializer(data).data)


class RankingListView(APIView):
    """Published rankings, newest quarter first."""

    permission_model = RankingSnapshot

    @extend_schema(
        tags=["goals"],
        summary="已发布的竞赛榜列表",
        parameters=[_SCHEME],
        responses={200: SnapshotListSerializer(many=True), 400: E400, 403: E403},
    )
    def get(self, request: Request) -> Response:
        with service_errors():
            qs = selectors.snapshots_for(
                user=request.user, scheme=request.query_params.get("scheme")
            )
        return Response(SnapshotListSerializer(qs, many=True).data)


class RankingView(APIView):
    """A published quarterly ranking, from its immutable snapshot."""

    permission_model = RankingSnapshot

    @extend_schema(
        tags=["goals"],
        summary="某季度已发布的竞赛榜（冻结快照）",
        parameters=[_SCHEME],
        responses={200: RankingSerializer, 400: E400, 403: E403, 404: NOT_PUBLISHED},
    )
    def get(self, request: Request, quarter: str) -> Response:
        with service_errors():
            data = selectors.ranking_published(
                user=request.user, quarter=quarter, scheme=request.query_params.get("scheme")
            )
        if data is None:
            raise NotFound("该季度尚未发布竞赛榜")
        return Response(RankingSerializer(data).data)


class RankingDrilldownView(APIView):
    """The frozen records behind one number (column × unit) of a published ranking."""

    permission_model = RankingSnapshot

    @extend_schema(
        tags=["goals"],
        summary="竞赛榜某项得分所依据的记录（冻结）",
        parameters=[
            OpenApiParameter("column", str, required=True, description="计分项代码"),
            OpenApiParameter("unit", str, required=True, description="单位代码"),
            _SCHEME,
        ],
        responses={200: DrilldownSerializer, 400: E400, 403: E403, 404: NOT_PUBLISHED},
    )
    def get(self, request: Request, quarter: str) -> Response:
        params = request.query_params
        with service_errors():
            missing = {k: ["必填"] for k in ("column", "unit") if not params.get(k)}
            if missing:
                raise ValidationError(missing)
            data = selectors.ranking_drilldown(
                user=request.user,
                quarter=quarter,
                column=params["column"],
                unit_code=params["unit"],
                scheme=params.get("scheme"),
            )
        if data is None:
            raise NotFound("该季度尚未发布竞赛榜")
        return Response(DrilldownSerializer(data).data)


class RankingPreviewView(APIView):
    """A quarter computed now (before publication): the city sees all, a unit its own row if the
    scheme allows it."""

    permission_model = RankingSnapshot

    @extend_schema(
        tags=["goals"],
        summary="竞赛榜预览（按当前数据计算，未发布）",
        parameters=[_SCHEME],
        responses={200: PreviewSerializer, 400: E400, 403: E403},
    )
    def get(self, request: Request, quarter: str) -> Response:
        with service_errors():
            scheme = request.query_params.get("scheme") or _default_scheme()
            data = selectors.ranking_preview(
                user=request.user, scheme=scheme, quarter=quarter, drilldown_records=False
            )
        return Response(PreviewSerializer(data).data)


def _default_scheme() -> str:
    from .models import RankingScheme

    scheme = RankingScheme.objects.order_by("-is_default", "code").first()
    if scheme is None:
        raise ValidationError({"scheme": ["尚未设置考核办法"]})
    return scheme.code
