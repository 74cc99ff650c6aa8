import re
from pathlib import Path

from django.test import TestCase
from django.urls import reverse

from contamination import maps
from contamination.api import filters as api_filters
from tests import factories
from tests.site.world import CacheClearing, build_world

# The modules index.js imports: every file of static/js/map but itself.
MAP_MODULES = {
    f"/static/js/map/{path.name}"
    for path in (Path(__file__).resolve().parents[2] / "static/js/map").glob("*.js")
    if path.name != "index.js"
}


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
        # The vector-tile plugin is the site's own copy, not another host's.
        self.assertContains(
            response, '<script src="/static/js/lib/protomaps-leaflet/protomaps-leaflet.js">'
        )

    def test_it_offers_only_organisations_with_published_records(self):
        response = self.client.get(reverse("contamination:map"))
        self.assertContains(response, "Field Operator (FO)")
        self.assertNotContains(response, "Draft-only Operator")

    def test_its_configuration_points_at_the_api_and_the_published_date_range(self):
        response = self.client.get(reverse("contamination:map"))
        config = response.context["map_config"]
        self.assertEqual(config["api"]["hazardAreas"], "/api/v1/hazard-areas/")
        self.assertEqual(config["api"]["tiles"], "/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt")
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


class MapFilterDescriptionTests(TestCase):
    """The filters the map offers are the API's own: same parameters, same choices."""

    # The FilterSet behind each layer's endpoint (the clusters share the incidents').
    LAYER_FILTERSETS = {
        "areas": api_filters.AdminAreaFilter,
        "hazards": api_filters.HazardAreaFilter,
        "releases": api_filters.LandReleaseFilter,
        "incidents": api_filters.IncidentFilter,
    }

    def test_every_layer_gets_only_parameters_its_endpoint_takes(self):
        for described in maps.filters():
            for layer, parameter in described["layers"].items():
                with self.subTest(filter=described["name"], layer=layer):
                    self.assertIn(parameter, self.LAYER_FILTERSETS[layer].base_filters)

    def test_the_choices_are_the_ones_the_api_accepts(self):
        for described in maps.filters():
            if described["kind"] != "choice" or not described["choices"]:
                continue
            for layer, parameter in described["layers"].items():
                accepted = dict(
                    self.LAYER_FILTERSETS[layer].base_filters[parameter].extra["choices"]
                )
                with self.subTest(filter=described["name"], layer=layer):
                    self.assertLessEqual(
                        {value for value, _ in described["choices"]}, set(accepted)
                    )

    def test_the_page_renders_each_choice_filter_from_the_description(self):
        build_world(self)
        response = self.client.get(reverse("contamination:map"))
        self.assertContains(response, '<option value="civilian">Civilian</option>', html=True)
        self.assertContains(
            response, '<option value="in_progress">Release in progress</option>', html=True
        )
        config = response.context["map_config"]
        names = [described["name"] for described in config["filters"]]
        self.assertEqual(names[:2], ["start", "end"])
        self.assertIn("casualty_group", names)
        self.assertEqual(config["labels"]["activity"]["agriculture"], "Farming")


class MapPagesScriptTests(CacheClearing, TestCase):
    """Map pages run no inline code, so a Content-Security-Policy without 'unsafe-inline'
    leaves them working: scripts come from files, data from JSON blocks."""

    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_map_pages_have_no_inline_scripts_or_event_attributes(self):
        pages = [
            reverse("home"),
            reverse("contamination:map"),
            reverse("contamination:embed-map"),
            reverse("contamination:area-detail", args=["AZ-WST"]),
            self.hazard.get_absolute_url(),
            self.release.get_absolute_url(),
            self.incident.get_absolute_url(),
        ]
        for path in pages:
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                for tag in re.findall(r"<script\b[^>]*>", html):
                    self.assertTrue(
                        "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
                    )
                self.assertIsNone(re.search(r"\son[a-z]+=", html), "an event-handler attribute")
                self.assertIn('<script type="module" src="/static/js/map/index.js">', html)
                # Every module the map imports is fetched at once, not after index.js is read.
                preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
                self.assertEqual(preloaded, MAP_MODULES)
