"""Project pages under /projects/ (namespace "projects")."""

from django.urls import path

from .views import evidence, funds, plans, projects, stages

app_name = "projects"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("export.xlsx", projects.project_export, name="export"),
    path("new/", projects.project_create_view, name="create"),
    path("investors/search/", projects.investor_search, name="investor-search"),
    path("<int:pk>/", projects.project_detail, name="detail"),
    path("<int:pk>/edit/", projects.project_edit, name="edit"),
    path("<int:pk>/stage/", stages.project_stage, name="stage"),
    path("<int:pk>/funds/new/", funds.funds_create, name="funds-create"),
    path("<int:pk>/plan/", plans.plan_edit, name="plan"),
    path("<int:pk>/milestones/new/", plans.milestone_create_view, name="milestone-create"),
    path(
        "milestones/<int:pk>/complete/",
        plans.milestone_complete_view,
        name="milestone-complete",
    ),
    path("<int:pk>/progress/new/", plans.progress_create, name="progress-create"),
    path("funds/", funds.funds_list, name="funds-list"),
    path("funds/verify/", funds.verify_queue, name="verify-queue"),
    path("funds/<int:pk>/verify/", funds.funds_verify_view, name="funds-verify"),
    path("funds/<int:pk>/reject/", funds.funds_reject_view, name="funds-reject"),
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence"),
]
