from django.test import TestCase
from django.urls import reverse

from tests import factories
from tests.site.world import CacheClearing, build_world


class MapExplorerTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_it_renders_the_filters_and_the_map(self):
        response = self.client.get(reverse("contamination:map"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-map="explorer"')
        self.assertContains(response, '<option value="AZ-WST">Westshire</option>', html=True)
        self.assertContains(response, 'id="time-slider"')
        self.assertContains(response, "Download this view")
        self.assertContains(response, "leaflet.js")

    def test_it_offers_only_organisations_with_published_records(self):
        response = self.client.get(reverse("contamination:map"))
        self.assertContains(response, "Field Operator (FO)")
        self.assertNotContains(response, "Draft-only Operator")

    def test_its_configuration_points_at_the_api_and_the_published_date_range(self):
        response = self.client.get(reverse("contamination:map"))
        config = response.context["map_config"]
        self.assertEqual(config["api"]["hazardAreas"], "/api/v1/hazard-areas/")
        self.assertEqual(config["api"]["incidentClusters"], "/api/v1/incidents/clusters/")
        self.assertEqual(config["firstOn"], "2021-03-01")  # the published hazard area
        self.assertEqual(config["lastOn"], "2022-06-01")  # the published release
        self.assertIn("tileUrl", config)

    def test_it_says_when_demo_records_are_shown(self):
        response = self.client.get(reverse("contamination:map"))
        self.assertNotContains(response, "Demo data.")
        factories.make_incident(reference="DEMO-1", is_demo=True)
        response = self.client.get(reverse("contamination:map"))
        self.assertContains(response, "Demo data.")

    def test_it_may_not_be_framed(self):
        response = self.client.get(reverse("contamination:map"))
        self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_its_queries_are_pinned(self):
        # Cold: version, date range (3), filter options (2), demo flag (3).
        with self.assertNumQueries(9):
            self.client.get(reverse("contamination:map"))
        with self.assertNumQueries(1):
            self.client.get(reverse("contamination:map"))
