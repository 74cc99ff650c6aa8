"""GDAL's OAPIF driver (what QGIS uses) reads every collection whole, across pages.

Runs Debian's `ogr2ogr` against the live test server with a page size of 2, so that each
collection takes several pages, and compares the features written with the database.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest import skipUnless

from django.core.cache import cache
from django.test import LiveServerTestCase, override_settings

from contamination.models import HazardArea, Incident, LandRelease
from statements.models import Claim
from tests import factories
from tests.api.dataset import build

OGR2OGR = shutil.which("ogr2ogr")


@skipUnless(OGR2OGR, "gdal-bin is not installed (scripts/system-packages.sh installs it)")
@override_settings(API_RATE_LIMIT="100000/minute")
class GDALReadsEveryCollectionTests(LiveServerTestCase):
    def setUp(self):
        cache.clear()
        build()
        statement = factories.make_statement(reference="cleared-ha")
        factories.make_claim(statement)
        factories.make_claim(statement, excerpt="64,000 hectares", position=1)

    def read(self, layer):
        with tempfile.TemporaryDirectory() as directory:
            target = Path(directory) / f"{layer}.geojson"
            run = subprocess.run(
                [
                    OGR2OGR,
                    "--debug",
                    "on",
                    "-f",
                    "GeoJSON",
                    str(target),
                    f"OAPIF:{self.live_server_url}/ogc/",
                    layer,
                    "-oo",
                    "PAGE_SIZE=2",
                ],
                check=True,
                capture_output=True,
                timeout=120,
                env={"GDAL_HTTP_TIMEOUT": "60", "CPL_DEBUG": "OFF", "PATH": "/usr/bin"},
            )
            # GDAL logs each URL it fetches: the pages after the first carry an offset.
            pages = run.stderr.decode().count("offset=")
            return json.loads(target.read_text())["features"], pages

    def test_every_collection_is_read_whole(self):
        expected = {
            "hazard_areas": HazardArea.objects.published().count(),
            "land_releases": LandRelease.objects.published().count(),
            "incidents": Incident.objects.published().count(),
            "claims": Claim.objects.published().count(),
            "areas": 3,  # the country and its two units
        }
        self.assertGreater(expected["hazard_areas"], 2)  # more than one page
        for layer, count in expected.items():
            with self.subTest(layer=layer):
                features, later_pages = self.read(layer)
                self.assertEqual(len(features), count)
                if count > 2:
                    self.assertGreaterEqual(later_pages, 1)
                references = {f["properties"].get("reference") for f in features}
                self.assertFalse(any(r and "DRAFT" in r for r in references))

    def test_ogrinfo_lists_the_collections(self):
        output = subprocess.run(
            [shutil.which("ogrinfo"), "-ro", "-q", f"OAPIF:{self.live_server_url}/ogc/"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        for layer in ("hazard_areas", "land_releases", "incidents", "areas", "claims"):
            self.assertIn(layer, output)
