from django.urls import path

from contamination import views

app_name = "contamination"

urlpatterns = [
    path("", views.home, name="home"),
]
