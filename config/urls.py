from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.language import switch_language
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
    # The API and OGC API have no language prefix: `?lang=` or Accept-Language (config/language.py).
    path("api/", include("config.api_urls")),
    path("ogc/", include("ogc.urls")),
    path("changelog/feed/", ChangesFeed(), name="changes-feed"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    # The switcher: remembers the reader's choice in a cookie, then opens the same page in it.
    path("language/<str:code>/", switch_language, name="switch-language"),
]

# Every page under /az/, /ru/ and /en/. An address without a prefix (an old link, "/")
# redirects to the reader's language: the switcher's cookie, else Accept-Language, else English.
urlpatterns += i18n_patterns(
    path("", home, name="home"),
    # The map's words in the page's language (static/js/map/, docs/translating.md).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("editorial.urls")),
    path("", include("search.urls")),
    path("", include("statements.urls")),
    path("", include("contamination.urls")),
)
