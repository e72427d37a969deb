"""Chain pages under /chains/; the namespace stays "industries" so every link keeps its name."""

from django.urls import path

from . import views

app_name = "industries"

urlpatterns = [
    path("", views.chain_list, name="list"),
    path("thresholds/", views.thresholds_edit, name="thresholds"),
    path("<id:pk>/", views.chain_map, name="map"),
    path("<id:pk>/nodes/new/", views.node_create, name="node-create"),
    path("<id:pk>/edges/new/", views.edge_create, name="edge-create"),
    path("nodes/<id:pk>/", views.node_detail, name="node"),
    path("nodes/<id:pk>/edit/", views.node_edit, name="node-edit"),
    path("nodes/<id:pk>/delete/", views.node_delete, name="node-delete"),
    path("edges/<id:pk>/delete/", views.edge_delete, name="edge-delete"),
]
