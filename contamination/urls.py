from django.urls import path

from contamination import views

app_name = "contamination"

urlpatterns = [
    path("map/", views.map_explorer, name="map"),
    path("areas/", views.area_list, name="area-list"),
    path("areas/<str:code>/", views.area_detail, name="area-detail"),
    path("hazard-areas/<int:pk>/", views.hazard_area_detail, name="hazard-area-detail"),
    path("land-releases/<int:pk>/", views.land_release_detail, name="land-release-detail"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<slug:name>.csv", views.chart_csv, name="chart-csv"),
    path("statistics/<slug:name>.svg", views.chart_svg, name="chart-svg"),
    path("statistics/<slug:name>.png", views.chart_png, name="chart-png"),
    path("methodology/", views.methodology, name="methodology"),
    path("data/", views.data_page, name="data"),
    path("changelog/", views.changelog, name="changelog"),
    path("embed/map/", views.embed_map, name="embed-map"),
    path("embed/chart/<slug:name>/", views.embed_chart, name="embed-chart"),
]
