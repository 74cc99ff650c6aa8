"""Each endpoint's whole response, compared with the stored file that is the public contract."""

from tests.api.dataset import SINCE, APITestCase

# (expected file, path): every resource, format and grouping a client relies on.
CONTRACT = [
    ("areas_level1.json", "/api/v1/areas/?level=1"),
    ("areas_level0_cha.json", "/api/v1/areas/?level=0&category=cha&zoom=6"),
    ("areas_level1.csv", "/api/v1/areas/?level=1&format=csv"),
    ("area_detail.json", "/api/v1/areas/AZ-E/"),
    ("hazard_areas.json", "/api/v1/hazard-areas/"),
    ("hazard_areas_zoom5.json", "/api/v1/hazard-areas/?zoom=5"),
    ("hazard_areas_page2.json", "/api/v1/hazard-areas/?page_size=2&page=2&ordering=reference"),
    ("hazard_areas.csv", "/api/v1/hazard-areas/?format=csv"),
    ("hazard_area_detail.json", "/api/v1/hazard-areas/1/"),
    ("land_releases.json", "/api/v1/land-releases/"),
    ("land_releases.csv", "/api/v1/land-releases/?format=csv"),
    ("land_release_detail.json", "/api/v1/land-releases/1/"),
    ("incidents.json", "/api/v1/incidents/"),
    ("incidents.csv", "/api/v1/incidents/?format=csv"),
    ("incident_detail.json", "/api/v1/incidents/1/"),
    ("incident_clusters_z6.json", "/api/v1/incidents/clusters/?zoom=6"),
    ("incident_clusters_z14.json", "/api/v1/incidents/clusters/?zoom=14"),
    ("organisations.json", "/api/v1/organisations/"),
    ("sources.json", "/api/v1/sources/"),
    ("changes.json", f"/api/v1/changes/?since={SINCE}"),
    ("stats_summary.json", "/api/v1/stats/summary/"),
    ("stats_summary_east.json", "/api/v1/stats/summary/?area=AZ-E"),
    ("stats_land_released_year.json", "/api/v1/stats/land-released/?group_by=year"),
    ("stats_land_released_month.json", "/api/v1/stats/land-released/?group_by=month"),
    ("stats_land_released_area.json", "/api/v1/stats/land-released/?group_by=area"),
    (
        "stats_land_released_organisation.json",
        "/api/v1/stats/land-released/?group_by=organisation",
    ),
    ("stats_items_found.json", "/api/v1/stats/items-found/"),
    ("stats_casualties_year.json", "/api/v1/stats/casualties/?group_by=year"),
    ("stats_casualties_group.json", "/api/v1/stats/casualties/?group_by=group"),
    ("stats_casualties_sex.json", "/api/v1/stats/casualties/?group_by=sex"),
    ("stats_casualties_age_band.json", "/api/v1/stats/casualties/?group_by=age_band"),
    ("stats_areas.json", "/api/v1/stats/areas/"),
    ("downloads.json", "/api/v1/downloads/"),
]


class ContractTests(APITestCase):
    def test_every_endpoint_answers_exactly_the_stored_contract(self):
        for name, path in CONTRACT:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200, response.content[:300])
                self.assertMatchesExpected(name, response)

    def test_the_root_lists_every_resource_with_its_address(self):
        # Not a stored file: other apps add their routes to the same list.
        root = self.get("/api/v1/").json()
        self.assertEqual(root["data_version"], "2024-01-15T13:00:00Z")
        resources = root["resources"]
        self.assertEqual(resources["hazard-area-list"], "http://testserver/api/v1/hazard-areas/")
        for name in ("area-list", "incident-clusters", "change-list", "stats-summary", "schema"):
            self.assertIn(name, resources)
        self.assertNotIn("area-detail", resources)

    def test_the_root_lists_the_resources_of_both_apps_and_each_answers(self):
        resources = self.get("/api/v1/").json()["resources"]
        records = [
            "area-list",
            "hazard-area-list",
            "land-release-list",
            "incident-list",
            "incident-clusters",
            "organisation-list",
            "source-list",
            "change-list",
            "stats-summary",
            "stats-land-released",
            "stats-items-found",
            "stats-casualties",
            "stats-areas",
            "download-index",
        ]
        statements = ["statement-list", "claim-list", "person-list", "metric-list"]
        for name in [*records, *statements]:
            with self.subTest(name=name):
                self.assertIn(name, resources)
        self.assertEqual(resources["statement-list"], "http://testserver/api/v1/statements/")
        self.assertEqual(resources["metric-list"], "http://testserver/api/v1/metrics/")
        for name in ("statement-detail", "claim-detail", "download"):
            self.assertNotIn(name, resources)
        # No dead address: each answers (the clusters and changes ask for their parameter).
        for name in [*records, *statements]:
            with self.subTest(address=resources[name]):
                status = self.get(resources[name]).status_code
                self.assertIn(status, (200, 400))

    def test_geo_lists_are_geojson_and_csv_lists_are_csv(self):
        for path, content_type in [
            ("/api/v1/hazard-areas/", "application/geo+json"),
            ("/api/v1/hazard-areas/?format=json", "application/json"),
            ("/api/v1/hazard-areas/?format=csv", "text/csv; charset=utf-8"),
            ("/api/v1/incidents/clusters/?zoom=3", "application/geo+json"),
            ("/api/v1/stats/summary/", "application/json"),
        ]:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], content_type)

    def test_geojson_has_no_crs_and_lon_lat_order(self):
        collection = self.get("/api/v1/incidents/?q=IN-1").json()
        self.assertNotIn("crs", collection)
        # IN-1 is exact: kept to 5 decimals (about 1 m), longitude first.
        self.assertEqual(collection["features"][0]["geometry"]["coordinates"], [46.71234, 40.21234])

    def test_incident_points_are_generalised_to_their_precision(self):
        collection = self.get("/api/v1/incidents/?q=IN-2").json()
        # IN-2 is known to the settlement: snapped to a 0.01° grid (about 1 km).
        self.assertEqual(collection["features"][0]["geometry"]["coordinates"], [47.35, 40.46])
        csv = self.get("/api/v1/incidents/?q=IN-2&format=csv").content.decode()
        self.assertIn("POINT(47.35 40.46),47.35,40.46", csv)

    def test_zoom_simplifies_and_rounds_polygons(self):
        full = self.get("/api/v1/areas/AZ-E/").json()
        small = self.get("/api/v1/areas/AZ-E/?zoom=3").json()
        self.assertEqual(small["geometry"]["type"], "MultiPolygon")
        self.assertLessEqual(len(str(small["geometry"])), len(str(full["geometry"])))
        self.assertEqual(small["properties"], full["properties"])


class QueryCountTests(APITestCase):
    """Lists cost a fixed number of queries, however many rows they return."""

    def test_lists_are_answered_in_a_fixed_number_of_queries(self):
        # The rate-limit counter (one upsert), the data version and the page (a short first
        # page needs no COUNT)
        for path, queries in [
            ("/api/v1/hazard-areas/", 3),
            ("/api/v1/land-releases/?method=cleared,reduced", 3),
            ("/api/v1/incidents/", 3),
            ("/api/v1/incidents/clusters/?zoom=8", 3),
            ("/api/v1/areas/?level=1", 3),
            # + the area's lookup
            ("/api/v1/hazard-areas/?area=AZ", 4),
            # + the COUNT for a partial page, and once more for the CSV (COPY is not counted)
            ("/api/v1/hazard-areas/?page_size=1", 4),
            ("/api/v1/incidents/?format=csv", 3),
            # counter, data version, COUNT, rows
            ("/api/v1/organisations/", 4),
            ("/api/v1/sources/", 4),
            # counter, data version, COUNT, rows
            ("/api/v1/changes/?since=2020-01-01", 4),
            # counter, data version + the summary's 8
            ("/api/v1/stats/summary/", 10),
            ("/api/v1/stats/land-released/", 3),
            ("/api/v1/stats/casualties/?group_by=sex", 3),
            ("/api/v1/stats/areas/", 3),
        ]:
            with self.subTest(path=path):
                self.setUp()
                with self.assertNumQueries(queries):
                    response = self.get(path)
                self.assertEqual(response.status_code, 200)

    def test_a_repeated_request_is_answered_from_the_cache(self):
        self.get("/api/v1/hazard-areas/?page_size=1")
        with self.assertNumQueries(2):  # the rate-limit counter and the data version only
            response = self.get("/api/v1/hazard-areas/?page_size=1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 3)
