"""Outreach pages under /visits/ (namespace "activities")."""

from django.urls import path

from . import views

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
]
