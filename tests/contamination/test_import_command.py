"""`manage.py import_records`: report, summary, exit status, progress, options, history."""

import io
import json
import shutil
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from contamination.models import HazardArea, Incident
from tests import factories
from tests.factories import bow_tie_geojson, feature, feature_collection, square_geojson


class ImportRecordsCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.make_unit(factories.make_country(), code="AZ-AGM")
        cls.operator = factories.make_organisation(name="Mine Action Agency", acronym="MAA")

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="import-command-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def write(self, name, content):
        path = self.folder / name
        path.write_text(json.dumps(content) if isinstance(content, dict) else content)
        return str(path)

    def call(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_records", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def areas(self, *features):
        return self.write("areas.geojson", feature_collection(*features))

    def test_it_prints_the_report_and_a_one_line_summary(self):
        path = self.areas(
            feature(square_geojson(46.5, 40, 0.01), reference="C-1", name="A", category="sha")
        )
        out, _err = self.call("hazard-areas", path)
        self.assertIn("areas.geojson: GeoJSON, 1 row(s) read.", out)
        self.assertIn("created: C-1", out)
        self.assertRegex(
            out.strip().splitlines()[-1],
            r"^Imported 1 hazard areas as drafts: 1 created, 0 updated, 0 unchanged in",
        )
        out, _err = self.call("hazard-areas", path)
        self.assertIn("0 created, 0 updated, 1 unchanged", out)

    def test_bad_rows_exit_non_zero_with_every_problem_listed(self):
        path = self.areas(
            feature(bow_tie_geojson(46.5, 40, 0.01), reference="C-2", name="A", category="sha"),
            feature(square_geojson(46.6, 40, 0.01), reference="C-3", name="B", category="x"),
        )
        out = io.StringIO()
        with self.assertRaisesMessage(CommandError, "Nothing imported: 2 problem(s) in 2 of 2"):
            call_command("import_records", "hazard-areas", path, stdout=out)
        self.assertIn(
            "Problem: Row 1 (C-2): the polygon is not valid: Self-intersection", out.getvalue()
        )
        self.assertIn("Problem: Row 2 (C-3): category", out.getvalue())
        self.assertFalse(HazardArea.objects.exists())

    def test_repair_and_publish_options(self):
        path = self.areas(
            feature(bow_tie_geojson(46.5, 40, 0.01), reference="C-4", name="A", category="sha")
        )
        out, _err = self.call("hazard-areas", path, "--repair", "--publish")
        self.assertIn("Repaired: Row 1 (C-4): made valid (was: Self-intersection", out)
        self.assertIn("as published", out)
        self.assertEqual(HazardArea.objects.get().publication_status, "published")

    def test_dry_run_writes_nothing(self):
        path = self.areas(
            feature(square_geojson(46.5, 40, 0.01), reference="C-5", name="A", category="sha")
        )
        out, _err = self.call("hazard-areas", path, "--dry-run")
        self.assertIn("would be created: C-5", out)
        self.assertIn("Dry run, nothing written", out)
        self.assertFalse(HazardArea.objects.exists())

    def test_organisation_option_fills_rows_without_one(self):
        path = self.areas(
            feature(square_geojson(46.5, 40, 0.01), reference="C-6", name="A", category="sha")
        )
        self.call("hazard-areas", path, "--organisation", "maa")
        self.assertEqual(HazardArea.objects.get().surveyed_by, self.operator)
        with self.assertRaisesMessage(CommandError, "No organisation is named"):
            self.call("hazard-areas", path, "--organisation", "Nobody")

    def test_a_rejected_file_exits_non_zero_with_the_reason(self):
        path = self.write("areas.geojson", "<html><body>Login</body></html>")
        with self.assertRaisesMessage(CommandError, "looks like an HTML page"):
            self.call("hazard-areas", path)
        with self.assertRaisesMessage(CommandError, "There is no file at"):
            self.call("hazard-areas", str(self.folder / "missing.geojson"))

    def test_it_shows_progress_on_large_files(self):
        rows = ["reference,occurred_on,lon,lat,killed_civilian"]
        rows += [f"IN-{n},2022-01-01,46.{n % 1000:03d},40.2,1" for n in range(2500)]
        path = self.write("incidents.csv", "\n".join(rows) + "\n")
        out, err = self.call("incidents", path)
        self.assertIn("… 1000 rows read and checked", err)
        self.assertIn("… 2000 rows read and checked", err)
        self.assertIn("of 2500 rows written", err)
        self.assertIn("2500 created", out)
        self.assertEqual(Incident.objects.count(), 2500)

    def test_imported_rows_are_in_history_with_the_file_name(self):
        path = self.areas(
            feature(square_geojson(46.5, 40, 0.01), reference="C-7", name="A", category="sha")
        )
        self.call("hazard-areas", path)
        event = HazardArea.objects.get().events.get()
        self.assertEqual(event.pgh_label, "insert")
        self.assertEqual(event.pgh_context.metadata["import_file"], "areas.geojson")
