"""The public API, version 1: one list of routes for every app (read-only)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from contamination.api import downloads as contamination_downloads
from contamination.api import views as contamination

app_name = "api"

# Swagger UI and ReDoc style themselves inline and draw icons from data: URIs; their
# scripts are still files only (the split view serves Swagger UI's set-up as a file).
api_docs_policy = csp_update(
    {"style-src": [UNSAFE_INLINE], "img-src": ["data:"], "worker-src": [SELF, "blob:"]}
)

urlpatterns = [
    path("", contamination.api_index, name="index"),
    path("v1/", contamination.ApiRoot.as_view(), name="root"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "v1/docs/",
        api_docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="swagger-ui",
    ),
    path(
        "v1/redoc/",
        api_docs_policy(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    # Recorded geodata
    path("v1/areas/", contamination.AreaList.as_view(), name="area-list"),
    path("v1/areas/<str:code>/", contamination.AreaDetail.as_view(), name="area-detail"),
    path("v1/hazard-areas/", contamination.HazardAreaList.as_view(), name="hazard-area-list"),
    path(
        "v1/hazard-areas/<int:pk>/",
        contamination.HazardAreaDetail.as_view(),
        name="hazard-area-detail",
    ),
    path("v1/land-releases/", contamination.LandReleaseList.as_view(), name="land-release-list"),
    path(
        "v1/land-releases/<int:pk>/",
        contamination.LandReleaseDetail.as_view(),
        name="land-release-detail",
    ),
    path("v1/incidents/", contamination.IncidentList.as_view(), name="incident-list"),
    path(
        "v1/incidents/clusters/",
        contamination.IncidentClusters.as_view(),
        name="incident-clusters",
    ),
    path("v1/incidents/<int:pk>/", contamination.IncidentDetail.as_view(), name="incident-detail"),
    path("v1/organisations/", contamination.OrganisationList.as_view(), name="organisation-list"),
    path("v1/sources/", contamination.SourceList.as_view(), name="source-list"),
    path("v1/changes/", contamination.ChangeList.as_view(), name="change-list"),
    # Statistics
    path("v1/stats/summary/", contamination.SummaryStats.as_view(), name="stats-summary"),
    path(
        "v1/stats/land-released/",
        contamination.ReleaseStats.as_view(),
        name="stats-land-released",
    ),
    path("v1/stats/items-found/", contamination.ItemsStats.as_view(), name="stats-items-found"),
    path("v1/stats/casualties/", contamination.CasualtyStats.as_view(), name="stats-casualties"),
    path("v1/stats/areas/", contamination.AreaStats.as_view(), name="stats-areas"),
    # Bulk downloads
    path("v1/downloads/", contamination_downloads.DownloadIndex.as_view(), name="download-index"),
    path(
        "v1/downloads/mine-atlas.<str:extension>",
        contamination_downloads.Download.as_view(),
        name="download",
    ),
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
