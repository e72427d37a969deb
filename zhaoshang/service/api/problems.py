"""API of problems (问题诉求): `GET/POST /api/problems/`, `GET /api/problems/{id}/` (ETag), and
one `POST /api/problems/{id}/<step>/` per step. The same services and scope as the pages:
another unit's or department's problem is a 404, a step the caller may not take a 403, a step
out of order or a missing field a 400 in Chinese, a stale `If-Match` a 412.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
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
from zhaoshang.projects.models import Project

from ..models.problems import Problem, ProblemCategory
from ..selectors.problems import ProblemFilter
from ..services import problems as services


class ProblemSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id", "project", "title", "description", "category", "department", "channel",
            "raised_on", "due_on", "status", "escalation_level", "acknowledged_on",
            "answered_on", "resolved_on", "confirmed_on", "answer", "satisfaction",
        ]  # fmt: skip
        read_only_fields = fields


class ProblemCreateSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(
        label="项目", queryset=Project.objects.none(), help_text="项目ID（须在本人范围内）"
    )
    category = serializers.SlugRelatedField(
        label="类别",
        slug_field="code",
        queryset=ProblemCategory.objects.filter(is_active=True),
        help_text="类别代码：land 土地、planning 规划、eia 环评、energy 能耗、power 电力、"
        "finance 融资、labour 用工、approval 审批、other 其他",
    )
    title = serializers.CharField(label="问题", max_length=services.TITLE_MAX)
    description = serializers.CharField(label="具体情况", max_length=services.TEXT_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none when the schema is generated
        if request is not None:
            self.fields["project"].queryset = Project.objects.restrict(request.user, "view")


def _text(label: str, *, required: bool = True) -> serializers.CharField:
    return serializers.CharField(
        label=label, max_length=services.TEXT_MAX, required=required, allow_blank=not required
    )


class EmptySerializer(serializers.Serializer):
    pass


class AnswerSerializer(serializers.Serializer):
    answer = _text("答复意见")


class ResolveSerializer(serializers.Serializer):
    result = _text("办理结果")


class ConfirmSerializer(serializers.Serializer):
    satisfaction = serializers.IntegerField(label="满意度（1～5）", min_value=1, max_value=5)
    comment = _text("评价", required=False)


class ReasonSerializer(serializers.Serializer):
    reason = _text("理由")


class EscalateSerializer(serializers.Serializer):
    reason = _text("升级理由", required=False)


STEP_INPUT: dict[str, type[serializers.Serializer]] = {
    "acknowledge": EmptySerializer,
    "answer": AnswerSerializer,
    "resolve": ResolveSerializer,
    "confirm": ConfirmSerializer,
    "reopen": ReasonSerializer,
    "escalate": EscalateSerializer,
}


STEP_SERVICES = {
    "acknowledge": services.problem_acknowledge,
    "answer": services.problem_answer,
    "resolve": services.problem_resolve,
    "confirm": services.problem_confirm,
    "reopen": services.problem_reopen,
    "escalate": services.problem_escalate,
}


def _step_schema(summary: str, code: str):
    return extend_schema(
        summary=summary,
        description="带 `If-Match`（详情返回的 ETag）时，问题已被他人办理则返回 412，不保存。"
        "状态不允许此操作时返回 400（`status` 字段给出原因）。",
        request=STEP_INPUT[code],
        parameters=[IF_MATCH],
        responses={200: ProblemSerializer, 400: E400, 403: E403, 404: E404, 412: E412},
    )


@extend_schema_view(
    list=extend_schema(summary="问题诉求列表（本人范围内；与页面相同的筛选条件）"),
    retrieve=extend_schema(
        summary="问题诉求详情（ETag 为当前版本）",
        parameters=[ETAG],
        responses={200: ProblemSerializer, 404: E404},
    ),
)
@extend_schema(tags=["problems"])
class ProblemViewSet(
    VersionedViewSetMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Problems raised on projects and routed to departments; another unit's is a 404."""

    queryset = Problem.objects.select_related("category", "department").order_by(
        "-raised_on", "-id"
    )
    serializer_class = ProblemSerializer
    filter_backends = [FilterBackend]
    filterset_class = ProblemFilter
    # The department's steps need the change permission; the raiser's side (confirm, reopen)
    # only sees the problem, and the service checks it is theirs to confirm.
    action_permissions = {
        "acknowledge": "change",
        "answer": "change",
        "resolve": "change",
        "escalate": "change",
        "confirm": "view",
        "reopen": "view",
    }

    def _fresh(self, pk: int) -> Problem:
        return self.get_queryset().get(pk=pk)

    @extend_schema(
        summary="提出问题（按类别交办责任部门，办理时限按工作日计算）",
        request=ProblemCreateSerializer,
        responses={201: ProblemSerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        data = ProblemCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        with service_errors():
            problem = services.problem_raise(actor=request.user, **data.validated_data)
        fresh = self._fresh(problem.pk)
        return self.versioned(
            Response(ProblemSerializer(fresh).data, status=status.HTTP_201_CREATED), fresh
        )

    def _step(self, request, code: str):
        problem = self.get_object()
        data = STEP_INPUT[code](data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            STEP_SERVICES[code](
                actor=request.user,
                problem=problem,
                version=self.if_match(),
                **data.validated_data,
            )
        fresh = self._fresh(problem.pk)
        return self.versioned(Response(ProblemSerializer(fresh).data), fresh)

    @_step_schema("签收（责任部门）", "acknowledge")
    @action(detail=True, methods=["post"], filter_backends=[])
    def acknowledge(self, request, pk=None):
        return self._step(request, "acknowledge")

    @_step_schema("答复（责任部门）", "answer")
    @action(detail=True, methods=["post"], filter_backends=[])
    def answer(self, request, pk=None):
        return self._step(request, "answer")

    @_step_schema("办结（责任部门）", "resolve")
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        return self._step(request, "resolve")

    @_step_schema("确认并评价满意度（提出人、项目所在单位或服务专员）", "confirm")
    @action(detail=True, methods=["post"], filter_backends=[])
    def confirm(self, request, pk=None):
        return self._step(request, "confirm")

    @_step_schema("退回重办（须说明理由）", "reopen")
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        return self._step(request, "reopen")

    @_step_schema("升级督办（市投资促进局）", "escalate")
    @action(detail=True, methods=["post"], filter_backends=[])
    def escalate(self, request, pk=None):
        return self._step(request, "escalate")
