"""HTTP behaviour researchers' tools rely on: conditional GET, gzip, CORS, rate limits."""

import gzip

from django.test import override_settings

from contamination.models import HazardArea
from tests.api.dataset import APITestCase


class ConditionalGetTests(APITestCase):
    def test_answers_carry_the_data_version_as_etag_and_last_modified(self):
        response = self.get("/api/v1/hazard-areas/")
        self.assertTrue(response["ETag"].startswith('"'))
        self.assertEqual(response["Last-Modified"], "Mon, 15 Jan 2024 13:00:00 GMT")
        self.assertEqual(response["X-Data-Version"], "2024-01-15T13:00:00Z")

    def test_an_unchanged_answer_is_a_304(self):
        first = self.get("/api/v1/hazard-areas/")
        again = self.get("/api/v1/hazard-areas/", If_None_Match=first["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        by_date = self.get("/api/v1/stats/summary/", If_Modified_Since=first["Last-Modified"])
        self.assertEqual(by_date.status_code, 304)

    def test_another_query_has_another_etag(self):
        first = self.get("/api/v1/hazard-areas/")
        other = self.get("/api/v1/hazard-areas/?category=sha", If_None_Match=first["ETag"])
        self.assertEqual(other.status_code, 200)
        self.assertNotEqual(other["ETag"], first["ETag"])

    def test_a_published_change_makes_a_new_version_and_fresh_answers(self):
        first = self.get("/api/v1/hazard-areas/")
        HazardArea.objects.filter(reference="HA-DRAFT").publish()
        again = self.get("/api/v1/hazard-areas/", If_None_Match=first["ETag"])
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["count"], 4)
        self.assertNotEqual(again["ETag"], first["ETag"])

    def test_editing_a_draft_does_not_change_the_version(self):
        first = self.get("/api/v1/hazard-areas/")
        HazardArea.objects.filter(reference="HA-DRAFT").update(name="Still a draft")
        again = self.get("/api/v1/hazard-areas/", If_None_Match=first["ETag"])
        self.assertEqual(again.status_code, 304)


class MethodTests(APITestCase):
    def test_head_answers_the_headers_without_the_body(self):
        response = self.client.head("/api/v1/hazard-areas/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertTrue(response["ETag"])

    def test_the_api_is_read_only(self):
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)("/api/v1/hazard-areas/")
                self.assertEqual(response.status_code, 405)


class CompressionTests(APITestCase):
    def test_clients_that_accept_gzip_get_the_same_body_compressed(self):
        plain = self.get("/api/v1/hazard-areas/")
        packed = self.get("/api/v1/hazard-areas/", Accept_Encoding="gzip, deflate")
        self.assertEqual(packed["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(packed.content), plain.content)
        self.assertIn("Accept-Encoding", packed["Vary"])
        self.assertEqual(packed["ETag"], plain["ETag"][:-1] + '-gzip"')
        again = self.get(
            "/api/v1/hazard-areas/", Accept_Encoding="gzip", If_None_Match=plain["ETag"]
        )
        self.assertEqual(again.status_code, 304)

    def test_errors_are_not_compressed(self):
        response = self.get("/api/v1/hazard-areas/?bbox=1", Accept_Encoding="gzip")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(response.has_header("Content-Encoding"))


class CorsTests(APITestCase):
    def test_any_origin_may_read_the_api(self):
        response = self.get("/api/v1/stats/summary/", Origin="https://notebook.example.org")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")


class RateLimitTests(APITestCase):
    @override_settings(API_RATE_LIMIT="2/minute")
    def test_too_many_requests_get_a_429_with_retry_after(self):
        self.assertEqual(self.get("/api/v1/organisations/").status_code, 200)
        self.assertEqual(self.get("/api/v1/organisations/").status_code, 200)
        response = self.get("/api/v1/organisations/")
        self.assertEqual(response.status_code, 429)
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertIn("detail", response.json())

    @override_settings(API_RATE_LIMIT="1/minute")
    def test_a_client_cannot_escape_the_limit_by_forging_x_forwarded_for(self):
        self.assertEqual(self.get("/api/v1/sources/", X_Forwarded_For="10.0.0.1").status_code, 200)
        response = self.get("/api/v1/sources/", X_Forwarded_For="10.0.0.2")
        self.assertEqual(response.status_code, 429)

    @override_settings(API_DOWNLOAD_RATE_LIMIT="1/hour")
    def test_bulk_downloads_have_their_own_smaller_limit(self):
        self.assertEqual(self.get("/api/v1/downloads/mine-atlas.csv.zip").status_code, 200)
        response = self.get("/api/v1/downloads/mine-atlas.csv.zip")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(response["Retry-After"])
        self.assertEqual(self.get("/api/v1/hazard-areas/").status_code, 200)


class PageForPeopleTests(APITestCase):
    def test_the_api_page_explains_endpoints_examples_licence_and_limits(self):
        response = self.get("/api/")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        for text in ("curl", "import requests", "library(sf)", "QGIS", "CC BY 4.0", "429"):
            self.assertIn(text, page)
        self.assertIn("2024-01-15T13:00:00Z", page)  # the data version, for the citation

    def test_the_reference_documentation_is_served_by_the_site(self):
        for path in ("/api/v1/docs/", "/api/v1/redoc/", "/api/v1/schema/"):
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(b"cdn.jsdelivr", response.content)
