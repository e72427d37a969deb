"""DRF permission and pagination defaults (kept apart from viewsets to avoid an import cycle)."""

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

from .permissions import has_model_permission

METHOD_ACTION = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RolePermission(permissions.BasePermission):
    """Authenticated, and the role holds the model permission for the HTTP method (else 403)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        model = getattr(view, "permission_model", None) or view.get_queryset().model
        action = getattr(view, "required_action", None) or METHOD_ACTION.get(request.method, "")
        return has_model_permission(user, action, model)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
