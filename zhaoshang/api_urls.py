"""All API routes, one router, plus the token endpoint (`POST /api/auth/token/`)."""

from django.urls import path

from zhaoshang.accounts.api import TokenView, UnitViewSet
from zhaoshang.core.api import Router
from zhaoshang.enterprises.api import EnterpriseViewSet
from zhaoshang.industries.api import ChainNodeViewSet, IndustryViewSet
from zhaoshang.projects.api import FundsViewSet, ProjectViewSet

router = Router()
router.register("projects", ProjectViewSet, basename="project")
router.register("funds", FundsViewSet, basename="funds")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("units", UnitViewSet, basename="unit")
router.register("industries", IndustryViewSet, basename="industry")
router.register("chain-nodes", ChainNodeViewSet, basename="chain-node")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
