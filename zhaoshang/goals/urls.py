"""Goal, dashboard and ranking pages under /goals/ (namespace "goals")."""

from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("screen/", views.screen, name="screen"),
    path("cockpit/map/", views.cockpit_map, name="cockpit-map"),
    path("cockpit/tables/<slug:key>.xlsx", views.cockpit_table, name="cockpit-table"),
    path("units/<str:code>/", views.unit_dashboard, name="unit"),
    path("units/<str:code>/tables/<slug:key>.xlsx", views.unit_table, name="unit-table"),
    path("leader/", views.leader, name="leader"),
    path("indicators/<slug:key>/", views.indicator_records, name="indicator"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/<str:quarter>/", views.ranking, name="ranking"),
    path("rankings/<str:quarter>/drill/", views.ranking_drill, name="ranking-drill"),
    path("rankings/<str:quarter>/ranking.xlsx", views.ranking_xlsx, name="ranking-xlsx"),
    path("rankings/<str:quarter>/notice.pdf", views.ranking_pdf, name="ranking-pdf"),
    path("rankings/<str:quarter>/publish/", views.ranking_publish, name="ranking-publish"),
    path("rankings/<str:quarter>/verify/", views.ranking_verify, name="ranking-verify"),
    path("periods/", views.periods, name="periods"),
    path("periods/close/", views.period_close, name="period-close"),
    path("periods/reopen/", views.period_reopen, name="period-reopen"),
    path("periods/year/", views.statistics_year_update, name="statistics-year"),
]
