"""Enterprise library pages."""

from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create_view, name="create"),
    path("division/", views.division_lookup, name="division"),
    path("<id:pk>/", views.enterprise_detail, name="detail"),
    path("<id:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<id:pk>/contact-rules/", views.enterprise_contact_rules, name="contact-rules"),
    path("<id:pk>/contacts/new/", views.contact_create_view, name="contact-create"),
    path("contacts/<id:pk>/edit/", views.contact_edit_view, name="contact-edit"),
    path("contacts/<id:pk>/reveal/", views.contact_reveal_view, name="contact-reveal"),
    path("<id:pk>/relations/new/", views.relation_create_view, name="relation-create"),
    path("relations/<id:pk>/delete/", views.relation_delete_view, name="relation-delete"),
    path("<id:pk>/signals/new/", views.signal_create_view, name="signal-create"),
    path("signals/<id:pk>/delete/", views.signal_delete_view, name="signal-delete"),
    path("<id:pk>/placements/", views.placement_view, name="placement"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import-template"),
    path("import/<id:pk>/", views.import_job, name="import-job"),
    path("import/<id:pk>/progress/", views.import_progress, name="import-progress"),
    path("import/<id:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_create, name="target-create"),
    path("targets/<id:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<id:pk>/delete/", views.target_delete, name="target-delete"),
]
