from django.test import TestCase
from django.urls import reverse

from contamination.models import Incident, LandRelease
from tests.site.world import CacheClearing, build_world


class MethodologyTests(TestCase):
    def test_it_explains_the_imas_terms_and_each_figure(self):
        with self.assertNumQueries(0):
            response = self.client.get(reverse("contamination:methodology"))
        self.assertEqual(response.status_code, 200)
        for term in (
            "Suspected hazardous area (SHA)",
            "Confirmed hazardous area (CHA)",
            "Cancelled",
            "Reduced",
            "Cleared",
            "Non-technical survey",
            "Hazard area remaining over time",
        ):
            with self.subTest(term=term):
                self.assertContains(response, term)


class DataPageTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_it_links_downloads_the_api_and_gives_a_citation_with_the_data_version(self):
        response = self.client.get(reverse("contamination:data"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "/api/v1/hazard-areas/?format=csv")
        self.assertContains(response, 'href="/api/"')
        self.assertContains(response, f"Data version {response.context['version']}")
        self.assertContains(response, "CC BY 4.0")
        self.assertEqual(response.context["summary"].coverage["incidents"].records, 1)

    def test_its_queries_are_pinned(self):
        # 12: three of them ask which kinds of record are demo, for the citation's demo line.
        with self.assertNumQueries(12):
            self.client.get(reverse("contamination:data"))
        with self.assertNumQueries(1):
            self.client.get(reverse("contamination:data"))


class ChangelogTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)
        # A correction of a published release and a retraction of a published incident.
        LandRelease.objects.filter(reference="LR-PUB").update(uxo_found=4)
        Incident.objects.filter(reference="IN-PUB").retract("Counted twice.")

    def test_it_lists_corrections_retractions_and_publications_not_drafts(self):
        response = self.client.get(reverse("contamination:changelog"))
        self.assertEqual(response.status_code, 200)
        changes = {(c.kind, c.reference) for c in response.context["changes"]}
        self.assertIn(("corrected", "LR-PUB"), changes)
        self.assertIn(("retracted", "IN-PUB"), changes)
        self.assertIn(("published", "HA-PUB"), changes)  # publications are changes too
        self.assertContains(response, "UXO found from 3 to 4")
        self.assertContains(response, "Counted twice.")
        self.assertNotContains(response, "DRAFT-")

    def test_a_retracted_incident_no_longer_counts(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.context["summary"].casualties.incidents, 0)

    def test_its_queries_are_pinned(self):
        # The newest history event, one per record type and statements, the rate-limit
        # counter; then, cached under that newest event, the event and the counter.
        with self.assertNumQueries(6):
            self.client.get(reverse("contamination:changelog"))
        with self.assertNumQueries(2):
            self.client.get(reverse("contamination:changelog"))
