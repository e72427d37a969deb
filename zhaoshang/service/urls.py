"""Service-system pages under /service/ (namespace "service"), one block per topic."""

from django.urls import path

from .views import servicelog

app_name = "service"

urlpatterns: list = [
    # 服务记录 (service log)
    path("projects/<int:pk>/log/", servicelog.project_log, name="servicelog-project"),
    path("projects/<int:pk>/log/add/", servicelog.log_create, name="servicelog-create"),
    path("log/<int:pk>/edit/", servicelog.log_edit, name="servicelog-edit"),
    path("log/<int:pk>/reveal/", servicelog.log_reveal, name="servicelog-reveal"),
]
