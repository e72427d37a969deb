"""API for the enterprise registry: list, detail, create and edit through the services."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from zhaoshang.core.api import RestrictedViewSetMixin, service_errors

from .models import Enterprise, Tag
from .serializers import EnterpriseInputSerializer, EnterpriseSerializer
from .services import enterprise_create, enterprise_update

_E400 = OpenApiResponse(description="输入有误：错误按字段给出")
_E403 = OpenApiResponse(description="没有此项操作权限")


@extend_schema_field(OpenApiTypes.STR)
class TagCodeFilter(django_filters.ModelMultipleChoiceFilter):
    """Tag codes (`?tag=listed&tag=global500`): enterprises carrying any of them."""


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或代码（同页面搜索）", method="filter_text")
    name = django_filters.CharFilter(label="企业名称（包含）", lookup_expr="icontains")
    uscc = django_filters.CharFilter(label="统一社会信用代码", method="filter_uscc")
    is_local = django_filters.BooleanFilter(label="本市企业")
    tag = TagCodeFilter(
        label="标签（代码，可多选）",
        field_name="tags__code",
        to_field_name="code",
        queryset=Tag.objects.all(),
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))

    def filter_uscc(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(uscc=value) if value else queryset


@extend_schema_view(
    list=extend_schema(summary="企业列表"),
    retrieve=extend_schema(summary="企业详情"),
)
@extend_schema(tags=["enterprises"])
class EnterpriseViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The enterprise registry (shared by every unit)."""

    queryset = Enterprise.objects.prefetch_related("tags")
    serializer_class = EnterpriseSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "created_at"]

    def _parse(self, **kwargs) -> dict:
        serializer = EnterpriseInputSerializer(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _fresh(self, pk: int) -> Enterprise:
        return self.get_queryset().get(pk=pk)

    @extend_schema(
        summary="登记企业",
        request=EnterpriseInputSerializer,
        responses={201: EnterpriseSerializer, 400: _E400, 403: _E403},
    )
    def create(self, request, *args, **kwargs):
        data = self._parse()
        with service_errors():
            enterprise = enterprise_create(actor=request.user, **data)
        return Response(
            EnterpriseSerializer(self._fresh(enterprise.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="修改企业",
        request=EnterpriseInputSerializer,
        responses={200: EnterpriseSerializer, 400: _E400, 403: _E403},
    )
    def partial_update(self, request, *args, **kwargs):
        enterprise = self.get_object()
        data = self._parse(partial=True)
        tags = data.pop("tags", None)
        with service_errors():
            enterprise_update(actor=request.user, enterprise=enterprise, tags=tags, **data)
        return Response(EnterpriseSerializer(self._fresh(enterprise.pk)).data)
