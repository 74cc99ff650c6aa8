from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("report/", views.report, name="report"),
    path("report/sent/", views.report_sent, name="report-sent"),
]
