"""Pages of the GeoJSON lists: `next` is exact without counting, and the exact COUNT is only
run where a client needs it (docs/api.md, "Pages")."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.dataset import APITestCase


class GeoJSONPagingTests(APITestCase):
    def get_counting(self, path):
        """(answer, how many COUNT queries it ran)."""
        with CaptureQueriesContext(connection) as queries:
            response = self.get(path)
        counts = [
            q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")
        ]
        return response, len(counts)

    def test_a_map_layer_page_with_more_after_it_has_next_but_no_count(self):
        response, counts = self.get_counting("/api/v1/hazard-areas/?zoom=7&page_size=2")
        body = response.json()
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(body["count"])
        self.assertEqual(
            body["next"], "http://testserver/api/v1/hazard-areas/?zoom=7&page_size=2&page=2"
        )
        self.assertEqual(len(body["features"]), 2)
        self.assertEqual(counts, 0)

    def test_the_last_page_knows_the_count_without_counting(self):
        response, counts = self.get_counting("/api/v1/hazard-areas/?zoom=7&page_size=2&page=2")
        body = response.json()
        self.assertEqual((body["count"], body["next"], len(body["features"])), (3, None, 1))
        self.assertEqual(counts, 0)
        response, counts = self.get_counting("/api/v1/hazard-areas/?page_size=5")
        self.assertEqual(response.json()["count"], 3)
        self.assertEqual(counts, 0)

    def test_a_researchers_page_keeps_the_exact_count(self):
        response, counts = self.get_counting("/api/v1/hazard-areas/?page_size=2")
        body = response.json()
        self.assertEqual(body["count"], 3)
        self.assertEqual(len(body["features"]), 2)
        self.assertEqual(counts, 1)
        self.assertEqual(self.get("/api/v1/land-releases/?page_size=1").json()["count"], 3)

    def test_the_pages_of_a_map_layer_hold_every_feature_once(self):
        references = []
        address = "/api/v1/hazard-areas/?zoom=9&page_size=1"
        while address:
            body = self.get(address.removeprefix("http://testserver")).json()
            references += [feature["properties"]["reference"] for feature in body["features"]]
            address = body["next"]
        self.assertEqual(references, ["HA-2", "HA-1", "HA-3"])

    def test_past_the_last_page_is_a_404(self):
        for path in (
            "/api/v1/hazard-areas/?zoom=7&page_size=2&page=3",
            "/api/v1/hazard-areas/?page_size=2&page=3",
        ):
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertIn("past the last page (2)", response.json()["detail"])
