"""All API routes, one router, plus the token endpoint (`POST /api/auth/token/`)."""

from django.urls import path

from zhaoshang.accounts.api import TokenView, UnitViewSet
from zhaoshang.activities.api import EventViewSet, TripViewSet, VisitViewSet
from zhaoshang.core.api import Router
from zhaoshang.enterprises.api import EnterpriseViewSet, TargetEntryViewSet
from zhaoshang.goals.api import (
    IndicatorView,
    RankingDrilldownView,
    RankingListView,
    RankingPreviewView,
    RankingView,
)
from zhaoshang.industries.api import IndustryViewSet
from zhaoshang.notices.api import NotificationViewSet
from zhaoshang.projects.api import FundsViewSet, ProjectViewSet
from zhaoshang.service.api.carry import ElementNeedViewSet, ServiceLogViewSet, TeamViewSet
from zhaoshang.service.api.meetings import MeetingViewSet
from zhaoshang.service.api.problems import ProblemViewSet
from zhaoshang.service.api.reviews import ReviewViewSet
from zhaoshang.service.api.tasks import TaskViewSet
from zhaoshang.targeting.api import (
    LeadPushViewSet,
    PushView,
    RecommendationsView,
    ScoringProfileViewSet,
)
from zhaoshang.targeting.chains.api import ChainNodeViewSet

router = Router()
router.register("projects", ProjectViewSet, basename="project")
router.register("funds", FundsViewSet, basename="funds")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("target-entries", TargetEntryViewSet, basename="target-entry")
router.register("units", UnitViewSet, basename="unit")
router.register("industries", IndustryViewSet, basename="industry")
router.register("chain-nodes", ChainNodeViewSet, basename="chain-node")
router.register("targeting/pushes", LeadPushViewSet, basename="lead-push")
router.register("targeting/profiles", ScoringProfileViewSet, basename="scoring-profile")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reviews", ReviewViewSet, basename="review")
router.register("tasks", TaskViewSet, basename="task")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("problems", ProblemViewSet, basename="problem")
router.register("teams", TeamViewSet, basename="team")
router.register("element-needs", ElementNeedViewSet, basename="element-need")
router.register("service-logs", ServiceLogViewSet, basename="service-log")
router.register("visits", VisitViewSet, basename="visit")
router.register("trips", TripViewSet, basename="trip")
router.register("events", EventViewSet, basename="event")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("indicators/", IndicatorView.as_view(), name="api-indicators"),
    path("rankings/", RankingListView.as_view(), name="api-rankings"),
    path("rankings/<str:quarter>/", RankingView.as_view(), name="api-ranking"),
    path(
        "rankings/<str:quarter>/drilldown/",
        RankingDrilldownView.as_view(),
        name="api-ranking-drilldown",
    ),
    path(
        "rankings/<str:quarter>/preview/", RankingPreviewView.as_view(), name="api-ranking-preview"
    ),
    path(
        "targeting/recommendations/",
        RecommendationsView.as_view(),
        name="api-targeting-recommendations",
    ),
    path("targeting/push/", PushView.as_view(), name="api-targeting-push"),
    *router.urls,
]
