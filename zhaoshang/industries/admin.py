"""Django admin for industries and chains: read-only (writes go through the audited services,
in the chain pages under /chains/)."""

from django.contrib import admin

from zhaoshang.core.admin import ReadOnlyAdmin

from .models import ChainEdge, ChainNode, Direction, Industry


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sort_order")
    search_fields = ("code", "name")


@admin.register(Direction)
class DirectionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "industry", "sort_order")
    list_filter = ("industry",)
    search_fields = ("code", "name")


@admin.register(ChainNode)
class ChainNodeAdmin(ReadOnlyAdmin):
    list_display = ("name", "direction", "stream", "sort_order")
    list_filter = ("direction__industry", "direction", "stream")
    search_fields = ("name", "description")
    list_select_related = ("direction__industry",)


@admin.register(ChainEdge)
class ChainEdgeAdmin(ReadOnlyAdmin):
    list_display = ("source", "target", "note")
    list_filter = ("source__direction",)
    search_fields = ("source__name", "target__name")
    list_select_related = ("source", "target")
