"""make backup / make restore: a real pg_dump and pg_restore, verified table by table."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
from django.db import connection
from django.test import TransactionTestCase

from contamination.models import HazardArea
from tests.api.dataset import build

ROOT = Path(__file__).resolve().parents[2]


def backup_tool(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup.py"), *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


class BackupRestoreTests(TransactionTestCase):
    """Committed data (published, draft, retracted and deleted records, their history)."""

    def setUp(self):
        build()
        self.database = connection.settings_dict["NAME"]
        self.restored = f"{self.database}_restored_{os.getpid()}"
        self.directory = Path(tempfile.mkdtemp(prefix="mineatlas-backup-test-"))
        self.addCleanup(self.drop_restored_database)

    def drop_restored_database(self):
        params = {
            "dbname": "postgres",
            "user": connection.settings_dict["USER"] or None,
            "password": connection.settings_dict["PASSWORD"] or None,
            "host": connection.settings_dict["HOST"] or None,
            "port": connection.settings_dict["PORT"] or None,
        }
        admin = psycopg2.connect(**params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.restored}"')
        admin.close()
        for path in self.directory.iterdir():
            path.unlink()
        self.directory.rmdir()

    def make_backup(self):
        result = backup_tool("backup", "--dir", str(self.directory), "--database", self.database)
        self.assertEqual(result.returncode, 0, result.stderr)
        (dump,) = self.directory.glob("*.dump")
        return dump

    def test_a_restored_copy_has_equal_counts_and_hashes_on_every_table(self):
        dump = self.make_backup()
        manifest = json.loads(dump.with_suffix(".manifest.json").read_text())
        tables = manifest["tables"]
        # Every table of the app is in the manifest, with its rows and its geometries.
        self.assertEqual(
            tables["public.contamination_hazardarea"]["rows"], HazardArea.objects.count()
        )
        self.assertIn("geometry", tables["public.contamination_hazardarea"]["geometry_md5"])
        self.assertIn("location", tables["public.contamination_incident"]["geometry_md5"])
        self.assertGreater(tables["public.contamination_hazardareaevent"]["rows"], 5)
        self.assertNotIn("public.ratelimit_ratelimitwindow", tables)  # unlogged counters
        self.assertNotIn("public.spatial_ref_sys", tables)  # PostGIS's own, from template1
        self.assertGreaterEqual(len(tables), 40)

        result = backup_tool("restore", str(dump), "--into", self.restored)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("all equal", result.stdout)

        # An independent check of what the verifier claims: counts per table by hand.
        restored = psycopg2.connect(
            dbname=self.restored,
            user=connection.settings_dict["USER"] or None,
            host=connection.settings_dict["HOST"] or None,
            port=connection.settings_dict["PORT"] or None,
        )
        with restored, restored.cursor() as cursor:
            for name, table in tables.items():
                cursor.execute(f"SELECT count(*) FROM {name}")
                self.assertEqual(cursor.fetchone()[0], table["rows"], name)
            # Restored as an ordinary role: the tables belong to it.
            cursor.execute(
                "SELECT DISTINCT tableowner = current_user FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'"
            )
            self.assertEqual(cursor.fetchall(), [(True,)])
        restored.close()

    def test_verification_names_the_tables_that_differ(self):
        dump = self.make_backup()
        self.assertEqual(backup_tool("restore", str(dump), "--into", self.restored).returncode, 0)
        restored = psycopg2.connect(
            dbname=self.restored,
            user=connection.settings_dict["USER"] or None,
            host=connection.settings_dict["HOST"] or None,
            port=connection.settings_dict["PORT"] or None,
        )
        with restored, restored.cursor() as cursor:
            # A shift of 1e-6 degrees (about 10 cm): the geometry hash must still see it.
            cursor.execute(
                "ALTER TABLE contamination_hazardarea DISABLE TRIGGER USER;"
                "UPDATE contamination_hazardarea SET geometry = ST_Translate(geometry, 1e-6, 0)"
                " WHERE id = (SELECT min(id) FROM contamination_hazardarea);"
            )
        restored.close()
        result = backup_tool("verify", str(dump), "--database", self.restored)
        self.assertEqual(result.returncode, 1)
        self.assertIn("public.contamination_hazardarea.geometry: geometries differ", result.stderr)
        self.assertIn("public.contamination_hazardarea: same number of rows", result.stderr)
        self.assertNotIn("contamination_incident", result.stderr)

    def test_a_damaged_dump_is_refused_before_anything_is_restored(self):
        dump = self.make_backup()
        with open(dump, "r+b") as file:
            file.seek(100)
            file.write(b"\x00\x01\x02")
        result = backup_tool("restore", str(dump), "--into", self.restored)
        self.assertEqual(result.returncode, 1)
        self.assertIn("checksum differs", result.stderr)
