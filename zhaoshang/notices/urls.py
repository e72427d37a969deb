"""The notification centre's pages under /notices/ (namespace "notices")."""

from django.urls import path

from zhaoshang.core import converters  # noqa: F401  (the <id:…> converter)

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read-all/", views.notice_read_all, name="read-all"),
    path("preferences/", views.notice_preferences, name="preferences"),
    path("<id:pk>/read/", views.notice_read, name="read"),
    path("<id:pk>/open/", views.notice_open, name="open"),
]
