"""The public API, version 1: one list of routes for every app (read-only).

`ROUTES` is the whole of version 1; the root at /api/v1/ is built from it, so a resource added
here is listed there.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from changefeed import api as changefeed
from config.api_root import ApiRoot, api_index
from contamination.api import downloads, tiles
from contamination.api import views as records
from statements.api import views as statements

app_name = "api"

# Statements, claims, people and metrics (statements app): list and detail of each.
statements_router = SimpleRouter()
statements_router.register("statements", statements.StatementViewSet, basename="statement")
statements_router.register("claims", statements.ClaimViewSet, basename="claim")
statements_router.register("people", statements.PersonViewSet, basename="person")
statements_router.register("metrics", statements.MetricViewSet, basename="metric")

# Swagger UI and ReDoc style themselves inline and draw icons from data: URIs; their
# scripts are still files only (the split view serves Swagger UI's set-up as a file).
api_docs_policy = csp_update(
    {"style-src": [UNSAFE_INLINE], "img-src": ["data:"], "worker-src": [SELF, "blob:"]}
)

ROUTES = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        api_docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        api_docs_policy(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    # Recorded geodata
    path("areas/", records.AreaList.as_view(), name="area-list"),
    path("areas/<str:code>/", records.AreaDetail.as_view(), name="area-detail"),
    path("hazard-areas/", records.HazardAreaList.as_view(), name="hazard-area-list"),
    path("hazard-areas/<int:pk>/", records.HazardAreaDetail.as_view(), name="hazard-area-detail"),
    path("land-releases/", records.LandReleaseList.as_view(), name="land-release-list"),
    path(
        "land-releases/<int:pk>/",
        records.LandReleaseDetail.as_view(),
        name="land-release-detail",
    ),
    path("incidents/", records.IncidentList.as_view(), name="incident-list"),
    path("incidents/clusters/", records.IncidentClusters.as_view(), name="incident-clusters"),
    path("incidents/<int:pk>/", records.IncidentDetail.as_view(), name="incident-detail"),
    path("organisations/", records.OrganisationList.as_view(), name="organisation-list"),
    path("sources/", records.SourceList.as_view(), name="source-list"),
    path("changes/", changefeed.ChangeFeed.as_view(), name="change-list"),
    # Vector tiles for maps (z/x/y checked by the view: a bad one is a 400 naming it)
    path("tiles/<str:layer>/tilejson.json", tiles.TileJSON.as_view(), name="tilejson"),
    re_path(
        r"^tiles/(?P<layer>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.mvt$",
        tiles.Tile.as_view(),
        name="tile",
    ),
    # Statistics
    path("stats/summary/", records.SummaryStats.as_view(), name="stats-summary"),
    path("stats/land-released/", records.ReleaseStats.as_view(), name="stats-land-released"),
    path("stats/items-found/", records.ItemsStats.as_view(), name="stats-items-found"),
    path("stats/casualties/", records.CasualtyStats.as_view(), name="stats-casualties"),
    path("stats/areas/", records.AreaStats.as_view(), name="stats-areas"),
    # Bulk downloads
    path("downloads/", downloads.DownloadIndex.as_view(), name="download-index"),
    path(
        "downloads/mine-atlas.<str:extension>",
        downloads.Download.as_view(),
        name="download",
    ),
    # Statements and claims
    *statements_router.urls,
]

urlpatterns = [
    path("", api_index, name="index"),
    path("v1/", ApiRoot.as_view(routes=ROUTES), name="root"),
    path("v1/", include(ROUTES)),
]
