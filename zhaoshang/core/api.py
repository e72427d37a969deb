"""API building blocks: the restricted viewset base every endpoint uses."""

from rest_framework import viewsets

from .permissions import restrict


class RestrictedViewSetMixin:
    """Every queryset goes through `.restrict(user, "view")`: another unit's record is a 404."""

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, "view")


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
