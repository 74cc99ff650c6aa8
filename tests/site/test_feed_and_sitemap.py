from django.test import TestCase

from contamination.models import HazardArea, Incident
from tests.site.world import CacheClearing, build_world


class ChangesFeedTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)
        # A correction and a retraction of published records, in public view.
        HazardArea.objects.filter(pk=cls.hazard.pk).update(category="sha")
        Incident.objects.filter(reference="IN-PUB").retract("Counted twice.")

    def test_it_lists_corrections_and_retractions_of_public_records(self):
        response = self.client.get("/changelog/feed/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        body = response.content.decode()
        self.assertIn("Corrected: Hazard area HA-PUB", body)
        self.assertIn("category from Confirmed hazardous area (CHA) to Suspected", body)
        self.assertIn("Retracted: Incident IN-PUB", body)
        self.assertIn("Note: Counted twice.", body)
        self.assertNotIn("DRAFT-", body)
        self.assertNotIn("Secret draft name", body)

    def test_every_page_points_feed_readers_at_it(self):
        response = self.client.get("/en/")
        self.assertContains(response, 'type="application/atom+xml"')


class SitemapTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_the_index_names_every_section(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        for section in ("pages", "areas", "hazard-areas", "land-releases", "incidents"):
            with self.subTest(section=section):
                self.assertContains(response, f"/sitemap-{section}.xml")

    def test_record_sections_list_published_records_only(self):
        response = self.client.get("/sitemap-hazard-areas.xml")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"/en/hazard-areas/{self.hazard.pk}/")
        self.assertNotContains(response, f"/en/hazard-areas/{self.draft_hazard.pk}/")
        retracted = HazardArea.objects.get(reference="GONE-HA")
        self.assertNotContains(response, f"/en/hazard-areas/{retracted.pk}/")
        self.assertContains(response, "<lastmod>")
