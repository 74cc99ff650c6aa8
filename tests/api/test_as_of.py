"""`?as_of=`: a cited data version answers again with the figures it had, after corrections."""

import csv
import datetime
import io
import zipfile

from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from contamination import as_of, data_version
from contamination.models import Casualty, HazardArea, Incident
from tests import factories

KILLED = {"outcome": Casualty.Outcome.KILLED, "group": Casualty.Group.CIVILIAN}
INJURED = {"outcome": Casualty.Outcome.INJURED, "group": Casualty.Group.DEMINER}


class CitedVersionTests(TransactionTestCase):
    """Each write commits on its own, so that each has its own moment in the history."""

    def setUp(self):
        cache.clear()
        country = factories.make_country()
        factories.make_unit(country, code="AZ-AAA", name_en="Alpha")
        self.field = factories.make_hazard_area(reference="HA-FIELD", name="Field by the river")
        # District precision: public only at its point snapped to a 0.1° grid.
        self.road = factories.make_incident(
            reference="IN-ROAD",
            location=Point(46.7321, 40.2189, srid=4326),
            location_precision=Incident.LocationPrecision.DISTRICT,
            casualties=[KILLED, INJURED],
        )
        self.later = factories.make_incident(
            reference="IN-LATER", publication_status="draft", casualties=[KILLED]
        )
        factories.make_incident(
            reference="IN-DRAFT", publication_status="draft", casualties=[KILLED]
        )
        self.cited = data_version.as_text(data_version.current())
        self.cited_summary = self.get("/api/v1/stats/summary/").json()
        self.cited_casualties = self.get("/api/v1/stats/casualties/").json()
        self.cited_areas = self.get("/api/v1/areas/", {"level": 1}).json()["features"]
        self.cited_area = self.get("/api/v1/areas/AZ-AAA/").json()["properties"]
        self.cited_area_stats = self.get("/api/v1/stats/areas/").json()["results"]
        self.cited_layers = self.csv_layers(self.get("/api/v1/downloads/mine-atlas.csv.zip"))

        # Since the citation: a correction, a retraction and a new publication.
        HazardArea.objects.filter(pk=self.field.pk).update(
            name="Field by the river, north bank",
            geometry=factories.multi(factories.square(46.5, 40.0, 0.02)),
        )
        Incident.objects.filter(pk=self.road.pk).retract("Counted twice: the same event as IN-X.")
        Incident.objects.filter(pk=self.later.pk).publish()
        cache.clear()

    def get(self, path, params=None):
        return self.client.get(path, params or {})

    @staticmethod
    def archive(response):
        return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    def csv_layers(self, response):
        self.assertEqual(response.status_code, 200)
        archive = self.archive(response)
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))
            for name in ("hazard_areas", "incidents", "areas")
        }

    def test_the_cited_version_reproduces_its_figures_after_corrections(self):
        now = self.get("/api/v1/stats/summary/").json()
        self.assertNotEqual(now["hazards"], self.cited_summary["hazards"])  # really corrected
        self.assertNotEqual(now["data_version"], self.cited)

        response = self.get("/api/v1/stats/summary/", {"as_of": self.cited})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Data-Version"], self.cited)
        past = response.json()
        self.assertEqual(past["data_version"], self.cited)
        self.assertEqual(past["filters"], {"as_of": self.cited})
        self.assertEqual({**past, "filters": {}}, {**self.cited_summary, "filters": {}})
        self.assertEqual(past["casualties"]["killed"], 1)  # IN-ROAD's, not IN-LATER's
        self.assertEqual(past["casualties"]["injured"], 1)

        casualties = self.get("/api/v1/stats/casualties/", {"as_of": self.cited}).json()
        self.assertEqual(casualties["results"], self.cited_casualties["results"])

    def test_a_record_answers_as_it_was_public_then(self):
        names = self.get("/api/v1/hazard-areas/", {"as_of": self.cited}).json()
        self.assertEqual(
            [f["properties"]["name"] for f in names["features"]], ["Field by the river"]
        )
        with self.subTest("retracted since: public then"):
            self.assertEqual(self.get(f"/api/v1/incidents/{self.road.pk}/").status_code, 410)
            then = self.get(f"/api/v1/incidents/{self.road.pk}/", {"as_of": self.cited})
            self.assertEqual(then.status_code, 200)
            self.assertEqual(then.json()["properties"]["reference"], "IN-ROAD")
        with self.subTest("published since: not public then"):
            self.assertEqual(self.get(f"/api/v1/incidents/{self.later.pk}/").status_code, 200)
            then = self.get(f"/api/v1/incidents/{self.later.pk}/", {"as_of": self.cited})
            self.assertEqual(then.status_code, 404)
        listed = self.get("/api/v1/incidents/", {"as_of": self.cited}).json()["features"]
        self.assertEqual([f["properties"]["reference"] for f in listed], ["IN-ROAD"])

    def test_an_incident_in_the_past_is_still_only_at_its_public_point(self):
        for path in ("/api/v1/incidents/", f"/api/v1/incidents/{self.road.pk}/"):
            with self.subTest(path):
                text = self.get(path, {"as_of": self.cited}).content.decode()
                self.assertNotIn("46.7321", text)
                self.assertNotIn("40.2189", text)
                self.assertIn("[46.7,40.2]", text.replace(" ", ""))
        csv = self.get("/api/v1/incidents/", {"as_of": self.cited, "format": "csv"})
        self.assertEqual(csv.status_code, 200)
        self.assertNotIn("46.7321", csv.content.decode())
        self.assertIn("IN-ROAD", csv.content.decode())
        self.assertNotIn("IN-LATER", csv.content.decode())

    def test_a_date_means_the_end_of_that_day(self):
        today = timezone.now().date()
        yesterday = (today - datetime.timedelta(days=1)).isoformat()
        response = self.get("/api/v1/stats/summary/", {"as_of": yesterday})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertIsNone(body["data_version"])  # nothing was public yesterday
        self.assertEqual(body["hazards"]["confirmed_count"], 0)
        self.assertEqual(body["casualties"]["incidents"], 0)
        listed = self.get("/api/v1/hazard-areas/", {"as_of": "2020-01-01T00:00:00Z"}).json()
        self.assertEqual((listed["count"], listed["features"]), (0, []))

    def test_bad_and_future_values_are_a_400_naming_as_of(self):
        tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
        for value in ("yesterday", "2025-13-01", "2025-06-31T10:00", tomorrow, "9999-01-01"):
            for path in ("/api/v1/stats/summary/", "/api/v1/hazard-areas/", "/api/v1/incidents/"):
                with self.subTest(value=value, path=path):
                    response = self.get(path, {"as_of": value})
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(list(response.json()), ["as_of"])
        future = self.get("/api/v1/stats/summary/", {"as_of": tomorrow}).json()["as_of"][0]
        self.assertIn("in the future", future)

    def test_the_changes_feed_does_not_take_as_of(self):
        response = self.get("/api/v1/changes/", {"since": "2020-01-01", "as_of": self.cited})
        self.assertEqual(response.status_code, 400)
        self.assertIn("as_of", response.json())

    def test_a_past_list_costs_the_queries_of_a_present_one(self):
        for params in ({}, {"as_of": self.cited}):
            cache.clear()
            with self.subTest(**params), self.assertNumQueries(3):  # version, the page, rate limit
                response = self.get("/api/v1/hazard-areas/", params)
            self.assertEqual(response.status_code, 200)
        for params in ({}, {"as_of": self.cited}):
            cache.clear()
            with self.subTest(**params), self.assertNumQueries(10):  # version, summary, limit
                self.get("/api/v1/stats/summary/", params)

    def test_a_download_names_the_version_and_the_address_that_reproduces_its_figures(self):
        response = self.get("/api/v1/downloads/mine-atlas.csv.zip")
        self.assertEqual(response.status_code, 200)
        version = response["X-Data-Version"]
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        readme = archive.read("README.txt").decode()
        self.assertIn(f"Data version: {version}", readme)
        self.assertIn(f"/api/v1/stats/summary/?as_of={version.replace(':', '%3A')}", readme)
        self.assertIn("/api/v1/stats/summary/?as_of=", archive.read("CITATION.cff").decode())

    def test_area_figures_answer_as_they_were_then(self):
        figures = ("figure_hazard_km2", "incidents", "killed", "injured")
        now = self.get("/api/v1/areas/AZ-AAA/").json()["properties"]
        self.assertNotEqual(now, self.cited_area)  # really corrected: injured 1 → 0, km²
        self.assertEqual(now["injured"], 0)

        past = self.get("/api/v1/areas/AZ-AAA/", {"as_of": self.cited})
        self.assertEqual(past.status_code, 200)
        self.assertEqual(past["X-Data-Version"], self.cited)
        self.assertEqual(past.json()["properties"], self.cited_area)
        self.assertEqual(
            [past.json()["properties"].get(name) for name in figures[1:]], [1, 1, 1]
        )  # IN-ROAD's incident and casualties; neither IN-LATER's nor IN-DRAFT's
        listed = self.get("/api/v1/areas/", {"level": 1, "as_of": self.cited}).json()
        self.assertEqual(listed["features"], self.cited_areas)
        stats = self.get("/api/v1/stats/areas/", {"as_of": self.cited}).json()
        self.assertEqual(stats["data_version"], self.cited)
        self.assertEqual(stats["results"], self.cited_area_stats)
        self.assertNotEqual(self.get("/api/v1/stats/areas/").json()["results"], stats["results"])

    def test_a_past_download_holds_the_records_and_figures_public_then(self):
        response = self.get("/api/v1/downloads/mine-atlas.csv.zip", {"as_of": self.cited})
        self.assertEqual(response["X-Data-Version"], self.cited)
        self.assertEqual(self.csv_layers(response), self.cited_layers)
        present = self.csv_layers(self.get("/api/v1/downloads/mine-atlas.csv.zip"))
        self.assertNotEqual(present, self.cited_layers)
        references = [row["reference"] for row in self.cited_layers["incidents"]]
        self.assertEqual(references, ["IN-ROAD"])  # retracted since; not IN-LATER, never drafts
        self.assertEqual([row["reference"] for row in present["incidents"]], ["IN-LATER"])
        self.assertEqual(
            [row["name"] for row in self.cited_layers["hazard_areas"]], ["Field by the river"]
        )

        readme = self.archive(
            self.get("/api/v1/downloads/mine-atlas.csv.zip", {"as_of": self.cited})
        ).read("README.txt")
        text = readme.decode()
        self.assertIn(f"Data version: {self.cited}", text)
        self.assertIn("- incidents: 1 features", text)
        cited = self.cited.replace(":", "%3A")
        self.assertIn(f"/api/v1/downloads/mine-atlas.csv.zip?as_of={cited}", text)

    def test_a_past_area_answer_costs_three_queries_more_than_a_present_one(self):
        """The past state is written to temporary tables in a transaction of its own (BEGIN,
        the tables, COMMIT, which drops them)."""
        for path, present_queries in (
            ("/api/v1/areas/", 3),  # version, the page, rate limit
            ("/api/v1/areas/AZ-AAA/", 3),
            ("/api/v1/stats/areas/", 3),
        ):
            for params, queries in (
                ({}, present_queries),
                ({"as_of": self.cited}, present_queries + 3),
            ):
                cache.clear()
                with self.subTest(path, **params), self.assertNumQueries(queries):
                    self.assertEqual(self.get(path, params).status_code, 200)

    def test_the_past_is_gone_when_the_answer_is(self):
        """The temporary tables never outlive the request: the next one on the connection,
        and a refused one, read the present."""
        self.get("/api/v1/areas/AZ-AAA/", {"as_of": self.cited})
        self.assertEqual(
            self.get("/api/v1/areas/AZ-AAA/", {"as_of": self.cited, "level": "x"}).status_code, 400
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('pg_temp.contamination_incident')")
            self.assertIsNone(cursor.fetchone()[0])
        cache.clear()
        self.assertEqual(self.get("/api/v1/areas/AZ-AAA/").json()["properties"]["injured"], 0)

    def test_area_figures_refuse_a_bad_moment(self):
        for path in (
            "/api/v1/areas/",
            "/api/v1/areas/AZ-AAA/",
            "/api/v1/stats/areas/",
            "/api/v1/downloads/mine-atlas.csv.zip",
        ):
            with self.subTest(path):
                response = self.get(path, {"as_of": "9999-01-01"})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.json()), ["as_of"])


class MaterialisedStateTests(TestCase):
    """`state_at(T, materialise=…)` inside a transaction (a savepoint then)."""

    def test_the_tables_read_the_past_and_are_dropped_at_the_end_of_the_block(self):
        factories.make_country()
        incident = factories.make_incident(reference="IN-NOW")
        yesterday = timezone.now() - datetime.timedelta(days=1)  # before every event
        with as_of.state_at(yesterday, materialise=(Incident,)):
            self.assertFalse(Incident.objects.exists())
            with self.assertRaises(RuntimeError):
                Incident.objects.filter(pk=incident.pk).update(reference="IN-PAST")
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('pg_temp.contamination_incident')")
            self.assertIsNone(cursor.fetchone()[0])
        self.assertEqual(Incident.objects.get().reference, "IN-NOW")
