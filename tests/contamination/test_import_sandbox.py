"""The importer's sandbox: nothing fetched from the network, GeoPackages tables only, caps.

A local TCP listener stands for an attacker's server: every test that feeds a file with a
link asserts that the listener was never reached.
"""

import io
import json
import socket
import sqlite3
import threading
import time

from django.core.management import CommandError, call_command
from django.test import override_settings

from contamination.importers import sandbox
from contamination.importers.files import GEOJSON, open_datasource
from contamination.models import HazardArea, Incident
from tests.contamination.test_importers import HAZARD, ImportTestCase
from tests.factories import feature, feature_collection, square_geojson


class Listener:
    """A TCP server on a free local port that records every connection made to it."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.hits = []
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                client, _address = self.socket.accept()
            except OSError:
                continue
            with client:
                client.settimeout(1)
                try:
                    self.hits.append(client.recv(200))
                    client.sendall(b"HTTP/1.0 200 OK\r\n\r\nGEOGCS[]")
                except OSError:
                    self.hits.append(b"")

    def stop(self):
        time.sleep(0.3)  # a request GDAL sent at the very end still arrives
        self.running = False
        self.thread.join()
        self.socket.close()


def crs_link_collection(url, kind="link", member="href"):
    collection = feature_collection(feature(square_geojson(46.5, 40, 0.005), reference="L-1",
                                            **HAZARD))  # fmt: skip
    collection["crs"] = {"type": kind, "properties": {member: f"{url}/crs.wkt", "type": "ogcwkt"}}
    return collection


class NetworkTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.listener = Listener()
        self.addCleanup(self.listener.stop)

    def assertNothingFetched(self):
        self.listener.stop()
        self.assertEqual(self.listener.hits, [])

    def test_the_listener_sees_what_gdal_fetches_without_the_sandbox(self):
        # Proves the listener would notice: GDAL on its own follows a crs link.
        path = self.write("link.geojson", crs_link_collection(self.listener.url))
        open_datasource(path, GEOJSON)
        self.listener.stop()
        self.assertEqual(len(self.listener.hits), 1)
        self.assertIn(b"GET /crs.wkt", self.listener.hits[0])

    def test_gdal_in_the_sandbox_fetches_nothing_even_when_a_link_gets_past_the_checks(self):
        path = self.write("link.geojson", crs_link_collection(self.listener.url))
        with sandbox.gdal_sandbox():
            open_datasource(path, GEOJSON)
        self.assertNothingFetched()

    def test_crs_links_urls_and_file_paths_are_refused_with_the_reason(self):
        url = self.listener.url
        variants = {
            "link href": crs_link_collection(url),
            "link url": crs_link_collection(url, member="url"),
            "url type": crs_link_collection(url, kind="url"),
            "name that is a URL": {
                **feature_collection(),
                "crs": {"type": "name", "properties": {"name": f"{url}/name"}},
            },
            "name that is a path": {
                **feature_collection(),
                "crs": {"type": "name", "properties": {"name": "/etc/passwd"}},
            },
        }
        for label, collection in variants.items():
            with self.subTest(label):
                report = self.run_import("hazard-areas", self.write("c.geojson", collection))
                self.assertProblem(report, None, "crs member is not an EPSG name")
                self.assertFalse(report.written)
        self.assertNothingFetched()

    def test_a_crs_key_hidden_behind_escapes_is_refused(self):
        text = json.dumps(crs_link_collection(self.listener.url)).replace('"crs"', '"\\u0063rs"')
        report = self.run_import("hazard-areas", self.write("c.geojson", text))
        self.assertProblem(report, None, "writes letters as \\u escapes")
        self.assertNothingFetched()

    def test_the_command_refuses_a_crs_link_and_fetches_nothing(self):
        path = self.write("link.geojson", crs_link_collection(self.listener.url))
        with self.assertRaisesMessage(CommandError, "crs member is not an EPSG name"):
            call_command("import_records", "hazard-areas", str(path), "--dry-run",
                         stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
        self.assertNothingFetched()
        self.assertFalse(HazardArea.objects.exists())

    def test_an_epsg_crs_is_still_accepted(self):
        area = feature(square_geojson(46.5, 40, 0.005), reference="E-1", **HAZARD)
        collection = feature_collection(area, crs="urn:ogc:def:crs:EPSG::4326")
        report = self.run_import("hazard-areas", self.write("e.geojson", collection))
        self.assertTrue(report.ok, report.lines())

    def test_a_kml_style_in_another_file_is_refused(self):
        kml = (
            '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"<Placemark><styleUrl>{self.listener.url}/style.kml#s</styleUrl>"
            "<Point><coordinates>46.5,40</coordinates></Point></Placemark></Document></kml>"
        )
        report = self.run_import("incidents", self.write("a.kml", kml))
        self.assertProblem(report, None, "<styleUrl> points to another file or address")
        self.assertNothingFetched()


class GeoPackageTests(ImportTestCase):
    def geopackage(self, *statements):
        path = self.ogr2ogr("areas.gpkg", feature_collection(
            feature(square_geojson(46.5, 40, 0.005), reference="G-1", **HAZARD)))  # fmt: skip
        database = sqlite3.connect(path)
        with database:
            for statement in statements:
                database.execute(statement)
        database.close()
        return path

    def test_a_recursive_view_is_refused_at_once(self):
        path = self.geopackage(
            "CREATE VIEW endless AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
            "FROM n) SELECT i AS fid, NULL AS geom, 'x' AS reference FROM n",
            "DELETE FROM gpkg_contents",
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('endless', 'features', 'endless', 4326)",
        )
        started = time.monotonic()
        report = self.run_import("hazard-areas", path)
        self.assertLess(time.monotonic() - started, 2)
        self.assertProblem(report, None, "holds view(s) (“endless”); only tables are imported")

    def test_a_trigger_geopackage_does_not_define_is_refused(self):
        path = self.geopackage(
            "CREATE TRIGGER sneaky AFTER INSERT ON gpkg_contents BEGIN SELECT 1; END"
        )
        report = self.run_import("hazard-areas", path)
        self.assertProblem(report, None, "trigger(s) GeoPackage does not define (“sneaky”)")

    def test_a_computed_column_is_refused(self):
        path = self.geopackage("CREATE TABLE extra (a INTEGER, b INTEGER AS (a * 2))")
        report = self.run_import("hazard-areas", path)
        self.assertProblem(report, None, "“extra” has computed (generated) columns")

    def test_a_geopackage_written_by_gdal_with_its_own_triggers_imports(self):
        report = self.run_import("hazard-areas", self.geopackage())
        self.assertTrue(report.ok, report.lines())
        self.assertEqual(report.created, ["G-1"])


class LimitTests(ImportTestCase):
    @override_settings(IMPORT_MAX_ROWS=10)
    def test_a_csv_with_more_rows_than_the_limit_is_refused_before_it_is_read(self):
        rows = "".join(f"I-{n},2021-05-01,46.5,40.1\n" for n in range(50))
        report = self.run_import("incidents", self.write("i.csv", "reference,occurred_on,lon,lat\n"
                                                          + rows))  # fmt: skip
        self.assertEqual(report.rows_read, 0)  # refused from the byte count
        self.assertProblem(report, None, "about 50 rows; the limit is 10 (IMPORT_MAX_ROWS)")
        self.assertFalse(Incident.objects.exists())

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_features_over_the_limit_are_refused_in_every_format(self):
        collection = feature_collection(*(feature(square_geojson(46.5 + n / 100, 40, 0.004),
                                                  reference=f"F-{n}", **HAZARD)
                                          for n in range(5)))  # fmt: skip
        for name in ("areas.geojson", "areas.gpkg", "areas.kml"):
            with self.subTest(name):
                path = (
                    self.write(name, collection)
                    if name.endswith("json")
                    else self.ogr2ogr(name, collection)
                )
                report = self.run_import("hazard-areas", path)
                self.assertProblem(report, None, "about 5 rows; the limit is 3")

    @override_settings(IMPORT_MAX_VERTICES=100)
    def test_a_geometry_with_more_vertices_than_the_limit_is_refused_with_its_row(self):
        ring = [[46.5 + 0.01 * (n / 200), 40 + 0.01 * (n % 2)] for n in range(200)]
        ring = [[46.5, 39.99], *ring, [46.51, 39.99], [46.5, 39.99]]
        big = {"type": "Polygon", "coordinates": [ring]}
        collection = feature_collection(
            feature(square_geojson(46.5, 40, 0.005), reference="V-1", **HAZARD),
            feature(big, reference="V-2", **HAZARD),
        )
        report = self.run_import("hazard-areas", self.write("v.geojson", collection))
        self.assertProblem(report, None, "Row 2: the geometry has 203 vertices; the limit is 100")
        self.assertFalse(HazardArea.objects.exists())

    @override_settings(IMPORT_MAX_VERTICES=10_000)
    def test_a_geojson_feature_too_large_to_parse_is_refused_before_gdal_builds_it(self):
        ring = [[46.5 + 0.01 * n / 60_000, 40 + 0.001 * (n % 2)] for n in range(60_000)]
        ring.append(ring[0])
        collection = feature_collection(
            feature({"type": "Polygon", "coordinates": [ring]}, reference="V-3", **HAZARD)
        )
        report = self.run_import("hazard-areas", self.write("v.geojson", collection))
        self.assertProblem(report, None, "too large to read", "10,000 vertices")
