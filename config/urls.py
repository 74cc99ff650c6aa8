from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.views import home
from contamination.feeds import ChangesFeed
from contamination.sitemaps import PAGES, PageSitemap
from contamination.sitemaps import SITEMAPS as RECORD_SITEMAPS
from health.views import LoadBalancerHealthView
from statements.sitemaps import SITEMAPS as STATEMENT_SITEMAPS

SITEMAPS = {
    **RECORD_SITEMAPS,
    "pages": PageSitemap(["home", *PAGES]),
    **STATEMENT_SITEMAPS,
}

# A wrong address under /api/ answers JSON like every other API error (config/views.py).
handler404 = "config.views.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    # For load balancers and monitors: public, never cached, not rate limited.
    path("health/", LoadBalancerHealthView.as_view(), name="health"),
    path("api/", include("config.api_urls")),
    path("ogc/", include("ogc.urls")),
    # The map's words in the page's language (static/js/map/, docs/translating.md).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("changelog/feed/", ChangesFeed(), name="changes-feed"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", home, name="home"),
    path("", include("editorial.urls")),
    path("", include("search.urls")),
    path("", include("statements.urls")),
    path("", include("contamination.urls")),
]
