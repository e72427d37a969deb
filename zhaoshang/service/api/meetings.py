"""API of joint meetings (联席会议): list and call meetings; a meeting's agenda items with their
decisions and the status of each decision's tasks.

Same permissions as the pages: reads through `.restrict(user, "view")` (each meeting once; a
unit sees only the items about its projects), the city creates through `meeting_create`.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.core.api import E400, E403, E404, RestrictedViewSetMixin, service_errors

from ..models import JointMeeting, MeetingStatus, Task
from ..selectors import meetings as selectors
from ..services.meetings import meeting_create


class MeetingSerializer(serializers.ModelSerializer):
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True)
    chair_name = serializers.CharField(source="chair.display_name", read_only=True)
    departments = serializers.SlugRelatedField(
        source="attending_departments", slug_field="code", many=True, read_only=True
    )
    units = serializers.SlugRelatedField(
        source="attending_units", slug_field="code", many=True, read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = JointMeeting
        fields = ["id", "year", "sequence", "title", "held_on", "place", "chair", "chair_name",
                  "departments", "units", "status", "status_label", "agenda_confirmed_at",
                  "minutes_number", "issued_on"]  # fmt: skip
        read_only_fields = fields


class TaskStatusSerializer(serializers.ModelSerializer):
    owner_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "title", "owner_department", "owner_unit", "due_on", "status", "done_on",
                  "overdue"]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, task: Task) -> bool:
        return task.status == "open" and task.due_on < timezone.localdate()


class ProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    done = serializers.IntegerField()


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    progress = ProgressSerializer()
    tasks = TaskStatusSerializer(many=True, source="tasks.all")


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.id")
    order = serializers.IntegerField(source="item.order")
    kind = serializers.CharField(source="item.kind")
    kind_label = serializers.CharField()
    object_id = serializers.IntegerField(source="item.object_id", allow_null=True)
    project = serializers.IntegerField(source="item.project_id", allow_null=True)
    title = serializers.CharField(source="item.title")
    since = serializers.DateField(source="item.since", allow_null=True)
    investment_wan = serializers.DecimalField(
        source="item.investment_wan", max_digits=14, decimal_places=2
    )
    presenter_unit = serializers.CharField(
        source="item.presenter_unit.code", allow_null=True, default=None
    )
    presenter_department = serializers.CharField(
        source="item.presenter_department.code", allow_null=True, default=None
    )
    carried_from = DecisionSerializer(allow_null=True)
    decisions = DecisionSerializer(many=True)


class MeetingDetailSerializer(MeetingSerializer):
    progress = serializers.SerializerMethodField()
    agenda_items = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "summary", "copy_to", "progress", "agenda_items"]
        read_only_fields = fields

    def _view(self, meeting: JointMeeting) -> selectors.MeetingView:
        cache = self.context.setdefault("views", {})
        if meeting.pk not in cache:
            cache[meeting.pk] = selectors.meeting_view(
                meeting=meeting, user=self.context["request"].user
            )
        return cache[meeting.pk]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, meeting: JointMeeting) -> dict:
        return ProgressSerializer(self._view(meeting).progress).data

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda_items(self, meeting: JointMeeting) -> list:
        return AgendaItemSerializer(self._view(meeting).items, many=True).data


class MeetingCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField(label="会议日期")
    place = serializers.CharField(label="会议地点", max_length=100)
    chair = serializers.SlugRelatedField(
        label="主持领导（用户名）",
        slug_field="username",
        queryset=User.objects.filter(is_active=True, role=Role.LEADER),
    )
    departments = serializers.SlugRelatedField(
        label="参会部门（代码）",
        slug_field="code",
        queryset=Department.objects.all(),
        many=True,
        required=False,
    )
    units = serializers.SlugRelatedField(
        label="参会单位（代码）",
        slug_field="code",
        queryset=Unit.objects.all(),
        many=True,
        required=False,
    )
    title = serializers.CharField(
        label="会议名称", max_length=100, required=False, allow_blank=True
    )
    summary = serializers.CharField(label="会议概况", required=False, allow_blank=True)
    copy_to = serializers.CharField(label="抄送", max_length=300, required=False, allow_blank=True)


class MeetingFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    status = serializers.ChoiceField(label="状态", choices=MeetingStatus.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="联席会议列表（按年度、状态筛选）",
        parameters=[
            OpenApiParameter("year", int, description="年度"),
            OpenApiParameter("status", str, enum=MeetingStatus.values, description="状态"),
        ],
        responses={200: MeetingSerializer(many=True), 400: E400},
    ),
    retrieve=extend_schema(
        summary="会议详情：议题、议定事项及其任务办理状态（单位只看到与其项目相关的议题）",
        responses={200: MeetingDetailSerializer, 404: E404},
    ),
)
@extend_schema(tags=["meetings"])
class MeetingViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Joint meetings of the user's scope; a meeting outside it is a 404."""

    queryset = JointMeeting.objects.all()
    serializer_class = MeetingSerializer

    def get_queryset(self):
        # `selectors.visible` starts from `.restrict()`, and keeps each meeting once.
        return (
            selectors.visible(JointMeeting, self.request.user)
            .select_related("chair")
            .prefetch_related("attending_departments", "attending_units")
            .order_by("-held_on", "-id")
        )

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = MeetingFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        for key, value in params.validated_data.items():
            queryset = queryset.filter(**{key: value})
        return queryset

    @extend_schema(
        summary="新建联席会议（市投资促进局）；议题自动带入以前会议未办结的议定事项",
        request=MeetingCreateSerializer,
        responses={201: MeetingDetailSerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        data = MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            meeting = meeting_create(actor=request.user, **data.validated_data)
        fresh = self.get_queryset().get(pk=meeting.pk)
        body = MeetingDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)
