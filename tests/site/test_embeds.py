from django.test import TestCase
from django.urls import reverse

from tests.site.world import CacheClearing, build_world


class EmbedTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_only_embeds_may_be_framed_by_other_sites(self):
        embeds = [
            reverse("contamination:embed-map"),
            reverse("contamination:embed-chart", args=["land-released"]),
        ]
        for url in embeds:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("X-Frame-Options", response.headers)
                self.assertIn("frame-ancestors *", response["Content-Security-Policy"])
                self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        pages = ["map", "statistics", "methodology", "data", "changelog", "area-list"]
        for name in ["home", *(f"contamination:{page}" for page in pages)]:
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_embeds_have_no_site_chrome(self):
        response = self.client.get(reverse("contamination:embed-map"))
        self.assertNotContains(response, 'class="site-header"')
        self.assertContains(response, 'data-map="embed"')
        response = self.client.get(reverse("contamination:embed-chart", args=["items-found"]))
        self.assertNotContains(response, 'class="site-header"')
        self.assertNotContains(response, "Embed code")
        self.assertContains(response, "<svg")
        self.assertContains(response, "Source: <a")

    def test_a_chart_embed_narrows_to_an_area_and_checks_its_input(self):
        url = reverse("contamination:embed-chart", args=["casualties-by-group"])
        response = self.client.get(url, {"area": "AZ-WST"})
        self.assertContains(response, "Casualties per year, by group: Westshire")
        self.assertEqual(self.client.get(url, {"area": "<script>"}).status_code, 400)
        missing = reverse("contamination:embed-chart", args=["missing"])
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_their_queries_are_pinned(self):
        # version, date range (3), demo flag (3), the page rate-limit counter
        with self.assertNumQueries(8):
            self.client.get(reverse("contamination:embed-map"))
        # version, area, the chart, its record count (demo flag cached above), the rate-limit
        # counter
        with self.assertNumQueries(5):
            self.client.get(
                reverse("contamination:embed-chart", args=["items-found"]), {"area": "AZ-WST"}
            )


class PageMetadataTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_every_page_has_a_language_title_description_and_opengraph_tags(self):
        urls = [
            reverse("home"),
            reverse("contamination:map"),
            reverse("contamination:area-list"),
            reverse("contamination:area-detail", args=["AZ-WST"]),
            self.hazard.get_absolute_url(),
            self.release.get_absolute_url(),
            self.incident.get_absolute_url(),
            reverse("contamination:statistics"),
            reverse("contamination:methodology"),
            reverse("contamination:data"),
            reverse("contamination:changelog"),
        ]
        titles = set()
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="en">')
                self.assertContains(response, '<meta name="description" content="')
                self.assertContains(response, '<meta property="og:title" content="')
                self.assertContains(response, '<meta property="og:description" content="')
                self.assertContains(response, 'class="skip-link"')
                titles.add(response.content.decode().split("<title>")[1].split("</title>")[0])
        self.assertEqual(len(titles), len(urls))  # each page its own title
