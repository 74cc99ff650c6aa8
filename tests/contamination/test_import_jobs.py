"""Imports as jobs in a child process, the way the site runs them (IMPORT_JOB_RUNNER=subprocess).

These tests commit (TransactionTestCase): the child is another process and sees only what is
committed. They stop children with signals, as an operator or a limit would.
"""

import json
import os
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import psycopg2
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from contamination.models import HazardArea, ImportJob
from tests import factories
from tests.contamination.test_import_sandbox import Listener, crs_link_collection
from tests.factories import feature, feature_collection, square_geojson

IMPORT_URL = reverse("admin:contamination_hazardarea_import")


class ImportJobTests(TransactionTestCase):
    def setUp(self):
        # Over conftest's in-process runner: the way the site runs jobs.
        self.enterContext(self.settings(IMPORT_JOB_RUNNER="subprocess"))
        folder = Path(tempfile.mkdtemp(prefix="upload-test-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        patcher = mock.patch("contamination.admin.UPLOAD_DIRECTORY", folder)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.upload_folder = folder
        self.editor = factories.make_editor()
        self.client = Client()
        self.client.force_login(self.editor)

    def jobs(self):
        return ImportJob.objects.filter(created_by=self.editor)

    def upload(self, content, name="areas.geojson"):
        if isinstance(content, dict):
            content = json.dumps(content).encode()
        data = {"kind": "hazard-areas", "file": SimpleUploadedFile(name, content)}
        return self.client.post(IMPORT_URL, data)

    def wait(self, job, until=lambda job: job.is_finished, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if until(job):
                return job
            time.sleep(0.1)
        self.fail(f"The job did not get there in {seconds} s: {job.status}, {job.stage}")

    def areas(self, count):
        return feature_collection(*(
            feature(square_geojson(46.5 + n / 1000, 40, 0.0004), reference=f"J-{n}",
                    name="A", category="sha")
            for n in range(count)
        ))  # fmt: skip

    def test_a_check_runs_in_a_child_process_and_its_page_follows_it(self):
        response = self.upload(self.areas(3))
        self.assertEqual(response.status_code, 302)
        job = self.jobs().get()
        self.assertEqual(response["Location"], f"{IMPORT_URL}jobs/{job.pk}/")
        self.assertIsNotNone(job.pid)
        self.assertNotEqual(job.pid, os.getpid())
        page = self.client.get(response["Location"])
        status_url = f"{IMPORT_URL}jobs/{job.pk}/status.json"
        if not job.is_finished:
            # The page polls from a static script (no inline script under the CSP).
            self.assertContains(page, "admin-extra/import-job.js")
            self.assertContains(page, f'data-status-url="{status_url}"')
        self.wait(job)
        status = self.client.get(status_url).json()
        self.assertEqual((status["status"], status["finished"], status["percent"]),
                         ("done", True, 100))  # fmt: skip
        page = self.client.get(response["Location"])
        self.assertContains(page, "would be 3 created")
        self.assertContains(page, "Import now (3 rows)")
        self.assertFalse(HazardArea.objects.exists())

    def test_another_editors_job_is_not_found(self):
        self.upload(self.areas(1))
        job = self.wait(self.jobs().get())
        other = Client()
        other.force_login(factories.make_editor())
        self.assertEqual(other.get(f"{IMPORT_URL}jobs/{job.pk}/").status_code, 404)
        self.assertEqual(other.get(f"{IMPORT_URL}jobs/{job.pk}/status.json").status_code, 404)

    def test_the_admin_dry_run_of_a_crs_link_fetches_nothing(self):
        listener = Listener()
        self.addCleanup(listener.stop)
        self.upload(crs_link_collection(listener.url))
        job = self.wait(self.jobs().get())
        listener.stop()
        self.assertEqual(listener.hits, [])
        page = self.client.get(f"{IMPORT_URL}jobs/{job.pk}/")
        self.assertContains(page, "crs member is not an EPSG name")
        self.assertEqual(list(self.upload_folder.iterdir()), [])

    def test_a_killed_import_writes_nothing_and_says_why(self):
        response = self.upload(self.areas(40))
        check = self.wait(self.jobs().get())
        token = self.client.get(response["Location"]).context["token"]
        self.assertTrue(token)
        # Hold the table so that the import blocks inside its transaction, then kill it.
        with self.table_locked():
            confirm = self.client.post(IMPORT_URL, {"token": token, "confirm": "1"})
            job = self.jobs().exclude(pk=check.pk).get()
            self.assertEqual(confirm["Location"], f"{IMPORT_URL}jobs/{job.pk}/")
            self.wait_for_a_blocked_insert()
            os.killpg(job.pid, signal.SIGKILL)
            job = self.wait(job)
        self.assertEqual(job.status, "failed")
        self.assertIn("it was killed", job.error)
        self.assertIn("Nothing was written", job.error)
        self.assertFalse(HazardArea.objects.exists())
        page = self.client.get(f"{IMPORT_URL}jobs/{job.pk}/")
        self.assertContains(page, "it was killed")

    @contextmanager
    def table_locked(self):
        """Hold an EXCLUSIVE lock on the hazard areas from a connection of its own."""
        locker = psycopg2.connect(**connection.get_connection_params())
        try:
            with locker.cursor() as cursor:
                cursor.execute("LOCK TABLE contamination_hazardarea IN EXCLUSIVE MODE")
            yield
        finally:
            locker.rollback()
            locker.close()

    def wait_for_a_blocked_insert(self):
        deadline = time.monotonic() + 30
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' "
                    "AND query ILIKE '%%INSERT INTO \"contamination_hazardarea\"%%'"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.1)
        self.fail("The import never reached its INSERT.")
