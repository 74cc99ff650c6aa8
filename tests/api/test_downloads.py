"""Bulk downloads: what is inside, and that GDAL opens them (a real client, live server)."""

import io
import re
import subprocess
import tempfile
import threading
import urllib.request
import zipfile
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connections
from django.test import override_settings

from contamination.models import HazardArea
from tests import factories
from tests.api.dataset import APITestCase


def feature_count(ogrinfo_output, layer):
    match = re.search(rf"Layer name: {layer}\n(?:.*\n)*?Feature Count: (\d+)", ogrinfo_output)
    return int(match.group(1)) if match else None


@override_settings(API_DOWNLOAD_CACHE_DIR=tempfile.mkdtemp(prefix="mineatlas-test-downloads-"))
class DownloadTests(APITestCase):
    def archive(self, path):
        response = self.get(path)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    def test_each_zip_has_the_layers_a_readme_the_licence_and_a_citation(self):
        # The tables that join them: tests/api/test_flat_files.py.
        tables = [
            f"{name}.csv"
            for name in (
                "hazard_area_sources",
                "land_release_sources",
                "incident_sources",
                "claims",
                "statement_sources",
                "sources",
                "organisations",
            )
        ]
        layers = ("hazard_areas", "land_releases", "incidents", "areas")
        for extension, suffixes in (
            ("geojson.zip", ["geojson"]),
            ("csv.zip", ["csv", "csvt", "vrt", "prj"]),
        ):
            with self.subTest(extension=extension):
                archive = self.archive(f"/api/v1/downloads/mine-atlas.{extension}")
                self.assertEqual(
                    sorted(archive.namelist()),
                    sorted(
                        [f"{name}.{suffix}" for name in layers for suffix in suffixes]
                        + tables
                        + ["README.txt", "LICENSE.txt", "CITATION.cff", "data-dictionary.csv"]
                        + (["datapackage.json"] if extension == "csv.zip" else [])
                    ),
                )
                readme = archive.read("README.txt").decode()
                self.assertIn("Data version: 2024-01-15T13:00:00Z", readme)
                self.assertIn("- hazard_areas: 3 features", readme)
                self.assertIn("CC BY 4.0", archive.read("LICENSE.txt").decode())
                self.assertIn(
                    'version: "2024-01-15T13:00:00Z"', archive.read("CITATION.cff").decode()
                )

    def test_the_demo_warning_travels_in_the_readme_and_the_citation(self):
        archive = self.archive("/api/v1/downloads/mine-atlas.csv.zip?layer=hazard_areas")
        self.assertNotIn("DEMO", archive.read("README.txt").decode())
        self.assertNotIn("demo", archive.read("CITATION.cff").decode().lower())
        demo = factories.make_hazard_area(reference="HA-DEMO", is_demo=True)
        self.assertTrue(HazardArea.objects.published().filter(pk=demo.pk).exists())
        archive = self.archive("/api/v1/downloads/mine-atlas.csv.zip?layer=hazard_areas")
        self.assertIn("generated DEMO records", archive.read("README.txt").decode())
        self.assertIn('abstract: "Contains generated DEMO', archive.read("CITATION.cff").decode())

    def test_a_filtered_download_holds_what_the_filters_select(self):
        archive = self.archive("/api/v1/downloads/mine-atlas.csv.zip?area=AZ-E&layer=incidents")
        self.assertNotIn("hazard_areas.csv", archive.namelist())
        self.assertIn("incidents.csv", archive.namelist())
        rows = archive.read("incidents.csv").decode().splitlines()
        self.assertEqual([row.split(",")[1] for row in rows[1:]], ["IN-2", "IN-3"])
        self.assertIn("Filters: area=AZ-E, layer=incidents", archive.read("README.txt").decode())

    def test_the_index_lists_the_files(self):
        index = self.get("/api/v1/downloads/").json()
        self.assertEqual(
            [item["format"] for item in index["files"]], ["geojson.zip", "csv.zip", "gpkg"]
        )

    def test_an_unknown_file_is_not_found(self):
        self.assertEqual(self.get("/api/v1/downloads/mine-atlas.shp").status_code, 404)

    def test_a_repeated_download_is_a_304_or_the_same_file(self):
        first = self.get("/api/v1/downloads/mine-atlas.geojson.zip")
        b"".join(first.streaming_content)
        again = self.get("/api/v1/downloads/mine-atlas.geojson.zip", If_None_Match=first["ETag"])
        self.assertEqual(again.status_code, 304)


class SharedConnectionServer:
    """A real HTTP server, in a thread, answering from this test's own database connection.

    LiveServerTestCase would need committed data, and its flush afterwards deletes the rows
    the migrations create (the Editors group) from a reused test database. Here the server
    thread borrows the test's connection — the test thread only waits on the client meanwhile
    — so it sees the test's uncommitted rows and nothing is flushed.
    """

    def __init__(self):
        self.connection = connections["default"]
        self.server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        connections["default"] = self.connection
        self.server.serve_forever(poll_interval=0.05)

    def __enter__(self):
        # As Django's test client does: requests must not close the test's connection.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.connection.inc_thread_sharing()
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.connection.dec_thread_sharing()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@override_settings(
    API_RATE_LIMIT="10000/minute",
    API_DOWNLOAD_CACHE_DIR=tempfile.mkdtemp(prefix="mineatlas-test-downloads-"),
)
class GdalClientTests(APITestCase):
    """GDAL reads the API over HTTP and opens the GeoPackage download."""

    def ogrinfo(self, *arguments):
        result = subprocess.run(
            ["ogrinfo", "-ro", "-al", "-so", *arguments],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_gdal_opens_a_geojson_endpoint_and_counts_its_features(self):
        with SharedConnectionServer() as server:
            output = self.ogrinfo(f"GeoJSON:{server.url}/api/v1/hazard-areas/?format=json")
            points = self.ogrinfo(f"GeoJSON:{server.url}/api/v1/incidents/?area=AZ-E")
        self.assertIn("Feature Count: 3", output)
        self.assertIn("Geometry: Multi Polygon", output)
        self.assertIn("Feature Count: 2", points)

    def test_gdal_opens_the_geopackage_download_and_counts_each_layer(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "mine-atlas.gpkg"
            with SharedConnectionServer() as server:
                url = f"{server.url}/api/v1/downloads/mine-atlas.gpkg"
                with urllib.request.urlopen(url, timeout=120) as response:
                    content_type = response.headers["Content-Type"]
                    path.write_bytes(response.read())
            self.assertEqual(content_type, "application/geopackage+sqlite3")
            output = self.ogrinfo(str(path))
        self.assertEqual(feature_count(output, "hazard_areas"), 3)
        self.assertEqual(feature_count(output, "land_releases"), 3)
        self.assertEqual(feature_count(output, "incidents"), 3)
        self.assertEqual(feature_count(output, "areas"), 3)
        self.assertEqual(feature_count(output, "about"), 3)
