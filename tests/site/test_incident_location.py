"""An incident is shown at its public location on every surface: generalised to its stated
precision (a district to ~10 km), never at the exact point the record holds."""

import io
import zipfile

from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.test import TestCase

from contamination.models import Incident
from tests import factories

EXACT = (46.73456, 40.21234)
# The exact point's digits past the generalised ones: none of them may show.
EXACT_TEXTS = ("46.734", "40.212")


class IncidentLocationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = factories.make_incident(
            reference="IN-DISTRICT",
            location=Point(*EXACT, srid=4326),
            location_precision=Incident.LocationPrecision.DISTRICT,
        )

    def setUp(self):
        cache.clear()

    def assertHidesTheExactPoint(self, text):
        for exact in EXACT_TEXTS:
            self.assertNotIn(exact, text)

    def test_the_incident_page_shows_the_district_point_not_the_exact_one(self):
        response = self.client.get(self.district.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertHidesTheExactPoint(page)
        # The map still has the point, snapped to the 0.1° grid of a district.
        self.assertIn('"coordinates": [46.7, 40.2]', page)

    def test_an_exact_incident_keeps_its_point_on_the_page(self):
        exact = factories.make_incident(
            reference="IN-EXACT",
            location=Point(*EXACT, srid=4326),
            location_precision=Incident.LocationPrecision.EXACT,
        )
        response = self.client.get(exact.get_absolute_url())
        self.assertContains(response, '"coordinates": [46.73456, 40.21234]')

    def test_the_api_and_the_downloads_show_the_district_point_only(self):
        surfaces = [
            f"/api/v1/incidents/{self.district.pk}/",
            "/api/v1/incidents/",
            "/api/v1/incidents/?format=csv",
            "/api/v1/incidents/clusters/?zoom=14",
        ]
        for path in surfaces:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                text = response.content.decode()
                self.assertHidesTheExactPoint(text)
                self.assertIn("46.7", text)
        response = self.client.get("/api/v1/downloads/mine-atlas.csv.zip?layer=incidents")
        self.assertEqual(response.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        layer = archive.read("incidents.csv").decode()
        self.assertIn("POINT(46.7 40.2)", layer)
        self.assertHidesTheExactPoint(layer)
