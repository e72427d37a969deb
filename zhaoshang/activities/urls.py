"""Outreach pages under /visits/ (namespace "activities"): visits, trips, events, campaigns."""

from django.urls import path

from . import views, views_trips

app_name = "activities"

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("new/", views.visit_create, name="visit-create"),
    path("rules/", views.visit_rules, name="visit-rules"),
    path("enterprises/search/", views.enterprise_search, name="enterprise-search"),
    path("photos/<id:pk>/", views.visit_photo, name="visit-photo"),
    path("<id:pk>/", views.visit_detail, name="visit-detail"),
    path("<id:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("<id:pk>/complete/", views.visit_complete, name="visit-complete"),
    path("<id:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("<id:pk>/join/", views.visit_join, name="visit-join"),
    path("<id:pk>/lead/", views.visit_lead, name="visit-lead"),
    # 外出招商, 集中活动 and 会战成效 (#12 §2)
    path("trips/", views_trips.trip_list, name="trip-list"),
    path("trips/new/", views_trips.trip_create, name="trip-create"),
    path("trips/<id:pk>/", views_trips.trip_detail, name="trip-detail"),
    path("trips/<id:pk>/edit/", views_trips.trip_edit, name="trip-edit"),
    path("events/", views_trips.event_list, name="event-list"),
    path("events/new/", views_trips.event_create, name="event-create"),
    path("events/<id:pk>/", views_trips.event_detail, name="event-detail"),
    path("events/<id:pk>/edit/", views_trips.event_edit, name="event-edit"),
    path("campaigns/", views_trips.campaign_list, name="campaign-list"),
    path("campaigns/<id:pk>/", views_trips.campaign_detail, name="campaign-detail"),
]
