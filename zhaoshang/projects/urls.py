"""Project pages under /projects/ (namespace "projects")."""

from django.urls import path

from .views import evidence, funds, plans, projects, stages

app_name = "projects"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("export.xlsx", projects.project_export, name="export"),
    path("new/", projects.project_create_view, name="create"),
    path("investors/search/", projects.investor_search, name="investor-search"),
    path("<id:pk>/", projects.project_detail, name="detail"),
    path("<id:pk>/edit/", projects.project_edit, name="edit"),
    path("<id:pk>/stage/", stages.project_stage, name="stage"),
    path("<id:pk>/funds/new/", funds.funds_create, name="funds-create"),
    path("<id:pk>/plan/", plans.plan_edit, name="plan"),
    path("<id:pk>/milestones/new/", plans.milestone_create_view, name="milestone-create"),
    path(
        "milestones/<id:pk>/complete/",
        plans.milestone_complete_view,
        name="milestone-complete",
    ),
    path("<id:pk>/progress/new/", plans.progress_create, name="progress-create"),
    path("funds/", funds.funds_list, name="funds-list"),
    path("funds/verify/", funds.verify_queue, name="verify-queue"),
    path("funds/<id:pk>/verify/", funds.funds_verify_view, name="funds-verify"),
    path("funds/<id:pk>/reject/", funds.funds_reject_view, name="funds-reject"),
    path("funds/<id:pk>/edit/", funds.funds_edit, name="funds-edit"),
    path("funds/<id:pk>/withdraw/", funds.funds_withdraw_view, name="funds-withdraw"),
    path("evidence/<id:pk>/", evidence.evidence_download, name="evidence"),
    path("evidence/<id:pk>/preview/", evidence.evidence_preview, name="evidence-preview"),
]
