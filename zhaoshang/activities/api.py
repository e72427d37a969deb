"""API of visits (#12 §6): `GET/POST /api/visits/`, `GET /api/visits/{id}/` (ETag); of trips
and events: `GET/POST /api/trips/`, `GET/POST /api/events/` and their details (ETag).

The same service and scope as the pages: a unit reads and writes its own visits, the city all;
leaders and inspectors read. A visit that crowds an enterprise (another unit's visit within the
city's window, or 请勿打扰) is refused with **409 Conflict** and its `warnings`, nothing saved,
unless the request says `force: true` (or `?force=true`); a forced save answers 201 with the
warnings it acknowledged. Bad input is a 400 keyed by field, in Chinese.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from zhaoshang.accounts.models import Unit
from zhaoshang.core.api import (
    E400,
    E403,
    E404,
    ETAG,
    RestrictedViewSetMixin,
    VersionedViewSetMixin,
    service_errors,
)
from zhaoshang.core.filtersets import FilterBackend
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import Campaign, Project

from . import selectors, services
from .models import (
    Event,
    EventKind,
    LeaderLevel,
    OrganisationKind,
    Trip,
    Visit,
    VisitOutcome,
    VisitStatus,
)

E409 = OpenApiResponse(
    description="与其他单位的拜访冲突或企业请勿打扰：未保存；`warnings` 逐条说明。"
    "确认后以 `force: true`（或 `?force=true`）重新提交"
)
TRUE = {"1", "true", "yes", "on"}


class WarningSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["visit", "do_not_disturb"], help_text="冲突类型")
    enterprise = serializers.IntegerField(help_text="企业ID")
    visit = serializers.IntegerField(
        allow_null=True, help_text="冲突的拜访ID（仅当您可查看该拜访时给出）"
    )
    date = serializers.DateField(allow_null=True)
    message = serializers.CharField()


class VisitSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprise = serializers.SerializerMethodField(help_text="拜访的（第一家）企业ID，无则为 null")
    enterprises = serializers.SerializerMethodField(help_text="拜访的全部企业ID")
    organisation_name = serializers.SerializerMethodField(help_text="商协会/机构名称")
    leader_level = serializers.SerializerMethodField(
        help_text="拜访人员中的最高级别：city_main 市主要领导、city 市级领导、"
        "county_main 县党政主要负责同志、staff 工作人员"
    )
    project = serializers.PrimaryKeyRelatedField(
        source="lead", read_only=True, help_text="此次拜访生成的线索项目ID"
    )
    projects = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id", "date", "unit", "status", "enterprise", "enterprises", "organisation_name",
            "outbound", "city", "leader_level", "purpose", "outcome", "follow_up_on", "project",
            "projects", "trip",
        ]  # fmt: skip
        read_only_fields = fields

    def get_enterprise(self, visit: Visit) -> int | None:
        found = sorted(e.pk for e in visit.enterprises.all())
        return found[0] if found else None

    def get_enterprises(self, visit: Visit) -> list[int]:
        return sorted(e.pk for e in visit.enterprises.all())

    def get_organisation_name(self, visit: Visit) -> str:
        return visit.organisation.name if visit.organisation_id else ""

    def get_leader_level(self, visit: Visit) -> str | None:
        return selectors.leader_level(visit)


class ParticipantSerializer(serializers.Serializer):
    name = serializers.CharField(label="姓名", max_length=50)
    level = serializers.ChoiceField(label="级别", choices=LeaderLevel.choices)


class VisitCreateSerializer(serializers.Serializer):
    date = serializers.DateField(label="拜访日期")
    status = serializers.ChoiceField(
        label="状态", choices=[VisitStatus.DONE, VisitStatus.PLANNED], default=VisitStatus.DONE
    )
    unit = serializers.SlugRelatedField(
        label="单位", slug_field="code", queryset=Unit.objects.all(), required=False,
        help_text="单位代码；不填为本人单位（只有市投资促进局可为其他单位登记）",
    )  # fmt: skip
    enterprise = serializers.PrimaryKeyRelatedField(
        label="企业", queryset=Enterprise.objects.none(), required=False, allow_null=True
    )
    enterprises = serializers.PrimaryKeyRelatedField(
        label="企业（多家）", queryset=Enterprise.objects.none(), many=True, required=False
    )
    organisation_name = serializers.CharField(
        label="商协会/机构名称", max_length=200, required=False, allow_blank=True
    )
    organisation_kind = serializers.ChoiceField(
        label="商协会/机构类型", choices=OrganisationKind.choices, required=False
    )
    organisation_city = serializers.CharField(
        label="商协会/机构所在城市", max_length=50, required=False, allow_blank=True
    )
    outbound = serializers.BooleanField(label="外出（聊城市外）", default=False)
    city = serializers.CharField(label="拜访城市", max_length=50, required=False, allow_blank=True)
    purpose = serializers.CharField(label="拜访目的", max_length=300, required=False,
                                    allow_blank=True)  # fmt: skip
    outcome = serializers.ChoiceField(label="拜访成效", choices=VisitOutcome.choices,
                                      required=False, allow_blank=True)  # fmt: skip
    notes = serializers.CharField(label="情况记录", max_length=4000, required=False,
                                  allow_blank=True)  # fmt: skip
    follow_up_on = serializers.DateField(label="下次跟进日期", required=False, allow_null=True)
    participants = ParticipantSerializer(
        many=True, required=False, help_text="拜访人员；不填则为调用者本人（工作人员）"
    )
    projects = serializers.PrimaryKeyRelatedField(
        label="推进的项目", queryset=Project.objects.none(), many=True, required=False
    )
    campaign = serializers.PrimaryKeyRelatedField(
        label="招商会战", queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    trip = serializers.PrimaryKeyRelatedField(
        label="所属外出招商", queryset=Trip.objects.none(), required=False, allow_null=True,
        help_text="外出招商途中的拜访：本单位那次外出的ID",
    )  # fmt: skip
    force = serializers.BooleanField(
        label="确认冲突提示后仍保存", default=False,
        help_text="有冲突提示时须为 true 才保存（也可用查询参数 ?force=true）",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none when the schema is generated
        if request is not None:
            visible = Enterprise.objects.restrict(request.user, "view")
            self.fields["enterprise"].queryset = visible
            self.fields["enterprises"].child_relation.queryset = visible
            self.fields["projects"].child_relation.queryset = Project.objects.restrict(
                request.user, "view"
            )
            self.fields["trip"].queryset = Trip.objects.restrict(request.user, "view")


def _prefetched(queryset):
    return queryset.select_related("unit", "organisation").prefetch_related(
        "enterprises", "participants", "projects"
    )


@extend_schema_view(
    list=extend_schema(
        summary="拜访列表（本人范围内；筛选：unit、month、status、outcome、"
        "outbound、level、enterprise）"
    ),
    retrieve=extend_schema(
        summary="拜访详情（ETag 为当前版本）",
        parameters=[ETAG],
        responses={200: VisitSerializer, 404: E404},
    ),
)
@extend_schema(tags=["visits"])
class VisitViewSet(
    VersionedViewSetMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Visits (登门拜访) of the units; another unit's is a 404."""

    queryset = _prefetched(Visit.objects.all()).order_by("-date", "-id")
    serializer_class = VisitSerializer
    filter_backends = [FilterBackend]
    filterset_class = selectors.VisitFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":  # the level filter reads the annotated top rank
            return queryset.annotate(top_rank=selectors.top_rank())
        return queryset

    @extend_schema(
        summary="登记拜访（有冲突提示时返回 409，确认后以 force=true 保存）",
        request=VisitCreateSerializer,
        responses={201: VisitSerializer, 400: E400, 403: E403, 409: E409},
    )
    def create(self, request, *args, **kwargs):
        data = VisitCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        force = values.pop("force") or request.query_params.get("force", "").lower() in TRUE
        enterprises = list(values.pop("enterprises", []))
        if (one := values.pop("enterprise", None)) is not None and one not in enterprises:
            enterprises.insert(0, one)
        people = values.pop("participants", None) or [
            {"name": getattr(request.user, "display_name", "") or request.user.username,
             "level": LeaderLevel.STAFF}
        ]  # fmt: skip
        participants = [
            services.ParticipantInput(
                name=p["name"],
                level=p["level"],
                user=request.user
                if p["name"] in (request.user.username, request.user.display_name)
                else None,
            )
            for p in people
        ]
        try:
            with service_errors():
                visit = services.visit_create(
                    actor=request.user, enterprises=enterprises, participants=participants,
                    acknowledge_conflicts=force, **values,
                )  # fmt: skip
        except serializers.ValidationError as exc:
            conflicts = getattr(exc.__cause__, "conflicts", None)
            only_conflicts = set(exc.detail) == {services.ACKNOWLEDGE_FIELD}
            if conflicts and only_conflicts:
                return Response(
                    {
                        "detail": "与其他单位的拜访冲突或企业请勿打扰，未保存；确认后以 force=true 重新提交",
                        "warnings": [c.as_dict() for c in conflicts],
                    },
                    status=status.HTTP_409_CONFLICT,
                )
            raise
        fresh = self.get_queryset().get(pk=visit.pk)
        body = {
            **VisitSerializer(fresh).data,
            "warnings": [c.as_dict() for c in visit.acknowledged_conflicts],
        }
        return self.versioned(Response(body, status=status.HTTP_201_CREATED), fresh)


# --- 外出招商 and 集中活动 (#12 §2): `GET/POST /api/trips/`, `GET/POST /api/events/` --------------


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(label="姓名", max_length=50)
    level = serializers.ChoiceField(label="级别", choices=LeaderLevel.choices)


class TripMemberSerializer(MemberSerializer):
    leads = serializers.BooleanField(label="带队", default=False)


class TripSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    leader = serializers.SerializerMethodField(help_text="带队领导姓名")
    leader_level = serializers.SerializerMethodField(
        help_text="带队领导级别：city_main、city、county_main、staff"
    )
    participants = serializers.SerializerMethodField(help_text="外出人员（姓名、级别、是否带队）")
    person_times = serializers.SerializerMethodField(
        help_text="本次外出计入的领导人次（工作人员以外每人1人次）"
    )
    visits = serializers.SerializerMethodField(help_text="本次外出中的拜访ID")
    projects = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Trip
        fields = [
            "id", "unit", "starts_on", "ends_on", "cities", "purpose", "leader", "leader_level",
            "participants", "person_times", "visits", "projects", "campaign",
        ]  # fmt: skip
        read_only_fields = fields

    def get_leader(self, trip: Trip) -> str:
        leader = trip.leader
        return leader.name if leader else ""

    def get_leader_level(self, trip: Trip) -> str | None:
        leader = trip.leader
        return leader.level if leader else None

    @extend_schema_field(TripMemberSerializer(many=True))
    def get_participants(self, trip: Trip) -> list[dict[str, Any]]:
        return [
            {"name": p.name, "level": p.level, "leads": p.leads} for p in trip.participants.all()
        ]

    def get_person_times(self, trip: Trip) -> int:
        return sum(1 for p in trip.participants.all() if p.level != LeaderLevel.STAFF)

    def get_visits(self, trip: Trip) -> list[int]:
        return sorted(v.pk for v in trip.visits.all())


class TripCreateSerializer(serializers.Serializer):
    starts_on = serializers.DateField(label="出发日期")
    ends_on = serializers.DateField(label="返回日期", required=False, allow_null=True,
                                    help_text="不填为出发当天")  # fmt: skip
    unit = serializers.SlugRelatedField(
        label="单位", slug_field="code", queryset=Unit.objects.all(), required=False,
        help_text="单位代码；不填为本人单位（只有市投资促进局可为其他单位登记）",
    )  # fmt: skip
    cities = serializers.CharField(label="赴访城市", max_length=200)
    purpose = serializers.CharField(label="外出目的", max_length=300, required=False,
                                    allow_blank=True)  # fmt: skip
    notes = serializers.CharField(label="情况记录", max_length=4000, required=False,
                                  allow_blank=True)  # fmt: skip
    participants = TripMemberSerializer(
        label="外出人员", many=True, help_text="其中一人 leads=true（带队领导）"
    )
    projects = serializers.PrimaryKeyRelatedField(
        label="推进的项目", queryset=Project.objects.none(), many=True, required=False
    )
    campaign = serializers.PrimaryKeyRelatedField(
        label="招商会战", queryset=Campaign.objects.all(), required=False, allow_null=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["projects"].child_relation.queryset = Project.objects.restrict(
                request.user, "view"
            )


@extend_schema_view(
    list=extend_schema(summary="外出招商列表（本人范围内；筛选：unit、month、level、campaign）"),
    retrieve=extend_schema(
        summary="外出招商详情（ETag 为当前版本）",
        parameters=[ETAG],
        responses={200: TripSerializer, 404: E404},
    ),
)
@extend_schema(tags=["trips"])
class TripViewSet(
    VersionedViewSetMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Outbound trips (外出招商) of the units; another unit's is a 404."""

    queryset = (
        Trip.objects.select_related("unit")
        .prefetch_related("participants", "projects", "visits")
        .order_by("-starts_on", "-id")
    )
    serializer_class = TripSerializer
    filter_backends = [FilterBackend]
    filterset_class = selectors.TripFilter

    @extend_schema(
        summary="登记外出招商",
        request=TripCreateSerializer,
        responses={201: TripSerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        data = TripCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        people = [services.MemberInput(**p) for p in values.pop("participants")]
        with service_errors():
            trip = services.trip_create(actor=request.user, participants=people, **values)
        fresh = self.get_queryset().get(pk=trip.pk)
        return self.versioned(
            Response(TripSerializer(fresh).data, status=status.HTTP_201_CREATED), fresh
        )


class SigningSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text="项目ID")
    name = serializers.CharField(help_text="项目名称")
    contracted_investment_wan = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="合同投资（万元），取自项目的签约登记"
    )


class EventSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprises = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    participants = serializers.SerializerMethodField(help_text="参加人员（姓名、级别）")
    signings = serializers.SerializerMethodField(
        help_text="现场签约项目及其合同投资（万元，取自项目）"
    )
    contracted_total_wan = serializers.SerializerMethodField(help_text="签约合同投资合计（万元）")

    class Meta:
        model = Event
        fields = [
            "id", "name", "kind", "date", "place", "unit", "outbound", "enterprises",
            "participants", "signings", "contracted_total_wan", "campaign",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(MemberSerializer(many=True))
    def get_participants(self, event: Event) -> list[dict[str, Any]]:
        return [{"name": p.name, "level": p.level} for p in event.participants.all()]

    @extend_schema_field(SigningSerializer(many=True))
    def get_signings(self, event: Event) -> list[dict[str, Any]]:
        rows, _ = selectors.event_signings(event)
        return [
            {"project": p.pk, "name": p.name, "contracted_investment_wan": str(amount)}
            for p, amount in rows
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_contracted_total_wan(self, event: Event) -> str:
        return str(selectors.event_signings(event)[1])


class EventCreateSerializer(serializers.Serializer):
    name = serializers.CharField(label="活动名称", max_length=200)
    kind = serializers.ChoiceField(label="活动类型", choices=EventKind.choices)
    date = serializers.DateField(label="活动日期")
    place = serializers.CharField(label="活动地点", max_length=200)
    unit = serializers.SlugRelatedField(
        label="主办单位", slug_field="code", queryset=Unit.objects.all(), required=False,
        help_text="单位代码；不填为本人单位（只有市投资促进局可为其他单位登记）",
    )  # fmt: skip
    outbound = serializers.BooleanField(label="外出举办（聊城市外）", default=False)
    enterprises = serializers.PrimaryKeyRelatedField(
        label="参会企业", queryset=Enterprise.objects.none(), many=True, required=False
    )
    participants = MemberSerializer(label="参加人员", many=True, required=False)
    projects_signed = serializers.PrimaryKeyRelatedField(
        label="现场签约项目", queryset=Project.objects.none(), many=True, required=False,
        help_text="已签约的项目；合同投资取自项目，无需填写",
    )  # fmt: skip
    campaign = serializers.PrimaryKeyRelatedField(
        label="招商会战", queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    notes = serializers.CharField(label="情况记录", max_length=4000, required=False,
                                  allow_blank=True)  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["enterprises"].child_relation.queryset = Enterprise.objects.restrict(
                request.user, "view"
            )
            self.fields["projects_signed"].child_relation.queryset = Project.objects.restrict(
                request.user, "view"
            )


@extend_schema_view(
    list=extend_schema(
        summary="集中活动列表（本人范围内；筛选：unit、month、kind、outbound、campaign）"
    ),
    retrieve=extend_schema(
        summary="集中活动详情（ETag 为当前版本）",
        parameters=[ETAG],
        responses={200: EventSerializer, 404: E404},
    ),
)
@extend_schema(tags=["events"])
class EventViewSet(
    VersionedViewSetMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Events (推介会 …) the units organised; another unit's is a 404."""

    queryset = (
        Event.objects.select_related("unit")
        .prefetch_related("participants", "enterprises", "projects_signed")
        .order_by("-date", "-id")
    )
    serializer_class = EventSerializer
    filter_backends = [FilterBackend]
    filterset_class = selectors.EventFilter

    @extend_schema(
        summary="登记集中活动",
        request=EventCreateSerializer,
        responses={201: EventSerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        data = EventCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        people = [services.MemberInput(**p) for p in values.pop("participants", [])]
        with service_errors():
            event = services.event_create(actor=request.user, participants=people, **values)
        fresh = self.get_queryset().get(pk=event.pk)
        return self.versioned(
            Response(EventSerializer(fresh).data, status=status.HTTP_201_CREATED), fresh
        )
