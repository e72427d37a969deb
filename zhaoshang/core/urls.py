"""The audit log; the browsers' Content-Security-Policy reports."""

from django.urls import path

from . import csp, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export/", views.audit_export, name="audit-export"),
    path(csp.REPORT_PATH.strip("/") + "/", csp.violation_report, name="csp-report"),
    path("audit/administrators/", views.audit_admin_actions, name="audit-admin"),
]
