"""OGC API – Features at /ogc/: the contract of each endpoint, published rows only, incidents
at their public point, and strict parameters."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from contamination.models import HazardArea, Incident, LandRelease
from ogc.views import CONFORMANCE, CRS84, EPSG_4326
from tests import factories
from tests.api.dataset import HIDDEN, APITestCase

COLLECTION_IDS = ["hazard_areas", "land_releases", "incidents", "areas", "claims"]


def rel(document, name):
    return [link for link in document["links"] if link["rel"] == name]


class OGCTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        statement = factories.make_statement(reference="cleared-ha")
        cls.claim = factories.make_claim(statement)
        hidden = factories.make_statement(reference="draft-statement", publication_status="draft")
        factories.make_claim(hidden, excerpt="64,000 hectares")

    def items(self, collection, query=""):
        response = self.get(f"/ogc/collections/{collection}/items{query}")
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response


class LandingAndConformanceTests(OGCTestCase):
    def test_the_landing_page_links_the_api_conformance_and_collections(self):
        response = self.get("/ogc/")
        self.assertEqual(response["Content-Type"], "application/json")
        document = response.json()
        self.assertTrue(document["title"])
        for name, path in (
            ("service-desc", "/ogc/api"),
            ("conformance", "/ogc/conformance"),
            ("data", "/ogc/collections"),
            ("self", "/ogc/"),
        ):
            with self.subTest(rel=name):
                self.assertIn(path, rel(document, name)[0]["href"])

    def test_conformance_claims_core_geojson_html_oas30_and_crs(self):
        claimed = self.get("/ogc/conformance").json()["conformsTo"]
        self.assertEqual(claimed, CONFORMANCE)
        self.assertIn("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", claimed)

    def test_html_is_given_to_browsers_and_on_request(self):
        for path, headers in (
            ("/ogc/?f=html", {}),
            ("/ogc/collections", {"Accept": "text/html,application/xhtml+xml"}),
            ("/ogc/collections/hazard_areas/items?f=html", {}),
            ("/ogc/conformance?f=html", {}),
            ("/ogc/collections/incidents?f=html", {}),
            ("/ogc/api?f=html", {}),
        ):
            with self.subTest(path=path):
                response = self.get(path, **headers)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response["Content-Type"].startswith("text/html"))
        page = self.get("/ogc/collections/hazard_areas/items?f=html").content.decode()
        self.assertIn("HA-1", page)
        self.assertNotIn("HA-DRAFT", page)

    def test_the_openapi_document_describes_every_collection_and_the_limit(self):
        response = self.get("/ogc/api")
        self.assertEqual(response["Content-Type"], "application/vnd.oai.openapi+json;version=3.0")
        document = response.json()
        self.assertTrue(document["openapi"].startswith("3.0"))
        for collection in COLLECTION_IDS:
            items = document["paths"][f"/collections/{collection}/items"]["get"]
            limit = next(p for p in items["parameters"] if p["name"] == "limit")
            self.assertEqual(limit["schema"]["maximum"], 10000)
            self.assertIn(f"/collections/{collection}/items/{{featureId}}", document["paths"])


class CollectionTests(OGCTestCase):
    def test_collections_lists_the_five_with_extent_and_crs(self):
        document = self.get("/ogc/collections").json()
        collections = {c["id"]: c for c in document["collections"]}
        self.assertEqual(list(collections), COLLECTION_IDS)
        hazard_areas = collections["hazard_areas"]
        self.assertEqual(hazard_areas["crs"], [CRS84, EPSG_4326])
        self.assertEqual(len(hazard_areas["extent"]["spatial"]["bbox"][0]), 4)
        self.assertTrue(rel(hazard_areas, "items"))
        self.assertNotIn("crs", collections["claims"])  # no geometry

    def test_one_collection_and_an_unknown_one(self):
        self.assertEqual(self.get("/ogc/collections/incidents").json()["id"], "incidents")
        for path in ("/ogc/collections/mines", "/ogc/collections/mines/items", "/ogc/tiles"):
            with self.subTest(path=path):
                missing = self.get(path)
                self.assertEqual(missing.status_code, 404)
                self.assertEqual(missing.json()["code"], "NotFound")


class ItemsTests(OGCTestCase):
    def test_items_are_published_only_with_counts_and_crs_header(self):
        counts = {
            "hazard_areas": HazardArea.objects.published().count(),
            "land_releases": LandRelease.objects.published().count(),
            "incidents": Incident.objects.published().count(),
            "claims": 1,
        }
        for collection, expected in counts.items():
            with self.subTest(collection=collection):
                response = self.items(collection)
                self.assertEqual(response["Content-Type"], "application/geo+json")
                document = response.json()
                self.assertEqual(document["type"], "FeatureCollection")
                self.assertEqual(document["numberMatched"], expected)
                self.assertEqual(document["numberReturned"], expected)
                body = response.content.decode()
                for reference in HIDDEN:
                    self.assertNotIn(reference, body)
        self.assertNotIn("draft-statement", self.items("claims").content.decode())
        self.assertEqual(self.items("incidents")["Content-Crs"], f"<{CRS84}>")

    def test_paging_follows_next_and_prev_links_to_the_whole_collection(self):
        first = self.items("hazard_areas", "?limit=2").json()
        self.assertEqual(first["numberMatched"], 3)
        self.assertEqual(first["numberReturned"], 2)
        self.assertFalse(rel(first, "prev"))
        following = self.client.get(rel(first, "next")[0]["href"]).json()
        self.assertEqual(following["numberReturned"], 1)
        self.assertFalse(rel(following, "next"))
        self.assertIn("offset", rel(following, "self")[0]["href"])
        self.assertTrue(rel(following, "prev"))
        ids = [f["id"] for f in first["features"] + following["features"]]
        self.assertEqual(len(set(ids)), 3)

    def test_incidents_are_only_at_their_public_point(self):
        body = self.items("incidents").content.decode()
        # The settlement-precision incident is at 47.345678, 40.456789: never published as is.
        self.assertNotIn("47.34567", body)
        self.assertNotIn("40.45678", body)
        self.assertNotIn("47.34567", self.items("incidents", f"?crs={EPSG_4326}").content.decode())

    def test_a_bbox_on_incidents_sees_the_public_point_not_the_exact_one(self):
        # A tiny box around the exact point of the settlement-precision incident finds nothing
        # unless the generalised point also lies in it.
        document = self.items("incidents", "?bbox=47.3456,40.4567,47.3458,40.4568").json()
        self.assertEqual(document["numberMatched"], 0)

    def test_crs_epsg_4326_puts_latitude_first(self):
        lon_lat = self.items("incidents").json()["features"]
        lat_lon = self.items("incidents", f"?crs={EPSG_4326}").json()["features"]
        first = lon_lat[0]["geometry"]["coordinates"]
        self.assertEqual(lat_lon[0]["geometry"]["coordinates"], [first[1], first[0]])
        self.assertEqual(
            self.items("incidents", f"?crs={EPSG_4326}")["Content-Crs"], f"<{EPSG_4326}>"
        )

    def test_bbox_in_either_crs(self):
        west = self.items("hazard_areas", "?bbox=46,39,47,41").json()["numberMatched"]
        swapped = self.items("hazard_areas", f"?bbox=39,46,41,47&bbox-crs={EPSG_4326}").json()
        self.assertEqual(swapped["numberMatched"], west)
        everything = self.items("hazard_areas", "?bbox=44,38,0,51,42,100").json()
        self.assertEqual(everything["numberMatched"], 3)

    def test_datetime_and_property_filters(self):
        all_areas = self.items("hazard_areas").json()["features"]
        day = all_areas[0]["properties"]["identified_on"]
        same_day = self.items("hazard_areas", f"?datetime={day}").json()
        self.assertTrue(same_day["features"])
        self.assertTrue(all(f["properties"]["identified_on"] == day for f in same_day["features"]))
        before = self.items("hazard_areas", f"?datetime=../{day}").json()["features"]
        self.assertTrue(all(f["properties"]["identified_on"] <= day for f in before))
        category = all_areas[0]["properties"]["category"]
        chosen = self.items("hazard_areas", f"?category={category}").json()["features"]
        self.assertTrue(chosen)
        self.assertTrue(all(f["properties"]["category"] == category for f in chosen))
        units = self.items("areas", "?level=1").json()["features"]
        self.assertEqual({f["properties"]["level"] for f in units}, {1})

    def test_claims_have_no_geometry(self):
        feature = self.items("claims").json()["features"][0]
        self.assertIsNone(feature["geometry"])
        self.assertEqual(feature["properties"]["statement"], "cleared-ha")

    def test_bad_parameters_are_400_naming_them(self):
        cases = {
            "limit": "?limit=0",
            "offset": "?offset=-1",
            "bbox": "?bbox=1,2,3",
            "bbox-crs": "?bbox=46,39,47,41&bbox-crs=EPSG:3857",
            "crs": "?crs=http://www.opengis.net/def/crs/EPSG/0/3857",
            "datetime": "?datetime=2024-02-30",
            "f": "?f=xml",
            "colour": "?colour=red",
            "category": "?category=unexploded",
        }
        for parameter, query in cases.items():
            with self.subTest(parameter=parameter):
                response = self.get(f"/ogc/collections/hazard_areas/items{query}")
                self.assertEqual(response.status_code, 400)
                self.assertIn(parameter, response.json())
        reversed_interval = self.get(
            "/ogc/collections/incidents/items?datetime=2024-02-01/2023-01-01"
        )
        self.assertEqual(reversed_interval.status_code, 400)
        self.assertEqual(self.get("/ogc/collections/claims/items?bbox=1,2,3,4").status_code, 400)
        self.assertEqual(
            self.get("/ogc/collections/areas/items?datetime=2024-01-01").status_code, 400
        )

    @override_settings(API_RATE_LIMIT="2/minute")
    def test_the_api_rate_limit_applies_with_a_json_429(self):
        self.items("claims")
        self.items("claims", "?limit=1")
        refused = self.get("/ogc/collections/claims/items")
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused.json()["code"], "TooManyRequests")
        self.assertTrue(refused["Retry-After"].isdigit())

    def test_the_page_costs_a_fixed_number_of_queries(self):
        self.items("incidents", "?limit=1")  # warm the data version
        with CaptureQueriesContext(connection) as one:
            self.items("incidents", "?limit=1&offset=1")
        with CaptureQueriesContext(connection) as three:
            self.items("incidents", "?limit=3&offset=0&f=json")
        self.assertLessEqual(len(three), len(one) + 1)
        self.assertLessEqual(len(one), 4)


class ItemTests(OGCTestCase):
    def test_one_published_feature_with_links(self):
        feature_id = self.items("hazard_areas").json()["features"][0]["id"]
        response = self.get(f"/ogc/collections/hazard_areas/items/{feature_id}")
        self.assertEqual(response.status_code, 200)
        feature = response.json()
        self.assertEqual(feature["type"], "Feature")
        self.assertEqual(feature["id"], feature_id)
        self.assertTrue(rel(feature, "collection"))
        self.assertEqual(response["Content-Crs"], f"<{CRS84}>")
        page = self.get(f"/ogc/collections/hazard_areas/items/{feature_id}?f=html")
        self.assertContains(page, "reference")

    def test_drafts_are_404_retracted_410_unknown_404_as_json(self):
        draft = HazardArea.objects.get(reference="HA-DRAFT")
        retracted = HazardArea.objects.get(reference="HA-RETRACTED")
        for feature_id, status in ((draft.pk, 404), (retracted.pk, 410), ("x", 404), (10**12, 404)):
            with self.subTest(feature_id=feature_id):
                response = self.get(f"/ogc/collections/hazard_areas/items/{feature_id}")
                self.assertEqual(response.status_code, status)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertNotIn("HA-DRAFT", response.content.decode())

    def test_an_incident_item_is_at_its_public_point(self):
        incident = Incident.objects.get(
            location_precision="settlement", publication_status="published"
        )
        body = self.get(f"/ogc/collections/incidents/items/{incident.pk}").content.decode()
        self.assertNotIn("47.34567", body)
        self.assertIn(incident.reference, body)
