"""Read API of what carries a project (五个一 teams, 要素保障 needs, 服务记录), for the systems a
city connects (a 督查 platform, a big screen): `GET /api/teams/`, `/api/element-needs/`,
`/api/service-logs/`, each record within what the token's user may see.

Writes stay on the pages, where the forms explain each rule; the contact's phone on a service
log is masked here as on every path (revealed only on the page, with an audit row).
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.filters import OrderingFilter

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.core.api import E400, E403, E404, RestrictedViewSetMixin
from zhaoshang.core.filtersets import FilterBackend, FilterSet
from zhaoshang.core.masking import mask_phone
from zhaoshang.projects.models import Project

from ..models import (
    ElementAllocation,
    ElementKind,
    ElementNeed,
    ServiceKind,
    ServiceLog,
    ServiceTeam,
    TeamLevel,
    TeamMember,
)

# --- 五个一 teams -------------------------------------------------------------------------------


class TeamMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["name", "user", "unit", "department", "duty", "joined_on", "left_on"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    unit = serializers.SlugRelatedField(source="project.unit", slug_field="code", read_only=True)
    leader = serializers.PrimaryKeyRelatedField(source="project.lead_leader", read_only=True)
    commissioner = serializers.PrimaryKeyRelatedField(source="project.commissioner", read_only=True)
    lead_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = ServiceTeam
        fields = [
            "id", "project", "unit", "level", "leader", "commissioner", "lead_department",
            "assigned_on", "closed_on", "close_note", "members",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(TeamMemberSerializer(many=True))
    def get_members(self, team: ServiceTeam) -> list[dict]:
        """The members in the team today (those who left are on the page's history)."""
        current = [m for m in team.members.all() if m.left_on is None]
        return TeamMemberSerializer(current, many=True).data


class TeamFilter(FilterSet):
    project = django_filters.ModelChoiceFilter(label="项目", queryset=Project.objects.all())
    unit = django_filters.ModelChoiceFilter(
        label="单位", field_name="project__unit", queryset=Unit.objects.all(), to_field_name="code"
    )
    level = django_filters.ChoiceFilter(label="帮包层级", choices=TeamLevel.choices)
    leader = django_filters.ModelChoiceFilter(
        label="包联领导", field_name="project__lead_leader", queryset=User.objects.all()
    )
    lead_department = django_filters.ModelChoiceFilter(
        label="牵头部门", queryset=Department.objects.all(), to_field_name="code"
    )
    open = django_filters.BooleanFilter(
        label="仍在服务", field_name="closed_on", lookup_expr="isnull"
    )

    class Meta:
        model = ServiceTeam
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="服务团队（五个一）列表", responses={200: TeamSerializer, 400: E400, 403: E403}),
    retrieve=extend_schema(summary="服务团队", responses={200: TeamSerializer, 403: E403, 404: E404}),
)  # fmt: skip
class TeamViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Each key project's team: its leader, lead department, commissioner and members."""

    queryset = ServiceTeam.objects.select_related(
        "project", "project__unit", "lead_department"
    ).prefetch_related("members__unit", "members__department", "members__user")
    serializer_class = TeamSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = TeamFilter
    ordering_fields = ["assigned_on", "id"]
    ordering = ["-assigned_on", "-id"]


# --- 要素保障 needs -----------------------------------------------------------------------------


class AllocationSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ElementAllocation
        fields = ["amount", "allocated_on", "department", "note"]
        read_only_fields = fields


class ElementNeedSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    unit = serializers.SlugRelatedField(source="project.unit", slug_field="code", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    measure = serializers.CharField(source="kind.measure", read_only=True)
    gap = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = ElementNeed
        fields = [
            "id", "project", "unit", "kind", "measure", "requested_amount", "requested_on",
            "allocated_amount", "gap", "met_on", "note", "allocations",
        ]  # fmt: skip
        read_only_fields = fields


class ElementNeedFilter(FilterSet):
    project = django_filters.ModelChoiceFilter(label="项目", queryset=Project.objects.all())
    unit = django_filters.ModelChoiceFilter(
        label="单位", field_name="project__unit", queryset=Unit.objects.all(), to_field_name="code"
    )
    kind = django_filters.ModelChoiceFilter(
        label="要素", queryset=ElementKind.objects.all(), to_field_name="code"
    )
    met = django_filters.BooleanFilter(
        label="已配置到位", field_name="met_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ElementNeed
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="要素需求与配置列表", responses={200: ElementNeedSerializer, 400: E400, 403: E403}),
    retrieve=extend_schema(summary="要素需求", responses={200: ElementNeedSerializer, 403: E403, 404: E404}),
)  # fmt: skip
class ElementNeedViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A project's need of land, energy, power, water or emissions, and what was allocated."""

    queryset = ElementNeed.objects.select_related(
        "project", "project__unit", "kind"
    ).prefetch_related("allocations__department")
    serializer_class = ElementNeedSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = ElementNeedFilter
    ordering_fields = ["requested_on", "met_on", "id"]
    ordering = ["-requested_on", "-id"]


# --- 服务记录 -----------------------------------------------------------------------------------


class ServiceLogSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    unit = serializers.SlugRelatedField(source="project.unit", slug_field="code", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actor = serializers.PrimaryKeyRelatedField(read_only=True)
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = ServiceLog
        fields = [
            "id", "project", "unit", "on", "kind", "actor", "note", "contact_name",
            "contact_phone", "help_given",
        ]  # fmt: skip
        read_only_fields = fields

    def get_contact_phone(self, entry: ServiceLog) -> str:
        """Masked (138****5678): the number is revealed only on the page, with an audit row."""
        return mask_phone(entry.contact_phone)


class ServiceLogFilter(FilterSet):
    project = django_filters.ModelChoiceFilter(label="项目", queryset=Project.objects.all())
    unit = django_filters.ModelChoiceFilter(
        label="单位", field_name="project__unit", queryset=Unit.objects.all(), to_field_name="code"
    )
    kind = django_filters.ModelChoiceFilter(
        label="服务方式", queryset=ServiceKind.objects.all(), to_field_name="code"
    )
    actor = django_filters.ModelChoiceFilter(label="服务人", queryset=User.objects.all())
    on = django_filters.DateFromToRangeFilter(label="服务日期")

    class Meta:
        model = ServiceLog
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="服务记录列表", responses={200: ServiceLogSerializer, 400: E400, 403: E403}),
    retrieve=extend_schema(summary="服务记录", responses={200: ServiceLogSerializer, 403: E403, 404: E404}),
)  # fmt: skip
class ServiceLogViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """What the 服务专员 and units did for a project: visits, calls, coordination, help."""

    queryset = ServiceLog.objects.select_related("project", "project__unit", "kind")
    serializer_class = ServiceLogSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = ServiceLogFilter
    ordering_fields = ["on", "id"]
    ordering = ["-on", "-id"]
