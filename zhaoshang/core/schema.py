"""The API's schema class: what a read-only field may hold is what its column may hold.

DRF drops `allow_blank` from a read-only model field, so drf-spectacular declared, say,
`revenue_band` as one of its choices and `email` as an e-mail address, while a record whose
column is blank answers "" for them: responses broke their own schema (found by schemathesis).
"""

from __future__ import annotations

import copy

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from rest_framework import serializers


def _blank_column(field: serializers.Field) -> bool:
    """Whether the field reads a text column of its serializer's model that may be blank."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        column = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return isinstance(column, models.CharField | models.TextField) and column.blank


def _blank_allowed(field: serializers.Field) -> serializers.Field:
    """The field as the schema should see it: blank allowed when its column may be blank."""
    if (
        field.read_only
        and isinstance(field, serializers.CharField | serializers.ChoiceField)
        and not field.allow_blank
        and _blank_column(field)
    ):
        field = copy.copy(field)
        field.allow_blank = True
    return field


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        return super()._map_serializer_field(_blank_allowed(field), direction, bypass_extensions)

    def _insert_field_validators(self, field, schema):
        return super()._insert_field_validators(_blank_allowed(field), schema)
