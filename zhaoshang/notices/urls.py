"""The notification centre's pages under /notices/ (namespace "notices")."""

from django.urls import path  # noqa: F401

app_name = "notices"

urlpatterns: list = []
