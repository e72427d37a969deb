"""Service-system pages under /service/ (namespace "service"), one block per topic."""

from django.urls import path  # noqa: F401  (each topic adds its paths here)

app_name = "service"

urlpatterns: list = []
