"""Victims' privacy against box bisection: every box filter counts public points only.

The attack is audit.bisection's, run through the whole stack (URL, parameters, views, SQL) as
an attacker would run it against the site: the incident list with `bbox`, the map's cluster
layer and the statistics over a box. The control runs the same attack on the exact points and
locates every incident, so the test can tell a leak from a blunt attack.
"""

import datetime
import io
import json
import zipfile

from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.test import TestCase, override_settings

from audit import bisection
from contamination.models import Incident
from tests import factories

# Off the grid of every precision, each at least 0.5° (five district cells) from the next.
EXACT_POINTS = {
    "district": (46.1234567, 39.6789123),
    "settlement": (46.6543219, 39.7312347),
    "approximate": (47.1876541, 39.8134569),
    "exact": (47.7012345, 39.9456781),
}


@override_settings(API_RATE_LIMIT=None)  # the attack's 1,000 requests, not the limit, are tested
class BoxBisectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.incidents = []
        for day, (precision, exact) in enumerate(EXACT_POINTS.items(), start=1):
            cls.incidents.append(
                factories.make_incident(
                    reference=f"IN-{precision.upper()}",
                    occurred_on=datetime.date(2022, 5, day),
                    location=Point(*exact, srid=4326),
                    location_precision=precision,
                )
            )
        # A draft beside the district one: it must never be counted either.
        factories.make_incident(
            reference="IN-DRAFT",
            occurred_on=datetime.date(2022, 5, 1),
            location=Point(46.1534567, 39.6889123, srid=4326),
            publication_status="draft",
        )

    def setUp(self):
        cache.clear()

    def public_point(self, incident):
        response = self.client.get(f"/api/v1/incidents/{incident.pk}/")
        self.assertEqual(response.status_code, 200)
        return tuple(json.loads(response.content)["geometry"]["coordinates"])

    def attack_each(self, oracle_for):
        outcomes = []
        for incident in self.incidents:
            exact = (incident.location.x, incident.location.y)
            outcomes.append(
                bisection.attack(
                    oracle_for(incident),
                    incident.reference,
                    self.public_point(incident),
                    exact,
                    incident.location_precision,
                )
            )
        return outcomes

    def test_bisection_through_the_api_map_and_statistics_recovers_no_exact_point(self):
        oracles = {
            "incident list": lambda i: bisection.api_list_count(self.client, i.reference),
            "cluster layer": lambda i: bisection.clusters_count(self.client, i.reference),
            "statistics": lambda i: bisection.stats_summary_count(self.client, i.occurred_on),
        }
        for name, oracle_for in oracles.items():
            with self.subTest(surface=name):
                outcomes = self.attack_each(oracle_for)
                exposed = [o.reference for o in outcomes if o.exposed]
                self.assertEqual(exposed, [], f"{name} located these finer than published")
                for outcome, incident in zip(outcomes, self.incidents, strict=True):
                    # The attack still found something: the public point, which is shown.
                    public = self.public_point(incident)
                    self.assertTrue(bisection.contains(outcome.box, public))

    def test_statistics_refuse_the_boxes_that_would_cut_inside_a_grid_cell(self):
        outcomes = self.attack_each(
            lambda i: bisection.stats_summary_count(self.client, i.occurred_on)
        )
        for outcome in outcomes:
            with self.subTest(incident=outcome.reference):
                # Each axis ends at the first box narrower than the cell that holds the
                # incident: a 400, not a count.
                self.assertEqual(outcome.refused, 2)
                self.assertLess(outcome.requests, 2 * bisection.STEPS)

    def test_the_same_attack_on_exact_points_locates_every_incident(self):
        # The control: a surface that counted exact points would be caught by this suite.
        published = Incident.objects.published()
        outcomes = self.attack_each(
            lambda i: bisection.exact_point_count(published.filter(pk=i.pk))
        )
        # Even the "exact" one: its stored point has digits past the published 1e-5°.
        self.assertEqual(
            [o.reference for o in outcomes if o.exposed], [i.reference for i in self.incidents]
        )


@override_settings(API_RATE_LIMIT=None)
class PublicPointFilterTests(TestCase):
    """Boxes drawn around the exact point find nothing; boxes around the public point do."""

    @classmethod
    def setUpTestData(cls):
        cls.incident = factories.make_incident(
            reference="IN-DISTRICT",
            location=Point(46.7345, 40.2123, srid=4326),  # public point: (46.7, 40.2)
            location_precision="district",
            casualties=[{"outcome": "killed", "group": "civilian"}],
        )

    def setUp(self):
        cache.clear()

    AROUND_EXACT = "46.72,40.20,46.74,40.22"  # holds the exact point, not (46.7, 40.2)
    AROUND_EXACT_WIDE = "46.71,40.205,46.85,40.35"  # 0.14° by 0.145°: still not (46.7, 40.2)
    AROUND_PUBLIC = "46.65,40.15,46.75,40.25"  # one 0.1° cell around (46.7, 40.2)

    def count(self, path, bbox, read, **parameters):
        response = self.client.get(path, {"bbox": bbox, **parameters})
        self.assertEqual(response.status_code, 200, response.content)
        return read(json.loads(response.content))

    def test_the_incident_list_and_the_clusters_filter_on_the_public_point(self):
        surfaces = {
            "/api/v1/incidents/": ({}, lambda body: body["count"]),
            "/api/v1/incidents/clusters/": ({"zoom": 12}, lambda body: len(body["features"])),
        }
        for path, (parameters, read) in surfaces.items():
            with self.subTest(path=path):
                self.assertEqual(self.count(path, self.AROUND_EXACT, read, **parameters), 0)
                self.assertEqual(self.count(path, self.AROUND_PUBLIC, read, **parameters), 1)

    def test_statistics_count_the_public_point(self):
        def incidents(body):
            return body["casualties"]["incidents"]

        summary = "/api/v1/stats/summary/"
        self.assertEqual(self.count(summary, self.AROUND_EXACT_WIDE, incidents), 0)
        self.assertEqual(self.count(summary, self.AROUND_PUBLIC, incidents), 1)
        casualties = "/api/v1/stats/casualties/"
        rows = self.count(casualties, self.AROUND_EXACT_WIDE, lambda body: body["results"])
        self.assertEqual(sum(row.get("killed", 0) for row in rows), 0)

    def test_statistics_over_a_box_smaller_than_the_grid_are_refused_saying_why(self):
        for path in ("/api/v1/stats/summary/", "/api/v1/stats/casualties/"):
            with self.subTest(path=path):
                response = self.client.get(path, {"bbox": "46.69,40.19,46.71,40.21"})
                self.assertEqual(response.status_code, 400)
                message = json.loads(response.content)["bbox"][0]
                self.assertIn("0.1° grid", message)
                self.assertIn("district", message)
                self.assertIn("at least 0.1°", message)

    def test_a_small_box_with_no_incident_in_it_is_answered(self):
        response = self.client.get("/api/v1/stats/summary/", {"bbox": "45.0,39.0,45.01,39.01"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.content)["casualties"]["incidents"], 0)

    def test_downloads_filter_on_the_public_point(self):
        response = self.client.get(
            "/api/v1/downloads/mine-atlas.geojson.zip",
            {"layer": "incidents", "bbox": self.AROUND_EXACT},
        )
        self.assertEqual(response.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        layer = json.loads(archive.read("incidents.geojson"))
        self.assertEqual(layer["features"], [])
