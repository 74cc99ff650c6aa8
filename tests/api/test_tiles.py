"""Vector tiles and TileJSON: what a map receives, decoded as a map decodes it."""

import datetime
import math

import mapbox_vector_tile
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from contamination import tiles
from tests import factories

# Off every grid: a district-precision incident is published 10 km cells away from it.
EXACT = (46.7234567, 40.2345678)
TILE_QUERIES = 2  # the data version and the tile (the rate limit is off in these tests)


def tile_of(lon, lat, z):
    """The x/y of the tile holding (lon, lat) at zoom z (Web Mercator, XYZ)."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def lonlat(feature, z, x, y):
    """A point feature's position in degrees (tile units back to longitude/latitude)."""
    px, py = feature["geometry"]["coordinates"]
    n = 2**z
    extent = tiles.extent_for(z)
    lon = (x + px / extent) / n * 360 - 180
    # The decoder flips y to grow upwards (its default): row y's bottom edge is 0.
    merc = math.pi * (1 - 2 * (y + 1 - py / extent) / n)
    return lon, math.degrees(math.atan(math.sinh(merc)))


@override_settings(API_TILE_RATE_LIMIT=None)
class TileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation = factories.make_organisation()
        cls.hazard = factories.make_hazard_area(reference="HA-PUBLIC", surveyed_by=cls.organisation)
        cls.suspected = factories.make_hazard_area(
            reference="HA-SHA",
            category="sha",
            geometry=factories.multi(factories.square(46.52, 40.0, 0.01)),
        )
        cls.draft = factories.make_hazard_area(reference="HA-DRAFT", publication_status="draft")
        cls.retracted = factories.make_hazard_area(
            reference="HA-RETRACTED",
            publication_status="retracted",
            retraction_note="Duplicate of HA-PUBLIC.",
        )
        cls.release = factories.make_land_release()
        cls.release_draft = factories.make_land_release(publication_status="draft")
        cls.incident = factories.make_incident(
            location=Point(*EXACT, srid=4326),
            location_precision="district",
            casualties=[{"outcome": "killed", "group": "civilian"}],
        )
        cls.incident_draft = factories.make_incident(publication_status="draft")

    def setUp(self):
        cache.clear()

    def tile(self, layer, z, x, y, query="", **headers):
        return self.client.get(f"/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt{query}", headers=headers)

    def features(self, layer, z, lon, lat, query=""):
        x, y = tile_of(lon, lat, z)
        response = self.tile(layer, z, x, y, query)
        self.assertEqual(response.status_code, 200, response.content[:200])
        self.assertEqual(response["Content-Type"], "application/vnd.mapbox-vector-tile")
        decoded = mapbox_vector_tile.decode(response.content)
        return decoded.get(layer, {"features": []})["features"], (z, x, y)

    def ids(self, layer, z, lon=46.5, lat=40.0, query=""):
        return {
            feature["properties"]["id"] for feature in self.features(layer, z, lon, lat, query)[0]
        }

    def test_a_tile_holds_the_published_records_only(self):
        for z in (7, 12):
            with self.subTest(z=z):
                self.assertEqual(self.ids("hazard-areas", z), {self.hazard.pk, self.suspected.pk})
                self.assertEqual(self.ids("land-releases", z, 46.6), {self.release.pk})
        self.assertEqual(self.ids("incidents", 12, *EXACT), {self.incident.pk})

    def test_a_retracted_record_leaves_the_tile_it_was_in(self):
        self.assertIn(self.hazard.pk, self.ids("hazard-areas", 12))
        self.hazard.publication_status = "retracted"
        self.hazard.retraction_note = "Entered twice."
        self.hazard.save()
        self.assertEqual(self.ids("hazard-areas", 12), {self.suspected.pk})

    def test_small_attributes_for_the_legend_and_filters(self):
        features, _ = self.features("hazard-areas", 12, 46.5, 40.0)
        hazard = next(f for f in features if f["properties"]["id"] == self.hazard.pk)
        self.assertEqual(
            hazard["properties"],
            {
                "id": self.hazard.pk,
                "reference": "HA-PUBLIC",
                "category": "cha",
                "status": self.hazard.status,
                "identified_on": "2021-03-01",
                "organisation": self.organisation.pk,
                "is_demo": False,
            },
        )
        self.assertEqual(hazard["geometry"]["type"], "Polygon")

    def test_a_polygon_too_small_for_the_tile_is_kept_as_a_point(self):
        # At zoom 1 a tile unit is ~5 km: a 1 km square would vanish from the tile.
        features, _ = self.features("hazard-areas", 1, 46.5, 40.0)
        self.assertEqual(
            {f["properties"]["id"] for f in features}, {self.hazard.pk, self.suspected.pk}
        )
        self.assertEqual({f["geometry"]["type"] for f in features}, {"Point"})

    def test_far_out_small_shapes_are_marks_that_count_every_record(self):
        # Three confirmed areas and a suspected one within one 4 px cell at zoom 6 (a cell is
        # 1/128 of a tile side, centred on a multiple of its size), and a confirmed draft: the
        # tile has a mark of three, without any record's attributes, and the suspected area
        # alone with its own.
        def small(lon, lat, **kwargs):
            square = factories.square(lon, lat, 0.002)
            return factories.make_hazard_area(geometry=factories.multi(square), **kwargs)

        size = tiles.mark_cell_deg(6)
        lon, lat = 1060 * size, 912 * size  # a cell's centre near Ağdam
        cell = [small(lon, lat), small(lon + 0.004, lat - 0.003), small(lon - 0.005, lat + 0.004)]
        alone = small(lon + 0.001, lat, category="sha", reference="HA-ALONE")
        small(lon, lat + 0.002, publication_status="draft")
        features, _ = self.features("hazard-areas", 6, lon, lat)
        marks = [f for f in features if "count" in f["properties"]]
        self.assertEqual(
            [m["properties"] for m in marks],
            [{"count": 3, "cell": "1060,912", "category": "cha", "is_demo": False}],
        )
        self.assertEqual(marks[0]["geometry"]["type"], "Point")
        by_id = {f["properties"].get("id"): f for f in features}
        self.assertEqual(by_id[alone.pk]["properties"]["reference"], "HA-ALONE")
        self.assertEqual(by_id[alone.pk]["geometry"]["type"], "Point")
        self.assertTrue(set(by_id).isdisjoint(record.pk for record in cell))
        # Every published record of the tile is counted once: the fixtures' two and these four.
        self.assertEqual(sum(f["properties"].get("count", 1) for f in features), 6)
        # From zoom 9 on, each is its own shape again.
        ids = self.ids("hazard-areas", 9, lon, lat)
        self.assertTrue({alone.pk, *(record.pk for record in cell)} <= ids)

    def test_filters_narrow_the_tile_like_the_list(self):
        self.assertEqual(self.ids("hazard-areas", 12, query="?category=sha"), {self.suspected.pk})
        self.assertEqual(
            self.ids("hazard-areas", 12, query=f"?organisation={self.organisation.pk}"),
            {self.hazard.pk},
        )
        self.assertEqual(self.ids("hazard-areas", 12, query="?end=2020-01-01"), set())
        self.assertEqual(self.ids("land-releases", 12, 46.6, query="?method=reduced"), set())

    def test_an_incident_is_only_ever_at_its_public_point(self):
        public = self.client.get(f"/api/v1/incidents/{self.incident.pk}/").json()
        public_lon, public_lat = public["geometry"]["coordinates"]
        self.assertGreater(math.dist((public_lon, public_lat), EXACT), 0.01)
        for z in range(tiles.CLUSTER_BELOW_ZOOM, 17):
            with self.subTest(z=z):
                # The tile of the exact point holds nothing when the public point is elsewhere.
                exact_tile, exact_zxy = self.features("incidents", z, *EXACT)
                features, zxy = self.features("incidents", z, public_lon, public_lat)
                self.assertEqual([f["properties"]["id"] for f in features], [self.incident.pk])
                for feature in exact_tile:
                    self.assertEqual(feature["properties"]["id"], self.incident.pk)
                    lon, lat = lonlat(feature, *exact_zxy)
                    self.assertLess(math.dist((lon, lat), (public_lon, public_lat)), 0.01)
                lon, lat = lonlat(features[0], *zxy)
                # Within a tile unit of the public point, and nowhere near the exact one.
                unit_deg = 360 / 2**z / tiles.extent_for(z)
                self.assertLess(
                    math.dist((lon, lat), (public_lon, public_lat)), 2 * unit_deg + 1e-6
                )
                self.assertGreater(math.dist((lon, lat), EXACT), 0.01)

    def test_far_out_incidents_are_clusters_of_public_points(self):
        features, zxy = self.features("incidents", 6, *EXACT)
        self.assertEqual(len(features), 1)
        cluster = features[0]
        self.assertEqual(
            cluster["properties"],
            {"count": 1, "killed": 1, "injured": 0, "incident": self.incident.pk},
        )
        public = self.client.get(f"/api/v1/incidents/{self.incident.pk}/").json()
        unit_deg = 360 / 2**6 / tiles.extent_for(6)
        self.assertLess(
            math.dist(lonlat(cluster, *zxy), public["geometry"]["coordinates"]), 2 * unit_deg
        )

    def test_an_empty_tile_is_an_empty_200(self):
        response = self.tile("hazard-areas", 12, 0, 0)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")

    def test_tiles_are_versioned_and_revalidated(self):
        x, y = tile_of(46.5, 40.0, 12)
        first = self.tile("hazard-areas", 12, x, y)
        self.assertEqual(first["Cache-Control"], "public, no-cache")
        self.assertTrue(first["X-Data-Version"])
        again = self.tile("hazard-areas", 12, x, y, If_None_Match=first["ETag"])
        self.assertEqual(again.status_code, 304)
        # A publication makes a new version: the old copy is no longer current.
        factories.make_hazard_area(reference="HA-NEW")
        changed = self.tile("hazard-areas", 12, x, y, If_None_Match=first["ETag"])
        self.assertEqual(changed.status_code, 200)
        self.assertEqual(
            len(mapbox_vector_tile.decode(changed.content)["hazard-areas"]["features"]), 3
        )

    def test_a_cached_tile_costs_no_tile_query(self):
        x, y = tile_of(46.5, 40.0, 12)
        self.tile("hazard-areas", 12, x, y)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.tile("hazard-areas", 12, x, y).status_code, 200)
        self.assertFalse([q for q in queries.captured_queries if "ST_AsMVT" in q["sql"]])

    def test_one_query_builds_a_tile(self):
        x, y = tile_of(46.5, 40.0, 12)
        with CaptureQueriesContext(connection) as queries:
            self.tile("hazard-areas", 12, x, y)
        self.assertEqual(len([q for q in queries.captured_queries if "ST_AsMVT" in q["sql"]]), 1)
        # However many records: the data version and the tile.
        for layer, z in (("hazard-areas", 12), ("incidents", 12), ("incidents", 5)):
            with self.subTest(layer=layer, z=z), self.assertNumQueries(TILE_QUERIES):
                self.tile(layer, z, *tile_of(*EXACT, z))

    def test_bad_requests_are_json_400s_naming_the_parameter(self):
        cases = {
            "/api/v1/tiles/hazard-areas/23/0/0.mvt": "z",
            "/api/v1/tiles/hazard-areas/-1/0/0.mvt": "z",
            "/api/v1/tiles/hazard-areas/3/8/0.mvt": "x",
            "/api/v1/tiles/hazard-areas/3/0/8.mvt": "y",
            "/api/v1/tiles/hazard-areas/3/a/0.mvt": "x",
            "/api/v1/tiles/hazard-areas/3/0/0.mvt?category=xyz": "category",
            "/api/v1/tiles/hazard-areas/3/0/0.mvt?bbox=1,2,3,4": "bbox",
            "/api/v1/tiles/hazard-areas/3/0/0.mvt?method=cleared": "method",
            "/api/v1/tiles/land-releases/3/0/0.mvt?start=2024-02-30": "start",
            "/api/v1/tiles/incidents/3/0/0.mvt?start=2024-01-01&end=2023-01-01": "end",
            "/api/v1/tiles/incidents/tilejson.json?category=cha": "category",
        }
        for path, parameter in cases.items():
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertIn(parameter, str(response.json()))

    def test_an_unknown_layer_is_a_json_404(self):
        for path in ("/api/v1/tiles/mines/3/0/0.mvt", "/api/v1/tiles/mines/tilejson.json"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertIn("hazard-areas", response.json()["detail"])

    @override_settings(API_TILE_RATE_LIMIT="2/minute")
    def test_tiles_have_their_own_rate_limit(self):
        statuses = [self.tile("hazard-areas", 3, 0, 0).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(self.client.get("/api/v1/hazard-areas/").status_code, 200)


@override_settings(API_TILE_RATE_LIMIT=None)
class TileJSONTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.make_hazard_area(geometry=factories.multi(factories.square(46.5, 40.0, 0.01)))
        factories.make_hazard_area(
            geometry=factories.multi(factories.square(47.0, 40.5, 0.01)),
            publication_status="draft",
        )
        factories.make_incident(location=Point(*EXACT, srid=4326), location_precision="district")
        cls.date = datetime.date(2021, 3, 1)

    def test_a_tilejson_document_per_layer(self):
        response = self.client.get("/api/v1/tiles/hazard-areas/tilejson.json?category=cha")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertEqual(document["tilejson"], "3.0.0")
        self.assertEqual(
            document["tiles"],
            ["http://testserver/api/v1/tiles/hazard-areas/{z}/{x}/{y}.mvt?category=cha"],
        )
        self.assertEqual((document["minzoom"], document["maxzoom"]), (0, tiles.DATA_MAX_ZOOM))
        # The published record's bounds only: the draft further east is not there.
        self.assertEqual(document["bounds"], [46.5, 40.0, 46.51, 40.01])
        self.assertTrue(document["attribution"])
        self.assertEqual(document["vector_layers"][0]["id"], "hazard-areas")
        self.assertIn("category", document["vector_layers"][0]["fields"])
        self.assertTrue(response["ETag"])

    def test_incident_bounds_are_of_public_points(self):
        document = self.client.get("/api/v1/tiles/incidents/tilejson.json").json()
        public = self.client.get("/api/v1/incidents/").json()["features"][0]["geometry"]
        lon, lat = public["coordinates"]
        self.assertEqual(document["bounds"], [lon, lat, lon, lat])
        self.assertNotIn(EXACT[0], document["bounds"])
