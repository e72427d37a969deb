"""API of tasks (督办事项): `GET /api/tasks/` with the list's filters, one task, and its life
(`POST /api/tasks/{id}/close|cancel|extend/`), with the pages' permissions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
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

from ..models import Task
from ..selectors.tasks import TaskFilter
from ..services import tasks as services


class TaskSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    owner_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner_user = serializers.PrimaryKeyRelatedField(read_only=True)
    instruction = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id", "source", "project", "title", "detail", "owner_department", "owner_unit",
            "owner_user", "due_on", "original_due_on", "status", "done_on", "result",
            "cancel_reason", "instruction",
        ]  # fmt: skip
        read_only_fields = fields


class TaskCloseSerializer(serializers.Serializer):
    result = serializers.CharField(label="办理结果")
    done_on = serializers.DateField(label="办结日期")


class TaskCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(label="撤销理由", max_length=300)


class TaskExtendSerializer(serializers.Serializer):
    due_on = serializers.DateField(label="新的办结时限")
    reason = serializers.CharField(label="调整理由", max_length=300)


@extend_schema_view(
    list=extend_schema(summary="督办事项列表（领导批示、议定事项、联审条件）", responses={200: TaskSerializer, 400: E400, 403: E403}),
    retrieve=extend_schema(summary="督办事项", parameters=[ETAG], responses={200: TaskSerializer, 403: E403, 404: E404}),
)  # fmt: skip
class TaskViewSet(
    RestrictedViewSetMixin,
    VersionedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Tasks with one owner and a deadline, tracked to closure."""

    queryset = Task.objects.select_related("owner_department", "owner_unit")
    serializer_class = TaskSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = TaskFilter
    ordering_fields = ["due_on", "done_on", "created_at", "id"]
    ordering = ["status", "due_on", "id"]
    action_permissions = {"close": "change", "cancel": "change", "extend": "change"}

    def _write(self, serializer_class, call) -> Response:
        task = self.get_object()
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        with service_errors():
            call(task, payload.validated_data, self.if_match())
        fresh = self.get_queryset().get(pk=task.pk)
        return self.versioned(Response(TaskSerializer(fresh).data), fresh)

    @extend_schema(
        summary="办结（责任方填写办理结果）",
        request=TaskCloseSerializer,
        parameters=[IF_MATCH],
        responses={200: TaskSerializer, 400: E400, 403: E403, 404: E404, 412: E412},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        return self._write(
            TaskCloseSerializer,
            lambda task, data, version: services.task_close(
                actor=request.user, task=task, version=version, **data
            ),
        )

    @extend_schema(
        summary="撤销（交办人或市级，须说明理由）",
        request=TaskCancelSerializer,
        parameters=[IF_MATCH],
        responses={200: TaskSerializer, 400: E400, 403: E403, 404: E404, 412: E412},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        return self._write(
            TaskCancelSerializer,
            lambda task, data, version: services.task_cancel(
                actor=request.user, task=task, version=version, **data
            ),
        )

    @extend_schema(
        summary="调整办结时限（交办人或市级，须说明理由）",
        request=TaskExtendSerializer,
        parameters=[IF_MATCH],
        responses={200: TaskSerializer, 400: E400, 403: E403, 404: E404, 412: E412},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def extend(self, request, pk=None):
        return self._write(
            TaskExtendSerializer,
            lambda task, data, version: services.task_extend(
                actor=request.user, task=task, version=version, **data
            ),
        )
