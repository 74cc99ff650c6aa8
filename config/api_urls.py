"""The public API, version 1: one router for every app."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

app_name = "api"

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger-ui"),
    path("v1/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

# --- Statements and claims (statements app) ---------------------------------------------
from django.urls import include  # noqa: E402
from rest_framework.routers import SimpleRouter  # noqa: E402

from statements.api import views as statements_api  # noqa: E402

statements_router = SimpleRouter()
statements_router.register("statements", statements_api.StatementViewSet, basename="statement")
statements_router.register("claims", statements_api.ClaimViewSet, basename="claim")
statements_router.register("people", statements_api.PersonViewSet, basename="person")
statements_router.register("metrics", statements_api.MetricViewSet, basename="metric")
urlpatterns += [path("v1/", include(statements_router.urls))]
