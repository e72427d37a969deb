"""Enterprise library pages."""

from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create_view, name="create"),
    path("division/", views.division_lookup, name="division"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/contacts/new/", views.contact_create_view, name="contact-create"),
    path("contacts/<int:pk>/edit/", views.contact_edit_view, name="contact-edit"),
    path("contacts/<int:pk>/reveal/", views.contact_reveal_view, name="contact-reveal"),
    path("<int:pk>/relations/new/", views.relation_create_view, name="relation-create"),
    path("relations/<int:pk>/delete/", views.relation_delete_view, name="relation-delete"),
    path("<int:pk>/signals/new/", views.signal_create_view, name="signal-create"),
    path("signals/<int:pk>/delete/", views.signal_delete_view, name="signal-delete"),
    path("<int:pk>/placements/", views.placement_view, name="placement"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_job, name="import-job"),
    path("import/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_create, name="target-create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
]
