"""Sitemap entries for the public pages and published records (never drafts or retractions)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from contamination.models import AdminArea, HazardArea, Incident, LandRelease

# This app's pages; the project adds its own (the home page) in config/urls.py.
PAGES = [
    "contamination:map",
    "contamination:area-list",
    "contamination:statistics",
    "contamination:methodology",
    "contamination:data",
    "contamination:changelog",
]


class TranslatedSitemap(Sitemap):
    """Each address once per language (/az/, /ru/, /en/), each with its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class PageSitemap(TranslatedSitemap):
    """Pages named by URL name."""

    changefreq = "weekly"

    def __init__(self, names=PAGES):
        self.names = list(names)

    def items(self):
        return self.names

    def location(self, name):
        return reverse(name)


class AreaSitemap(TranslatedSitemap):
    changefreq = "weekly"

    def items(self):
        return AdminArea.objects.order_by("level", "code").only("code")


class RecordSitemap(TranslatedSitemap):
    """Published records of one model; `lastmod` is the record's last change."""

    changefreq = "monthly"
    model = None

    def items(self):
        return self.model.objects.published().order_by("pk").only("pk", "updated_at")

    def lastmod(self, record):
        return record.updated_at


class HazardAreaSitemap(RecordSitemap):
    model = HazardArea


class LandReleaseSitemap(RecordSitemap):
    model = LandRelease


class IncidentSitemap(RecordSitemap):
    model = Incident


SITEMAPS = {
    "pages": PageSitemap,
    "areas": AreaSitemap,
    "hazard-areas": HazardAreaSitemap,
    "land-releases": LandReleaseSitemap,
    "incidents": IncidentSitemap,
}
