"""API building blocks: the restricted viewset base, service-error translation, the API root.

Viewsets stay thin: they read through `.restrict(user, "view")` (another unit's record is a 404),
check the role's model permission for what the action does (`RolePermission`, 403), and hand
writes to the services, whose Django `ValidationError` / `PermissionDenied` become DRF 400 / 403
through `service_errors()`.

Optimistic concurrency (`core.concurrency`): a versioned record's detail sends its version as
`ETag`; a PATCH sending `If-Match` is checked by the service under its row lock and a stale one
is answered 412 with what changed (nothing written). A PATCH without `If-Match` (or with `*`) is
not checked, so clients written before ETags keep working; the pages always check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, permissions, routers, status, viewsets
from rest_framework import views as drf_views
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from .concurrency import CONFLICT, VersionConflict, etag, parse_if_match
from .converters import ID_PATTERN
from .permissions import restrict

# The error responses every endpoint declares in the schema (one wording for the whole API).
E400 = OpenApiResponse(description="输入有误：错误按字段（或查询参数）给出，均为中文")
E403 = OpenApiResponse(description="没有此项操作权限")
NOT_FOUND = "不存在或不在本单位范围内"
E404 = OpenApiResponse(description=NOT_FOUND)
E412 = OpenApiResponse(
    description="记录已被他人修改（If-Match 的版本不是当前版本）：未保存任何内容；"
    "`changes` 逐项列出字段、您提交的值与当前值，`etag` 为当前版本"
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="读取时得到的 ETag；版本已过期则返回 412 且不保存。不传则不检查。",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="记录的当前版本；修改时放入 If-Match",
    response=[200],
)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = CONFLICT
    default_code = "precondition_failed"


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's ValidationError into a 400 keyed by field, PermissionDenied into a 403,
    and a stale version (`VersionConflict`) into a 412 naming each field changed meanwhile."""
    try:
        yield
    except VersionConflict as exc:
        changes = [
            {"field": name, "label": label, "yours": yours, "theirs": theirs}
            for name, label, yours, theirs in exc.changes
        ]
        detail = {"detail": exc.headline, "changes": changes, "etag": f'"{exc.current}"'}
        raise PreconditionFailed(detail) from exc
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


class VersionedViewSetMixin:
    """A record's detail carries its version as `ETag`; `if_match()` is what a write read."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.versioned(Response(self.get_serializer(instance).data), instance)

    def if_match(self) -> list[str] | None:
        """The versions the client says it read (None: not checked)."""
        return parse_if_match(self.request.headers.get("If-Match"))

    @staticmethod
    def versioned(response: Response, instance) -> Response:
        response["ETag"] = etag(instance)
        return response


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class APIRootView(routers.APIRootView):
    """The list of API endpoints, for any signed-in user."""

    permission_classes = [permissions.IsAuthenticated]


class Router(routers.DefaultRouter):
    """DefaultRouter whose root view needs a signed-in user (not a model permission), and whose
    record URLs match only an id (`ID_PATTERN`) unless the viewset names its own lookup pattern:
    `/api/target-entries/abc/` is a 404, never a ValueError in the view."""

    APIRootView = APIRootView

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        if getattr(viewset, "lookup_value_regex", None) or lookup_field not in ("pk", "id"):
            return super().get_lookup_regex(viewset, lookup_prefix)
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{ID_PATTERN})"


def exception_handler(exc, context):
    """DRF's handler, with one Chinese wording for every 404 (Django's `Http404` carries an
    English text naming the model, e.g. "No Project matches the given query.")."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    return drf_views.exception_handler(exc, context)


def not_found(request, exception=None):
    """The site's 404 (`handler404`): a JSON body under /api/, the Chinese page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": NOT_FOUND}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    return page_not_found(request, exception)
