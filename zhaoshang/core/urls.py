"""The audit log."""

from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export/", views.audit_export, name="audit-export"),
]
