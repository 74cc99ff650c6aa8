"""Sitemap entries for published statements."""

from contamination.sitemaps import TranslatedSitemap
from statements.models import Statement


class StatementSitemap(TranslatedSitemap):
    changefreq = "monthly"

    def items(self):
        return Statement.objects.published().order_by("pk").only("pk", "reference", "updated_at")

    def lastmod(self, statement):
        return statement.updated_at


SITEMAPS = {"statements": StatementSitemap}
