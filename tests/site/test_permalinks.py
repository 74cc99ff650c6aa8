"""Absolute links (canonical, citations, embed codes, permalinks) name the host the site is
served on, or SITE_URL when the operator set it, never a development default."""

from django.test import TestCase, override_settings
from django.urls import reverse

from tests import factories


@override_settings(ALLOWED_HOSTS=["atlas.example", "testserver"])
class PermalinkTests(TestCase):
    def get(self, path, **extra):
        return self.client.get(path, HTTP_HOST="atlas.example", **extra)

    @override_settings(SITE_URL="")
    def test_links_follow_the_request_when_site_url_is_not_set(self):
        statement = factories.make_statement()
        for path, needle in [
            (reverse("contamination:data"), "http://atlas.example/en/data/"),
            (statement.get_absolute_url(), f"http://atlas.example{statement.get_absolute_url()}"),
            (reverse("contamination:statistics"), "http://atlas.example/en/embed/chart/"),
            (
                reverse("editorial:about"),
                '<link rel="canonical" href="http://atlas.example/en/about/">',
            ),
        ]:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertContains(response, needle)
                self.assertNotContains(response, "127.0.0.1:8000")

    @override_settings(SITE_URL="https://mineatlas.example/")
    def test_site_url_wins_when_set(self):
        response = self.get(reverse("contamination:data"))
        self.assertContains(response, "https://mineatlas.example/en/data/")
        self.assertNotContains(response, "http://atlas.example/en/data/")
