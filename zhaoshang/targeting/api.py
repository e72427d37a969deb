"""API of precision targeting: recommendations, pushing a lead, the unit's pushed leads.

GET  /api/targeting/recommendations/?node=<id>&unit=<code>&limit=50   (or direction=<id>)
POST /api/targeting/push/                 {node, unit, enterprise[, note, deadline | deadline_workdays,
                                           ranking | run]} → the push (no project until accepted)
GET  /api/targeting/pushes/               the pushed leads in the user's scope
POST /api/targeting/pushes/{id}/accept/   {note}     the receiving unit: creates the lead project
POST /api/targeting/pushes/{id}/decline/  {reason}   the receiving unit
POST /api/targeting/pushes/{id}/withdraw/ {reason}   the sender, while pending
GET  /api/targeting/profiles/             scoring profiles (weights per campaign)
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoshang.accounts.models import Unit
from zhaoshang.core.api import E400, E403, E404, RestrictedViewSetMixin, service_errors
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import ChainNode, Direction

from . import selectors, services
from .models import LeadPush, RecommendationRun, ScoringProfile

# --- shapes ------------------------------------------------------------------------------------


class FactorSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="因素代码：chain_fit, scale, momentum, geography, ties, risk, recent_contact"
    )
    label = serializers.CharField()
    contribution = serializers.FloatField(
        help_text="对得分的贡献（已四舍五入到0.01，各项之和即得分）"
    )
    value = serializers.FloatField(help_text="因素取值（0–1）")
    weight = serializers.FloatField()
    evidence = serializers.CharField()


class RecEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uscc = serializers.CharField(allow_null=True)
    is_local = serializers.BooleanField()
    province = serializers.CharField()
    division = serializers.CharField()
    country = serializers.CharField()


class PipelineSerializer(serializers.Serializer):
    """A live project with the enterprise as investor; named only if the caller may see it."""

    project = serializers.IntegerField(allow_null=True)
    stage = serializers.CharField(allow_blank=True)
    stage_label = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(help_text="单位名称；调用者不可见的项目为“其他单位”")
    visible = serializers.BooleanField(help_text="调用者可查看该项目（否则不给出项目、名称与阶段）")


class PushStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(
        help_text="pushed 待接收 / accepted 已接收 / declined 已退回 / overdue 逾期未接收"
    )
    status_label = serializers.CharField()
    unit = serializers.CharField(help_text="接收单位名称；调用者不可见的为“其他单位”")
    project = serializers.IntegerField(allow_null=True, help_text="接收后建立的线索项目")


class RecNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    adjacent = serializers.BooleanField()


class RecommendationItemSerializer(serializers.Serializer):
    enterprise = RecEnterpriseSerializer()
    score = serializers.FloatField()
    factors = FactorSerializer(many=True)
    node = RecNodeSerializer(allow_null=True)
    pipeline = PipelineSerializer(
        allow_null=True, help_text="已在招商项目中：项目与阶段（不再推送）"
    )
    push = PushStateSerializer(
        allow_null=True, help_text="已推送至该单位（或仍待其他单位接收）：不再推送"
    )


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RecommendationsSerializer(serializers.Serializer):
    node = RefSerializer(allow_null=True)
    direction = RefSerializer(allow_null=True)
    unit = UnitRefSerializer()
    weights = serializers.DictField(child=serializers.FloatField())
    candidates = serializers.IntegerField()
    duration_ms = serializers.FloatField()
    items = RecommendationItemSerializer(many=True)


class RecommendationQuerySerializer(serializers.Serializer):
    node = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all(), required=False)
    direction = serializers.PrimaryKeyRelatedField(queryset=Direction.objects.all(), required=False)
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    limit = serializers.IntegerField(min_value=1, max_value=selectors.MAX_LIMIT, default=50)
    profile = serializers.PrimaryKeyRelatedField(
        queryset=ScoringProfile.objects.all(), required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("node" in attrs) == ("direction" in attrs):
            raise serializers.ValidationError(
                {"node": ["请给出 node（环节）或 direction（产业链）之一"]}
            )
        return attrs


def recommendation_payload(run: RecommendationRun, unit: Unit, *, user: Any) -> dict[str, Any]:
    """The run as `user` sees it now: its ranked items plus each enterprise's current pipeline
    state (another unit's project the user may not see is not named)."""
    items = [dict(item) for item in run.results]
    ids = [item["enterprise"]["id"] for item in items]
    pipeline = selectors.pipeline_for(ids, user=user)
    pushes = selectors.pushes_for(ids, unit)
    visible = set(
        LeadPush.objects.restrict(user, "view")
        .filter(pk__in=[p.pk for p in pushes.values()])
        .values_list("pk", flat=True)
    )
    for item in items:
        eid = item["enterprise"]["id"]
        item["pipeline"] = pipeline.get(eid)
        push = pushes.get(eid)
        item["push"] = (
            {
                "id": push.pk,
                "status": push.state,
                "status_label": push.state_label,
                "unit": push.unit.name if push.pk in visible else "其他单位",
                "project": push.project_id,
            }
            if push
            else None
        )
    return {
        "node": {"id": run.node.pk, "name": run.node.name} if run.node else None,
        "direction": {"id": run.direction.pk, "name": run.direction.name}
        if run.direction
        else None,
        "unit": {"code": unit.code, "name": unit.name},
        "weights": run.weights,
        "candidates": run.candidates,
        "duration_ms": run.duration_ms,
        "items": items,
    }


@extend_schema(tags=["targeting"])
class RecommendationsView(APIView):
    """精准招商推荐：某环节（或某产业链缺链清单）对某单位的非本地企业排名及因素说明。"""

    permission_model = RecommendationRun

    @extend_schema(
        summary="推荐企业排名",
        parameters=[
            OpenApiParameter("node", int, description="产业链环节 id"),
            OpenApiParameter(
                "direction", int, description="产业链（细分方向）id：按其缺链清单推荐"
            ),
            OpenApiParameter("unit", str, required=True, description="单位代码，如 371503"),
            OpenApiParameter("limit", int, description="条数，默认50，最多200"),
            OpenApiParameter("profile", int, description="评分方案 id（默认方案可省略）"),
        ],
        responses={200: RecommendationsSerializer, 400: E400, 403: E403},
    )
    def get(self, request, *args, **kwargs):
        query = RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        with service_errors():
            run = _recommendation(request.user, data)
        return Response(recommendation_payload(run, data["unit"], user=request.user))


def _recommendation(user: Any, query: dict[str, Any]) -> RecommendationRun:
    """The ranking for a validated RecommendationQuerySerializer (unsaved: a read)."""
    return selectors.recommendation(
        user=user,
        unit=query["unit"],
        node=query.get("node"),
        direction=query.get("direction"),
        profile=query.get("profile"),
        limit=query["limit"],
    )


class PushInputSerializer(serializers.Serializer):
    node = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all(), required=False)
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        help_text="接收单位代码（必填，不设默认）",
        error_messages={"required": "请选择接收单位", "null": "请选择接收单位"},
    )
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", help_text="推送说明"
    )
    deadline = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="接收期限（日期）"
    )
    deadline_workdays = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=60,
        help_text="接收期限：自今天起的工作日数（与 deadline 二选一；都不填为10个工作日）",
    )
    ranking = RecommendationQuerySerializer(
        required=False,
        help_text="推荐时的查询条件（同推荐接口的参数）：推送时据此重算排名，并与推送一并保存",
    )
    run = serializers.PrimaryKeyRelatedField(
        queryset=RecommendationRun.objects.all(),
        required=False,
        help_text="已保存的推荐记录 id（此前从该排名推送过线索）",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only runs the user may see: another unit's run is an unknown id, like any 404.
            self.fields["run"].queryset = RecommendationRun.objects.restrict(request.user, "view")


class PushResultSerializer(serializers.Serializer):
    project = serializers.IntegerField(
        allow_null=True,
        help_text="线索项目的 id：接收单位接收后才建立（推送时为 null）",
    )
    push = serializers.IntegerField()
    status = serializers.CharField()
    deadline = serializers.DateField()


@extend_schema(tags=["targeting"])
class PushView(APIView):
    """一键推送：为所选单位新建线索项目（数字招商），推荐理由写入项目简介。"""

    permission_model = LeadPush

    @extend_schema(
        summary="推送推荐企业为单位线索",
        request=PushInputSerializer,
        responses={201: PushResultSerializer, 400: E400, 403: E403},
    )
    def post(self, request, *args, **kwargs):
        data = PushInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with service_errors():
            run = values.get("run")
            if run is None and "ranking" in values:
                run = _recommendation(request.user, values["ranking"])
            push = services.push_lead(
                actor=request.user,
                enterprise=values["enterprise"],
                unit=values["unit"],
                node=values.get("node"),
                run=run,
                note=values["note"],
                deadline=values["deadline"],
                deadline_workdays=values["deadline_workdays"],
            )
        return Response(
            {
                "project": push.project_id,
                "push": push.pk,
                "status": push.status,
                "deadline": push.deadline,
            },
            status=status.HTTP_201_CREATED,
        )


class LeadPushSerializer(serializers.ModelSerializer):
    enterprise = RefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    node = RefSerializer(read_only=True, allow_null=True)
    project_stage = serializers.CharField(
        source="project.stage", read_only=True, allow_null=True, default=None
    )
    status = serializers.CharField(
        source="state",
        read_only=True,
        help_text="pushed 待接收 / overdue 逾期未接收 / accepted 已接收 / declined 已退回 / "
        "withdrawn 已撤回",
    )
    status_label = serializers.CharField(source="state_label", read_only=True)
    days_left = serializers.SerializerMethodField(help_text="距接收期限的天数（逾期为负）")

    class Meta:
        model = LeadPush
        fields = [
            "id", "enterprise", "unit", "node", "project", "project_stage", "status",
            "status_label", "note", "deadline", "days_left", "score", "explanation", "reason",
            "created_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_days_left(self, obj: LeadPush) -> int | None:
        return obj.days_left() if obj.status == "pushed" else None


class AcceptInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


@extend_schema(tags=["targeting"])
class LeadPushViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """推送线索：本单位收到的（市级可见全部）；接收或退回（须说明原因）。"""

    queryset = LeadPush.objects.select_related("enterprise", "unit", "node", "project")
    serializer_class = LeadPushSerializer
    action_permissions = {"accept": "change", "decline": "change", "withdraw": "change"}

    @extend_schema(
        summary="接收推送线索（接收单位；此时建立线索项目）",
        request=AcceptInputSerializer,
        responses={200: LeadPushSerializer, 400: E400, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        push = self.get_object()
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            push = services.push_accept(
                actor=request.user, push=push, note=data.validated_data["note"]
            )
        return Response(LeadPushSerializer(push).data)

    @extend_schema(
        summary="退回推送线索（接收单位；原因必填，不建立项目）",
        request=DeclineInputSerializer,
        responses={200: LeadPushSerializer, 400: E400, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        push = self.get_object()
        data = DeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            push = services.push_decline(
                actor=request.user, push=push, reason=data.validated_data["reason"]
            )
        return Response(LeadPushSerializer(push).data)

    @extend_schema(
        summary="撤回待接收的推送线索（推送方；原因必填）",
        request=DeclineInputSerializer,
        responses={200: LeadPushSerializer, 400: E400, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        push = self.get_object()
        data = DeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            push = services.push_withdraw(
                actor=request.user, push=push, reason=data.validated_data["reason"]
            )
        return Response(LeadPushSerializer(push).data)


class ScoringProfileSerializer(serializers.ModelSerializer):
    weights = serializers.DictField(child=serializers.FloatField())

    class Meta:
        model = ScoringProfile
        fields = [
            "id",
            "name",
            "campaign",
            "weights",
            "recent_contact_months",
            "is_default",
            "note",
        ]
        read_only_fields = fields


@extend_schema(tags=["targeting"])
class ScoringProfileViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """评分方案：各因素权重（按招商会战配置）。"""

    queryset = ScoringProfile.objects.all()
    serializer_class = ScoringProfileSerializer
    filter_backends: list = []
