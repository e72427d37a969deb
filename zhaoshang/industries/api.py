"""API for the industry reference tables (industries with their directions); read-only.

The chain nodes with their computed gap kinds are served by `targeting.chains.api`."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from .models import Direction, Industry


class DirectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Direction
        fields = ["id", "code", "name"]


class IndustrySerializer(serializers.ModelSerializer):
    directions = DirectionSerializer(many=True, read_only=True)

    class Meta:
        model = Industry
        fields = ["id", "code", "name", "directions"]


@extend_schema(tags=["industries"])
class IndustryViewSet(RestrictedReadOnlyViewSet):
    """The city's industries (产业) with their directions (细分方向); ids match the project filters."""

    queryset = Industry.objects.prefetch_related(
        Prefetch("directions", queryset=Direction.objects.order_by("sort_order", "code"))
    )
    serializer_class = IndustrySerializer
    filter_backends: list = []
