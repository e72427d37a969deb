"""Targeting pages under /targeting/ (namespace "targeting")."""

from django.urls import path

from . import views

app_name = "targeting"

urlpatterns = [
    path("", views.recommend_page, name="recommend"),
    path("push/", views.push_view, name="push"),
    path("inbox/", views.inbox, name="inbox"),
    path("pushes/<id:pk>/accept/", views.push_accept_view, name="push-accept"),
    path("pushes/<id:pk>/decline/", views.push_decline_view, name="push-decline"),
    path("pushes/<id:pk>/withdraw/", views.push_withdraw_view, name="push-withdraw"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_edit, name="profile-create"),
    path("profiles/<id:pk>/edit/", views.profile_edit, name="profile-edit"),
]
