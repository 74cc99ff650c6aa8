"""The shared file cache stays under its byte cap however many distinct boxes are asked for."""

import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from tests.api.dataset import APITestCase


def cache_settings(folder, max_bytes, max_entry_bytes):
    return {
        "default": {
            "BACKEND": "config.cache.BoundedFileBasedCache",
            "LOCATION": str(folder),
            "OPTIONS": {"MAX_BYTES": max_bytes, "MAX_ENTRY_BYTES": max_entry_bytes},
        }
    }


def files_in(folder):
    return [path for path in Path(folder).iterdir() if path.is_file()]


def bytes_in(folder):
    return sum(path.stat().st_size for path in files_in(folder))


class BoundedFileCacheTests(APITestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="mineatlas-test-cache-")
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def box(self, step):
        return f"/api/v1/hazard-areas/?bbox=46,38,{48 + step / 100:g},{41 + step / 100:g}"

    def test_many_distinct_boxes_keep_the_cache_directory_under_its_byte_cap(self):
        cap = 20_000
        with self.settings(CACHES=cache_settings(self.folder, cap, cap)):
            first = self.get(self.box(0), Accept_Encoding="gzip")
            self.assertEqual(first.status_code, 200)
            one_answer = bytes_in(self.folder)
            self.assertGreater(one_answer, 0, "the answer was cached")
            asked = 3 * cap // one_answer + 3
            for step in range(1, asked):
                response = self.get(self.box(step), Accept_Encoding="gzip")
                self.assertEqual(response.status_code, 200)
                self.assertLessEqual(bytes_in(self.folder), cap)
            # Without the cap the directory would hold every answer; it holds some.
            self.assertGreater(asked * one_answer, 2 * cap)
            self.assertGreater(bytes_in(self.folder), cap // 2)
            # The latest answer is kept: asking again is served from the cache, with fewer queries.
            with CaptureQueriesContext(connection) as fresh:
                self.get(self.box(asked), Accept_Encoding="gzip")
            with CaptureQueriesContext(connection) as cached:
                again = self.get(self.box(asked), Accept_Encoding="gzip")
            self.assertEqual(again.status_code, 200)
            self.assertLess(len(cached), len(fresh))

    def test_the_oldest_entries_go_first(self):
        with self.settings(CACHES=cache_settings(self.folder, 10_000, 10_000)):
            # Random bytes: the cache's zlib cannot shrink them below 1,000 bytes.
            values = [random.Random(number).randbytes(1000) for number in range(30)]
            for number, value in enumerate(values):
                cache.set(f"entry-{number}", value)
            self.assertIsNone(cache.get("entry-0"))
            self.assertEqual(cache.get("entry-29"), values[29])
            self.assertLessEqual(bytes_in(self.folder), 10_000)

    def test_an_entry_larger_than_the_per_entry_cap_is_not_stored_but_still_answered(self):
        with self.settings(CACHES=cache_settings(self.folder, 1_000_000, 300)):
            first = self.get("/api/v1/hazard-areas/")
            second = self.get("/api/v1/hazard-areas/")
            self.assertEqual(first.status_code, 200)
            self.assertEqual(second.content, first.content)
            self.assertTrue(all(path.stat().st_size <= 300 for path in files_in(self.folder)))
            cache.set("small", "kept")
            self.assertEqual(cache.get("small"), "kept")


class CacheSettingsTests(SimpleTestCase):
    def test_cache_dir_selects_the_bounded_cache_with_the_limits_from_the_environment(self):
        folder = tempfile.mkdtemp(prefix="mineatlas-test-cache-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        environment = dict(
            os.environ,
            DEBUG="1",
            DJANGO_SETTINGS_MODULE="config.settings",
            CACHE_DIR=folder,
            CACHE_MAX_BYTES="5000000",
            CACHE_MAX_ENTRY_BYTES="70000",
        )
        program = (
            "import django; django.setup(); from django.core.cache import caches;"
            "cache = caches['default'];"
            "print(type(cache).__name__, cache._max_bytes, cache._max_entry_bytes)"
        )
        result = subprocess.run(
            [sys.executable, "-c", program],
            cwd=Path(__file__).resolve().parents[2],
            env=environment,
            capture_output=True,
            text=True,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["BoundedFileBasedCache", "5000000", "70000"])
