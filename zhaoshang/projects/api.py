"""API for projects, their stage log and funds in place.

Thin viewsets: reads go through `.restrict(user, "view")` and the shared filter sets (the same
`ProjectFilter` / `FundsFilter` as the pages), writes through the services, whose field errors
and permission refusals come back as 400 and 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from zhaoshang.core.api import (
    E400,
    E403,
    E404,
    E412,
    ETAG,
    IF_MATCH,
    RestrictedViewSetMixin,
    VersionedViewSetMixin,
    service_errors,
)
from zhaoshang.core.filtersets import FilterBackend
from zhaoshang.core.parsers import BoundedJSONParser, NulFreeMultiPartParser
from zhaoshang.enterprises.models import Enterprise

from .filters import FundsFilter, ProjectFilter
from .models import Evidence, FundsRecord, Project, StageChange
from .serializers import (
    FundsRecordSerializer,
    FundsRejectSerializer,
    FundsSubmitSerializer,
    FundsVerifySerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    StageChangeInputSerializer,
    StageChangeSerializer,
)
from .services import (
    funds_reject,
    funds_submit,
    funds_verify,
    project_advance_stage,
    project_create,
    project_update,
)

UPLOAD_PARSERS = [NulFreeMultiPartParser, FormParser, BoundedJSONParser]


def _both(serializer: type[serializers.Serializer]) -> dict[str, Any]:
    """A request body accepted as multipart (with files) or as JSON (without)."""
    return {"multipart/form-data": serializer, "application/json": serializer}


class _InputMixin:
    def parse(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> dict:
        """Parse the request body into the keyword arguments of a service (400 on bad input)."""
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="项目列表（与页面相同的筛选条件）"),
    retrieve=extend_schema(
        summary="项目详情（ETag 为当前版本）",
        parameters=[ETAG],
        responses={200: ProjectSerializer, 404: E404},
    ),
)
@extend_schema(tags=["projects"])
class ProjectViewSet(
    _InputMixin,
    VersionedViewSetMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Investment projects of the user's scope; another unit's project is a 404."""

    queryset = Project.objects.select_related(
        "unit", "industry", "direction", "campaign", "lead_leader", "commissioner", "created_by"
    ).prefetch_related(
        Prefetch("investors", queryset=Enterprise.objects.only("id", "uscc", "name"))
    )
    serializer_class = ProjectSerializer
    filter_backends = [FilterBackend]
    filterset_class = ProjectFilter
    action_permissions = {"stage": "change", "stages": "view"}

    def _fresh(self, pk: int) -> Project:
        return self.get_queryset().get(pk=pk)

    @extend_schema(
        summary="新建项目",
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        data = self.parse(ProjectCreateSerializer)
        investors = data.pop("investors", [])
        with service_errors():
            project = project_create(actor=request.user, investors=investors, **data)
        return Response(
            ProjectSerializer(self._fresh(project.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="修改项目",
        description="带 `If-Match`（详情返回的 ETag）时，项目已被他人修改则返回 412，不保存。",
        request=ProjectUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: ProjectSerializer, 400: E400, 403: E403, 404: E404, 412: E412},
    )
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        data = self.parse(ProjectUpdateSerializer, partial=True)
        investors = data.pop("investors", None)
        with service_errors():
            project_update(
                actor=request.user,
                project=project,
                investors=investors,
                version=self.if_match(),
                **data,
            )
        fresh = self._fresh(project.pk)
        return self.versioned(Response(ProjectSerializer(fresh).data), fresh)

    @extend_schema(
        summary="变更项目阶段（附证明材料）",
        description=(
            "multipart/form-data：`evidence` 可重复上传多个文件，`evidence_kind` 逐一对应"
            "（或只填一个类型用于全部文件；签约阶段缺省为投资合同）。"
            "不附文件时也可用 JSON。返回变更后的项目。"
        ),
        request=_both(StageChangeInputSerializer),
        responses={200: ProjectSerializer, 400: E400, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS, filter_backends=[])
    def stage(self, request, pk=None):
        project = self.get_object()
        data = self.parse(StageChangeInputSerializer)
        with service_errors():
            project_advance_stage(project=project, actor=request.user, **data)
        return Response(ProjectSerializer(self._fresh(project.pk)).data)

    @extend_schema(
        summary="项目阶段记录",
        description="按日期列出项目的每一次阶段变更（原阶段、新阶段、日期、操作人、说明）及其证明材料。",
        responses={200: StageChangeSerializer(many=True), 404: E404},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def stages(self, request, pk=None):
        project = self.get_object()
        changes = (
            StageChange.objects.restrict(request.user, "view")
            .filter(project=project)
            .select_related("actor")
            .prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by"))
            )
        )
        return Response(StageChangeSerializer(changes, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="到位资金列表"),
    retrieve=extend_schema(
        summary="到位资金详情", responses={200: FundsRecordSerializer, 404: E404}
    ),
)
@extend_schema(tags=["funds"])
class FundsViewSet(
    _InputMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Funds in place (到位资金): units submit with evidence, the city verifies or rejects."""

    queryset = FundsRecord.objects.select_related(
        "project", "project__unit", "submitted_by", "verified_by"
    ).prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by"))
    )
    serializer_class = FundsRecordSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = FundsFilter
    ordering_fields = ["period", "amount_wan", "submitted_at", "verified_at"]
    parser_classes = UPLOAD_PARSERS
    action_permissions = {"verify": "verify", "reject": "verify"}

    def _fresh(self, pk: int) -> FundsRecord:
        return self.get_queryset().get(pk=pk)

    @extend_schema(
        summary="填报到位资金（附银行进账单或验资报告）",
        request=_both(FundsSubmitSerializer),
        responses={201: FundsRecordSerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        data = self.parse(FundsSubmitSerializer)
        with service_errors():
            record = funds_submit(actor=request.user, **data)
        return Response(
            FundsRecordSerializer(self._fresh(record.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="核实到位资金（不能核实自己填报的记录）",
        request=FundsVerifySerializer,
        responses={200: FundsRecordSerializer, 400: E400, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        record = self.get_object()
        data = self.parse(FundsVerifySerializer)
        with service_errors():
            funds_verify(actor=request.user, record=record, **data)
        return Response(FundsRecordSerializer(self._fresh(record.pk)).data)

    @extend_schema(
        summary="退回到位资金（须说明原因）",
        request=FundsRejectSerializer,
        responses={200: FundsRecordSerializer, 400: E400, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        record = self.get_object()
        data = self.parse(FundsRejectSerializer)
        with service_errors():
            funds_reject(actor=request.user, record=record, **data)
        return Response(FundsRecordSerializer(self._fresh(record.pk)).data)
