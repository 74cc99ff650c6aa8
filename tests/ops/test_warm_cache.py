"""`manage.py warm_cache`: the far-out tiles and main pages, filled before readers come.

Against the live site (a server thread), with a file cache shared by the server and the
command, as CACHE_DIR shares one between gunicorn's workers.
"""

import io
import tempfile

import mapbox_vector_tile
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import LiveServerTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from contamination import tiles
from tests import factories
from tests.api.test_tiles import tile_of

CACHE_DIR = tempfile.mkdtemp(prefix="mineatlas-warm-cache-test-")
SHARED_CACHE = {
    "default": {
        "BACKEND": "config.cache.BoundedFileBasedCache",
        "LOCATION": CACHE_DIR,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
POINT = (46.5, 40.0)


def tile_queries(queries):
    return [q for q in queries.captured_queries if "ST_AsMVT" in q["sql"]]


@override_settings(CACHES=SHARED_CACHE, API_TILE_RATE_LIMIT=None)
class WarmCacheTests(LiveServerTestCase):
    def setUp(self):
        cache.clear()
        self.published = factories.make_hazard_area(reference="HA-PUBLIC")
        self.draft = factories.make_hazard_area(reference="HA-DRAFT", publication_status="draft")
        factories.make_incident()

    def warm(self, *options):
        out = io.StringIO()
        call_command("warm_cache", "--site", self.live_server_url, *options, stdout=out)
        return out.getvalue()

    def tile(self, layer, z, language="en"):
        x, y = tile_of(*POINT, z)
        return self.client.get(
            f"/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt", headers={"Accept-Language": language}
        )

    def test_a_reader_after_warming_finds_the_far_out_tiles_built(self):
        said = self.warm("--max-zoom", "5")
        # One tile per zoom and layer here (the records are close together), and the pages.
        self.assertIn("(18 tiles to zoom 5)", said)
        for layer in tiles.LAYERS:
            for z in range(6):
                # Asked in another language than the warming's: a tile is one copy for all.
                with self.subTest(layer=layer, z=z), CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.tile(layer, z, language="az").status_code, 200)
                self.assertEqual(tile_queries(queries), [])
        # Past --max-zoom, tiles are built when asked.
        with CaptureQueriesContext(connection) as queries:
            self.tile("hazard-areas", 6)
        self.assertEqual(len(tile_queries(queries)), 1)

    def test_the_warmed_tiles_hold_the_published_records_only(self):
        self.warm("--max-zoom", "9")
        response = self.tile("hazard-areas", 9)
        features = mapbox_vector_tile.decode(response.content)["hazard-areas"]["features"]
        self.assertEqual([f["properties"]["reference"] for f in features], ["HA-PUBLIC"])

    def test_a_warm_version_is_not_warmed_again_until_a_publication(self):
        self.warm("--max-zoom", "2")
        self.assertIn("warm already", self.warm("--max-zoom", "2"))
        factories.make_hazard_area(reference="HA-NEW")  # a new data version
        self.assertIn("answers warmed", self.warm("--max-zoom", "2"))
        self.assertIn("answers warmed", self.warm("--max-zoom", "2", "--force"))

    def test_a_site_that_cannot_be_reached_is_said_in_words(self):
        with self.assertRaisesMessage(CommandError, "could not be reached"):
            call_command("warm_cache", "--site", "http://127.0.0.1:9", "--max-zoom", "0")

    def test_bad_options_are_refused(self):
        with self.assertRaisesMessage(CommandError, "--max-zoom must be from 0 to 22"):
            self.warm("--max-zoom", "23")
        with self.assertRaisesMessage(CommandError, "--connections must be at least 1"):
            self.warm("--connections", "0")


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
class PerProcessCacheTests(LiveServerTestCase):
    def test_a_cache_of_one_process_cannot_be_warmed_from_another(self):
        with self.assertRaisesMessage(CommandError, "Set CACHE_URL (Redis) or CACHE_DIR"):
            call_command("warm_cache", "--site", self.live_server_url)
