from django.urls import path

from statements import views

app_name = "statements"

urlpatterns = [
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/<slug:reference>/", views.statement_detail, name="statement-detail"),
    path("people/", views.person_list, name="person-list"),
    path("people/<slug:key>/", views.person_detail, name="person-detail"),
    path("metrics/", views.metric_list, name="metric-list"),
    path("metrics/<slug:code>/", views.metric_detail, name="metric-detail"),
]
