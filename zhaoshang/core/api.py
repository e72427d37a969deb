"""API building blocks: the restricted viewset base, service-error translation, the API root.

Viewsets stay thin: they read through `.restrict(user, "view")` (another unit's record is a 404),
check the role's model permission for what the action does (`RolePermission`, 403), and hand
writes to the services, whose Django `ValidationError` / `PermissionDenied` become DRF 400 / 403
through `service_errors()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, routers, viewsets
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from .permissions import restrict

# The error responses every endpoint declares in the schema (one wording for the whole API).
E400 = OpenApiResponse(description="输入有误：错误按字段（或查询参数）给出，均为中文")
E403 = OpenApiResponse(description="没有此项操作权限")
E404 = OpenApiResponse(description="不存在或不在本单位范围内")


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's ValidationError into a 400 keyed by field, PermissionDenied into a 403."""
    try:
        yield
    except DjangoValidationError as exc:
        detail = as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        raise exceptions.ValidationError(detail) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


class RestrictedViewSetMixin:
    """Every queryset goes through `.restrict(user, "view")`: another unit's record is a 404.

    `action_permissions` maps a viewset action to the model action `RolePermission` checks
    instead of the one implied by the HTTP method, e.g. ``{"stage": "change"}`` or
    ``{"verify": "verify"}`` (checked as ``projects.verify_fundsrecord``).
    """

    action_permissions: dict[str, str] = {}

    @property
    def required_action(self) -> str | None:
        return self.action_permissions.get(getattr(self, "action", None) or "")

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, "view")


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class APIRootView(routers.APIRootView):
    """The list of API endpoints, for any signed-in user."""

    permission_classes = [permissions.IsAuthenticated]


class Router(routers.DefaultRouter):
    """DefaultRouter whose root view needs a signed-in user (not a model permission)."""

    APIRootView = APIRootView
