"""API of the notification centre: the caller's own notices only (another's id is a 404)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from zhaoshang.core.api import E400, E403, E404

from . import kinds
from .models import Notification
from .selectors import notices_for
from .services import may_receive, notice_mark_all_read, notice_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at",
                  "is_read"]  # fmt: skip
        read_only_fields = fields


class IsNoticeReceiver(permissions.BasePermission):
    """Signed in (else 401) and a business user: administrator roles (三员) have no notices."""

    message = "管理员角色不接收业务通知"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return may_receive(user)


_BOOL = {"true": True, "1": True, "false": False, "0": False}

UNREAD = OpenApiParameter(
    "unread", OpenApiTypes.BOOL, description="true：只列未读；false：只列已读；不传：全部"
)
KIND = OpenApiParameter("kind", OpenApiTypes.STR, description="通知类型代码")
READ_ALL_RESULT = inline_serializer("NotificationsReadAll", {"marked": serializers.IntegerField()})


@extend_schema_view(
    list=extend_schema(
        summary="我的通知（最新在前）",
        parameters=[UNREAD, KIND],
        responses={200: NotificationSerializer(many=True), 400: E400, 403: E403},
    ),
    retrieve=extend_schema(summary="一条通知", responses={200: NotificationSerializer, 404: E404}),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    permission_classes = [IsNoticeReceiver]
    filter_backends: list = []
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = notices_for(user=self.request.user)
        if self.action != "list":
            return qs
        errors = {}
        unread = self.request.query_params.get("unread")
        if unread is not None:
            if unread.lower() not in _BOOL:
                errors["unread"] = ["应为 true 或 false"]
            else:
                qs = qs.filter(read_at__isnull=_BOOL[unread.lower()])
        kind = self.request.query_params.get("kind")
        if kind is not None:
            if kind not in {k.code for k in kinds.all_kinds()}:
                errors["kind"] = ["没有这种通知类型"]
            else:
                qs = qs.filter(kind=kind)
        if errors:
            raise ValidationError(errors)
        return qs

    @extend_schema(
        summary="标为已读",
        request=None,
        responses={200: NotificationSerializer, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = notice_mark_read(user=request.user, notification=self.get_object())
        return Response(self.get_serializer(notice).data)

    @extend_schema(
        summary="全部标为已读（可限一种类型）",
        request=None,
        parameters=[KIND],
        responses={200: READ_ALL_RESULT, 400: E400, 403: E403},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        kind = request.query_params.get("kind", "")
        if kind and kind not in {k.code for k in kinds.all_kinds()}:
            raise ValidationError({"kind": ["没有这种通知类型"]})
        return Response({"marked": notice_mark_all_read(user=request.user, kind=kind)})
