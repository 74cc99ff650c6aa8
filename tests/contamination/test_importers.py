"""The import engine: each file format, idempotency, atomicity and every kind of bad input.

Files are built in each test (json, csv, zipfile, and ogr2ogr for GeoPackage, Shapefile and
KML). Geometry sits near Ağdam inside the test country (46..48 E, 39..41 N).
"""

import datetime
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone

from contamination.importers import ImportRejected, StoredUpload, import_file
from contamination.models import Casualty, HazardArea, Incident, LandRelease
from tests import factories
from tests.factories import bow_tie_geojson, feature, feature_collection, square_geojson

HAZARD = {"name": "Field by the river", "category": "cha"}


class ImportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        cls.unit = factories.make_unit(cls.country, code="AZ-AGM", name_en="Ağdam")
        cls.operator = factories.make_organisation(name="Halo Trust", acronym="HALO")

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="import-test-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def write(self, name, content):
        path = self.folder / name
        if isinstance(content, dict):
            content = json.dumps(content)
        if isinstance(content, str):
            content = content.encode()
        path.write_bytes(content)
        return path

    def ogr2ogr(self, name, source, *options):
        """Convert a GeoJSON dict to another format with GDAL's ogr2ogr; return the path."""
        source_path = self.write(f"source-{Path(name).name}.geojson", source)
        path = self.folder / name
        subprocess.run(
            ["ogr2ogr", *options, str(path), str(source_path)], check=True, capture_output=True
        )
        return path

    def run_import(self, kind, path, **options):
        upload = StoredUpload.from_path(path)
        self.addCleanup(upload.cleanup)
        return import_file(kind, upload, **options)

    def assertProblem(self, report, row, *fragments):
        """The report has a problem on `row` (None: the file) mentioning every fragment."""
        messages = [p.message for p in report.problems if p.row == row]
        for fragment in fragments:
            self.assertTrue(
                any(fragment in message for message in messages),
                f"No problem on row {row} mentions {fragment!r}: {report.lines()}",
            )

    def hazard_file(self, *features, name="areas.geojson", crs=None):
        return self.write(name, feature_collection(*features, crs=crs))


class FormatTests(ImportTestCase):
    def test_it_imports_hazard_areas_from_geojson_as_drafts(self):
        path = self.hazard_file(
            feature(
                square_geojson(46.5, 40.0, 0.01),
                reference="AGM-1",
                name="Field by the river",
                category="CHA",
                hazard_types=["ap_mine", "uxo"],
                identified_on="2021-03-01",
                surveyed_by="HALO",
                blocked_land_use="agriculture; grazing",
            )
        )
        report = self.run_import("hazard-areas", path)
        self.assertTrue(report.ok, report.lines())
        self.assertEqual(report.created, ["AGM-1"])
        area = HazardArea.objects.get(reference="AGM-1")
        self.assertEqual(area.publication_status, "draft")
        self.assertEqual(area.category, "cha")
        self.assertEqual(area.hazard_types, ["ap_mine", "uxo"])
        self.assertEqual(area.blocked_land_use, ["agriculture", "grazing"])
        self.assertEqual(area.identified_on, datetime.date(2021, 3, 1))
        self.assertEqual(area.surveyed_by, self.operator)
        # Computed by the database's triggers, as for records entered in the admin.
        self.assertEqual(area.admin_area, self.unit)
        self.assertAlmostEqual(area.area_m2, 949_300, delta=2_000)

    def test_it_imports_a_geopackage_in_utm_and_reprojects_it(self):
        source = feature_collection(feature(square_geojson(46.5, 40.0, 0.01), reference="G-1",
                                            **HAZARD))  # fmt: skip
        path = self.ogr2ogr("areas.gpkg", source, "-f", "GPKG", "-t_srs", "EPSG:32638")
        report = self.run_import("hazard-areas", path)
        self.assertTrue(report.ok, report.lines())
        area = HazardArea.objects.get(reference="G-1")
        self.assertAlmostEqual(area.geometry.extent[0], 46.5, places=6)
        self.assertAlmostEqual(area.geometry.extent[1], 40.0, places=6)

    def test_it_imports_a_zipped_shapefile_with_short_column_names_and_its_prj(self):
        source = feature_collection(
            feature(
                square_geojson(46.6, 40.0, 0.01),
                reference="LR-1",
                method="cleared",
                started_on="2022-01-01",
                completed_on="2022-06-01",
                organisation="Halo Trust",
                ap_mines_found=3,
                other_items_found=1,
            )
        )
        shapefile_dir = self.folder / "shp"
        shapefile_dir.mkdir()
        self.ogr2ogr("shp/releases.shp", source, "-f", "ESRI Shapefile", "-t_srs", "EPSG:32638")
        zip_path = self.folder / "releases.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in shapefile_dir.iterdir():
                archive.write(part, f"releases/{part.name}")
        report = self.run_import("land-releases", zip_path)
        self.assertTrue(report.ok, report.lines())
        release = LandRelease.objects.get(reference="LR-1")
        # "completed_on" and "ap_mines_found" came back as "completed_" and "ap_mines_f".
        self.assertEqual(release.completed_on, datetime.date(2022, 6, 1))
        self.assertEqual(release.ap_mines_found, 3)
        self.assertEqual(release.organisation, self.operator)
        self.assertAlmostEqual(release.geometry.extent[0], 46.6, places=6)

    def test_it_imports_kml_with_its_extended_data(self):
        source = feature_collection(
            feature(square_geojson(46.5, 40.0, 0.01), reference="K-1", name="Hill", category="sha")
        )
        path = self.ogr2ogr("areas.kml", source, "-f", "LIBKML")
        report = self.run_import("hazard-areas", path)
        self.assertTrue(report.ok, report.lines())
        area = HazardArea.objects.get(reference="K-1")
        self.assertEqual((area.name, area.category), ("Hill", "sha"))

    def test_it_imports_incidents_from_csv_with_lon_lat_and_casualty_counts(self):
        path = self.write(
            "incidents.csv",
            "reference,occurred_on,lon,lat,device_type,activity,killed_civilian,"
            "injured_deminer\n"
            "IN-1,2022-05-14,46.7,40.2,ap_mine,agriculture,1,2\n"
            "IN-2,2021-07,46.71,40.21,,,0,0\n",
        )
        report = self.run_import("incidents", path)
        self.assertTrue(report.ok, report.lines())
        first = Incident.objects.get(reference="IN-1")
        self.assertEqual((first.location.x, first.location.y), (46.7, 40.2))
        self.assertEqual(first.admin_area, self.unit)
        outcomes = sorted(first.casualties.values_list("outcome", "group"))
        self.assertEqual(
            outcomes, [("injured", "deminer"), ("injured", "deminer"), ("killed", "civilian")]
        )
        second = Incident.objects.get(reference="IN-2")
        # A month-only date keeps its precision.
        self.assertEqual(second.occurred_on, datetime.date(2021, 7, 1))
        self.assertEqual(second.occurred_on_precision, "month")
        self.assertEqual(second.device_type, "unknown")

    def test_it_reads_a_spreadsheets_csv_with_a_byte_order_mark_and_semicolons(self):
        path = self.write(
            "incidents.csv",
            "\ufeffreference;occurred_on;lon;lat;killed_civilian\nIN-7;2022-01-01;46.7;40.2;1\n",
        )
        report = self.run_import("incidents", path)
        self.assertEqual(report.created, ["IN-7"], report.lines())

    def test_it_reads_casualties_with_sex_and_age_from_the_casualties_column(self):
        path = self.write(
            "incidents.csv",
            "reference,occurred_on,lon,lat,casualties\n"
            'IN-3,2022-05-14,46.7,40.2,"2 killed civilian male child; 1 injured deminer"\n',
        )
        report = self.run_import("incidents", path)
        self.assertTrue(report.ok, report.lines())
        casualties = Casualty.objects.filter(incident__reference="IN-3")
        self.assertEqual(
            sorted(casualties.values_list("outcome", "group", "sex", "age_band")),
            [
                ("injured", "deminer", "unknown", "unknown"),
                ("killed", "civilian", "male", "child"),
                ("killed", "civilian", "male", "child"),
            ],
        )

    def test_it_imports_land_releases_from_csv_with_a_wkt_column(self):
        hazard = factories.make_hazard_area(reference="HA-9")
        path = self.write(
            "releases.csv",
            "reference,method,hazard_area,wkt\n"
            'LR-2,reduced,HA-9,"POLYGON((46.6 40,46.61 40,46.61 40.01,46.6 40.01,46.6 40))"\n',
        )
        report = self.run_import("land-releases", path)
        self.assertTrue(report.ok, report.lines())
        release = LandRelease.objects.get(reference="LR-2")
        self.assertEqual(release.hazard_area, hazard)
        self.assertEqual(release.geometry.geom_type, "MultiPolygon")


class RepeatAndAtomicityTests(ImportTestCase):
    def two_areas(self, second_category="sha"):
        return self.hazard_file(
            feature(square_geojson(46.5, 40.0, 0.01), reference="R-1", **HAZARD),
            feature(
                square_geojson(46.6, 40.0, 0.01),
                reference="R-2",
                name="Orchard",
                category=second_category,
            ),
        )

    def test_a_second_import_of_the_same_file_changes_nothing(self):
        path = self.two_areas()
        self.assertEqual(len(self.run_import("hazard-areas", path).created), 2)
        before = HazardArea.objects.get(reference="R-1").updated_at
        report = self.run_import("hazard-areas", path)
        self.assertTrue(report.ok)
        self.assertEqual((report.created, report.updated), ([], []))
        self.assertEqual(sorted(report.unchanged), ["R-1", "R-2"])
        self.assertEqual(HazardArea.objects.get(reference="R-1").updated_at, before)

    def test_a_changed_row_is_updated_and_the_report_names_the_fields(self):
        self.run_import("hazard-areas", self.two_areas())
        report = self.run_import("hazard-areas", self.two_areas(second_category="cha"))
        self.assertEqual(report.updated, [("R-2", ["category"])])
        self.assertEqual(report.unchanged, ["R-1"])
        self.assertEqual(HazardArea.objects.get(reference="R-2").category, "cha")

    def test_an_update_can_change_geometry_lists_dates_and_organisation_together(self):
        self.run_import("hazard-areas", self.two_areas())
        path = self.hazard_file(
            feature(
                square_geojson(46.7, 40.1, 0.02),
                reference="R-1",
                hazard_types="uxo; ied",
                identified_on="2020-02-02",
                surveyed_by="HALO",
                **HAZARD,
            ),
            feature(
                square_geojson(46.6, 40.0, 0.01), reference="R-2", name="Orchard", category="sha"
            ),  # fmt: skip
        )
        report = self.run_import("hazard-areas", path)
        self.assertEqual(
            report.updated,
            [("R-1", ["hazard_types", "identified_on", "surveyed_by", "geometry"])],
        )
        area = HazardArea.objects.get(reference="R-1")
        self.assertEqual(area.hazard_types, ["uxo", "ied"])
        self.assertEqual(area.identified_on, datetime.date(2020, 2, 2))
        self.assertEqual(area.surveyed_by, self.operator)
        self.assertAlmostEqual(area.geometry.extent[0], 46.7)
        # The database recomputed the area for the new shape (0.02° square: ~3.8 km²).
        self.assertAlmostEqual(area.area_m2 / 1e6, 3.8, delta=0.1)

    def test_changed_casualties_replace_the_old_ones(self):
        header = "reference,occurred_on,lon,lat,killed_civilian,injured_civilian\n"
        self.run_import(
            "incidents", self.write("a.csv", header + "IN-8,2022-05-14,46.7,40.2,2,0\n")
        )
        report = self.run_import(
            "incidents", self.write("b.csv", header + "IN-8,2022-05-14,46.7,40.2,1,1\n")
        )
        self.assertEqual(report.updated, [("IN-8", ["casualties"])])
        self.assertEqual(
            sorted(Casualty.objects.filter(incident__reference="IN-8").values_list("outcome")),
            [("injured",), ("killed",)],
        )

    def test_sources_are_cited_by_url_and_never_removed_by_an_import(self):
        first = factories.make_source(url="https://example.org/a")
        second = factories.make_source(url="https://example.org/b")
        polygon = square_geojson(46.5, 40, 0.01)
        path = self.hazard_file(feature(polygon, reference="S-1", sources=first.url, **HAZARD))
        self.run_import("hazard-areas", path)
        area = HazardArea.objects.get(reference="S-1")
        self.assertEqual(list(area.sources.all()), [first])
        self.assertEqual(self.run_import("hazard-areas", path).unchanged, ["S-1"])
        path = self.hazard_file(
            feature(polygon, reference="S-1", sources=f"{second.url}", **HAZARD)
        )
        self.assertEqual(self.run_import("hazard-areas", path).updated, [("S-1", ["sources"])])
        self.assertEqual(set(area.sources.all()), {first, second})
        path = self.hazard_file(
            feature(polygon, reference="S-1", sources="https://example.org/unknown", **HAZARD)
        )
        self.assertProblem(self.run_import("hazard-areas", path), 1, "no source with the URL")

    def test_a_second_import_of_incidents_with_casualties_changes_nothing(self):
        content = "reference,occurred_on,lon,lat,killed_civilian\nIN-9,2022-05-14,46.7,40.2,2\n"
        path = self.write("incidents.csv", content)
        self.run_import("incidents", path)
        report = self.run_import("incidents", path)
        self.assertEqual(report.unchanged, ["IN-9"])
        self.assertEqual(Casualty.objects.filter(incident__reference="IN-9").count(), 2)

    def test_one_bad_row_means_nothing_is_written_and_every_bad_row_is_named(self):
        path = self.hazard_file(
            feature(square_geojson(46.5, 40.0, 0.01), reference="A-1", **HAZARD),
            feature(square_geojson(46.6, 40.0, 0.01), reference="A-2", name="x", category="?"),
            feature(square_geojson(46.7, 40.0, 0.01), reference="A-3", **HAZARD),
            feature(bow_tie_geojson(46.8, 40.0, 0.01), reference="A-4", **HAZARD),
        )
        report = self.run_import("hazard-areas", path)
        self.assertFalse(report.ok)
        self.assertEqual(report.bad_rows, [2, 4])
        self.assertFalse(HazardArea.objects.exists())
        self.assertIn("Nothing imported", report.summary())

    def test_a_reference_used_twice_in_a_file_is_a_problem(self):
        path = self.hazard_file(
            feature(square_geojson(46.5, 40.0, 0.01), reference="D-1", **HAZARD),
            feature(square_geojson(46.6, 40.0, 0.01), reference="D-1", **HAZARD),
        )
        report = self.run_import("hazard-areas", path)
        self.assertProblem(report, 2, "used again (first in row 1)")

    def test_a_dry_run_reports_what_would_happen_and_writes_nothing(self):
        report = self.run_import("hazard-areas", self.two_areas(), dry_run=True)
        self.assertTrue(report.ok)
        self.assertEqual(sorted(report.created), ["R-1", "R-2"])
        self.assertIn("Dry run, nothing written", report.summary())
        self.assertFalse(HazardArea.objects.exists())


class PublicationTests(ImportTestCase):
    def test_publish_makes_imported_records_published(self):
        path = self.hazard_file(feature(square_geojson(46.5, 40, 0.01), reference="P-1", **HAZARD))
        self.run_import("hazard-areas", path, publish=True)
        area = HazardArea.objects.get(reference="P-1")
        self.assertEqual(area.publication_status, "published")
        self.assertIsNotNone(area.published_at)

    def test_changes_to_a_published_record_need_publish(self):
        factories.make_hazard_area(reference="P-2", name="Old name")
        path = self.hazard_file(feature(square_geojson(46.5, 40, 0.01), reference="P-2", **HAZARD))
        report = self.run_import("hazard-areas", path)
        self.assertProblem(report, 1, "P-2 is published", "name", "--publish")
        self.assertEqual(HazardArea.objects.get(reference="P-2").name, "Old name")
        report = self.run_import("hazard-areas", path, publish=True)
        self.assertEqual(report.updated, [("P-2", ["name"])])
        self.assertEqual(HazardArea.objects.get(reference="P-2").publication_status, "published")

    def test_an_import_never_changes_a_retracted_record(self):
        factories.make_hazard_area(
            reference="P-3", publication_status="retracted", retraction_note="Duplicate."
        )
        path = self.hazard_file(feature(square_geojson(46.5, 40, 0.02), reference="P-3", **HAZARD))
        report = self.run_import("hazard-areas", path, publish=True)
        self.assertProblem(report, 1, "P-3 is retracted")


class GeometryProblemTests(ImportTestCase):
    def test_a_self_intersecting_polygon_is_rejected_with_the_reason(self):
        path = self.hazard_file(feature(bow_tie_geojson(46.5, 40.0, 0.01), reference="B-1",
                                        **HAZARD))  # fmt: skip
        report = self.run_import("hazard-areas", path)
        self.assertProblem(report, 1, "not valid: Self-intersection[46.505 40.005]", "--repair")

    def test_repair_makes_the_polygon_valid_and_says_so_per_row(self):
        path = self.hazard_file(
            feature(square_geojson(46.6, 40.0, 0.01), reference="B-2", **HAZARD),
            feature(bow_tie_geojson(46.5, 40.0, 0.01), reference="B-3", **HAZARD),
        )
        report = self.run_import("hazard-areas", path, repair=True)
        self.assertTrue(report.ok, report.lines())
        self.assertEqual([(note.row, note.reference) for note in report.repairs], [(2, "B-3")])
        self.assertIn("Self-intersection", report.repairs[0].message)
        repaired = HazardArea.objects.get(reference="B-3")
        self.assertTrue(repaired.geometry.valid)
        # The bow tie becomes its two triangles.
        self.assertEqual(len(repaired.geometry), 2)

    def test_coordinates_outside_the_world_are_rejected(self):
        cases = {
            "swapped": (square_geojson(40.0, 146.5, 0.01), "are longitude and latitude swapped"),
            "beyond 180": (square_geojson(181.0, 40.0, 0.01), "outside longitude -180..180"),
        }
        for label, (geometry, message) in cases.items():
            with self.subTest(label):
                path = self.hazard_file(feature(geometry, reference="W-1", **HAZARD))
                self.assertProblem(self.run_import("hazard-areas", path), 1, message)

    def test_projected_coordinates_without_a_declared_crs_are_rejected(self):
        path = self.write(
            "incidents.csv", "reference,occurred_on,lon,lat\nIN-5,2022-01-01,500000,4400000\n"
        )
        report = self.run_import("incidents", path)
        self.assertProblem(report, 1, "projected coordinates", "declares no coordinate system")

    def test_a_geojson_that_declares_another_crs_is_reprojected(self):
        # UTM 38N (500000, 4400000) is about 45.0 E, 39.75 N.
        point = {"type": "Point", "coordinates": [500000, 4400000]}
        path = self.write(
            "incidents.geojson",
            feature_collection(
                feature(point, reference="IN-6", occurred_on="2022-01-01"),
                crs="urn:ogc:def:crs:EPSG::32638",
            ),
        )
        report = self.run_import("incidents", path)
        self.assertTrue(report.ok, report.lines())
        location = Incident.objects.get(reference="IN-6").location
        self.assertAlmostEqual(location.x, 45.0, places=5)
        self.assertAlmostEqual(location.y, 39.7499, places=3)

    def test_an_empty_geometry_is_rejected(self):
        path = self.write("areas.csv", "reference,name,category,wkt\nE-1,Empty,sha,POLYGON EMPTY\n")
        self.assertProblem(self.run_import("hazard-areas", path), 1, "the geometry is empty")

    def test_a_row_without_geometry_is_rejected(self):
        path = self.hazard_file(feature(None, reference="E-2", **HAZARD))
        self.assertProblem(self.run_import("hazard-areas", path), 1, "no geometry")

    def test_a_point_for_a_hazard_area_and_a_polygon_for_an_incident_are_rejected(self):
        point = {"type": "Point", "coordinates": [46.5, 40.0]}
        path = self.hazard_file(feature(point, reference="T-1", **HAZARD))
        self.assertProblem(
            self.run_import("hazard-areas", path), 1, "is a Point; hazard areas need a Polygon"
        )
        path = self.write(
            "incidents.geojson",
            feature_collection(
                feature(square_geojson(46.5, 40, 0.01), reference="T-2", occurred_on="2022-01-01")
            ),
        )
        self.assertProblem(
            self.run_import("incidents", path), 1, "is a Polygon; incidents need a Point"
        )

    def test_a_row_outside_every_boundary_gets_a_warning(self):
        path = self.hazard_file(feature(square_geojson(10, 10, 0.01), reference="O-1", **HAZARD))
        report = self.run_import("hazard-areas", path)
        self.assertTrue(report.ok)
        self.assertIn("outside every loaded boundary", report.warnings[0])


class ValueProblemTests(ImportTestCase):
    def test_unknown_choice_values_are_rejected_with_the_allowed_values(self):
        path = self.hazard_file(
            feature(
                square_geojson(46.5, 40.0, 0.01),
                reference="C-1",
                name="x",
                category="maybe",
                hazard_types="ap_mine; rocks",
            )
        )
        report = self.run_import("hazard-areas", path)
        self.assertProblem(
            report, 1, "category: “maybe” is not one of the allowed values: sha, cha"
        )
        self.assertProblem(report, 1, "hazard_types: “rocks”", "booby_trap")

    def test_future_dates_and_completion_before_start_are_rejected(self):
        next_year = timezone.localdate().year + 1
        path = self.write(
            "releases.csv",
            "reference,method,started_on,completed_on,wkt\n"
            f'F-1,cleared,2022-05-01,{next_year}-01-01,"POLYGON((46.6 40,46.61 40,46.61 40.01,'
            '46.6 40.01,46.6 40))"\n'
            'F-2,cleared,2022-05-01,2022-04-01,"POLYGON((46.6 40,46.61 40,46.61 40.01,'
            '46.6 40.01,46.6 40))"\n',
        )
        report = self.run_import("land-releases", path)
        self.assertProblem(report, 1, f"{next_year}-01-01 is in the future")
        self.assertProblem(report, 2, "completed_on 2022-04-01 is before started_on 2022-05-01")

    def test_negative_and_non_numeric_counts_are_rejected(self):
        path = self.write(
            "incidents.csv",
            "reference,occurred_on,lon,lat,killed_civilian,injured_unknown\n"
            "N-1,2022-01-01,46.7,40.2,-1,two\n",
        )
        report = self.run_import("incidents", path)
        self.assertProblem(report, 1, "killed_civilian: must be 0 or more, not -1")
        self.assertProblem(report, 1, "injured_unknown: “two” is not a whole number")

    def test_unknown_organisations_and_dates_that_are_not_dates_are_rejected(self):
        path = self.hazard_file(
            feature(
                square_geojson(46.5, 40.0, 0.01),
                reference="U-1",
                surveyed_by="Nobody Inc",
                identified_on="03/01/2021",
                **HAZARD,
            )
        )
        report = self.run_import("hazard-areas", path)
        self.assertProblem(report, 1, "no organisation is named or abbreviated “Nobody Inc”")
        self.assertProblem(report, 1, "write it as YYYY-MM-DD")

    def test_a_missing_required_column_is_named_with_the_expected_columns(self):
        path = self.write("areas.csv", "reference,name,wkt\nM-1,x,POINT(1 1)\n")
        report = self.run_import("hazard-areas", path)
        self.assertProblem(report, None, "Required column(s) missing: category")


class FileProblemTests(ImportTestCase):
    """Files that are not what their name says never reach GDAL."""

    def assertRejectedBeforeGdal(self, kind, path, fragment):
        with mock.patch("contamination.importers.files.open_datasource") as open_datasource:
            report = self.run_import(kind, path)
        open_datasource.assert_not_called()
        self.assertProblem(report, None, fragment)

    def test_a_vrt_renamed_kml_is_rejected(self):
        vrt = (
            '<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd'
            "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
        )
        path = self.write("areas.kml", vrt)
        self.assertRejectedBeforeGdal("hazard-areas", path, "first element is <OGRVRTDataSource>")

    def test_an_xml_file_renamed_kml_and_a_kml_with_a_doctype_are_rejected(self):
        path = self.write("areas.kml", '<?xml version="1.0"?>\n<gpx version="1.1"></gpx>')
        self.assertRejectedBeforeGdal("hazard-areas", path, "first element is <gpx>, not <kml>")
        doctype = '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        path = self.write("entity.kml", doctype + "<kml>&x;</kml>")
        self.assertRejectedBeforeGdal("hazard-areas", path, "DOCTYPE or entities")

    def test_a_kml_with_a_network_link_is_rejected(self):
        placemarks = "<Placemark><name>x</name></Placemark>" * 20_000  # link past the head
        kml = (
            '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"{placemarks}<NetworkLink><Link><href>http://127.0.0.1/x.kml</href></Link>"
            "</NetworkLink></Document></kml>"
        )
        path = self.write("areas.kml", kml)
        self.assertRejectedBeforeGdal("hazard-areas", path, "contains <NetworkLink>")

    def test_html_named_geojson_is_rejected(self):
        path = self.write("areas.geojson", "<!DOCTYPE html><html><body>Not found</body></html>")
        self.assertRejectedBeforeGdal("hazard-areas", path, "looks like an HTML page")

    def test_a_zip_that_is_not_a_shapefile_is_rejected(self):
        path = self.folder / "areas.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("notes.docx", b"hello")
        self.assertRejectedBeforeGdal("hazard-areas", path, "should hold one shapefile")
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("layer.dbf", b"hello")
        self.assertRejectedBeforeGdal("hazard-areas", path, "exactly one .shp file (found 0)")

    def test_a_sqlite_file_named_gpkg_and_a_zip_named_csv_are_rejected(self):
        path = self.write("areas.gpkg", b"SQLite format 3\x00" + b"\x00" * 100)
        self.assertRejectedBeforeGdal("hazard-areas", path, "looks like an SQLite database")
        path = self.write("areas.csv", b"PK\x03\x04" + b"\x00" * 100)
        self.assertRejectedBeforeGdal("hazard-areas", path, "named as CSV")

    def test_a_zip_with_a_path_outside_the_archive_is_rejected_without_unpacking(self):
        for member in ("../evil.shp", "/etc/evil.shp", "a/../../evil.shp"):
            with self.subTest(member):
                path = self.folder / "areas.zip"
                with zipfile.ZipFile(path, "w") as archive:
                    archive.writestr(member, b"x")
                with (
                    mock.patch("zipfile.ZipFile.extract") as extract,
                    mock.patch("zipfile.ZipFile.open") as open_member,
                ):
                    report = self.run_import("hazard-areas", path)
                extract.assert_not_called()
                open_member.assert_not_called()
                self.assertProblem(report, None, "points outside the archive")

    def test_a_zip_bomb_is_rejected_without_unpacking(self):
        path = self.folder / "areas.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("layer.shp", b"\x00" * (8 * 1024 * 1024))  # compresses ~1000x
            archive.writestr("layer.shx", b"x")
            archive.writestr("layer.dbf", b"x")
        with mock.patch("zipfile.ZipFile.open") as open_member:
            report = self.run_import("hazard-areas", path)
        open_member.assert_not_called()
        self.assertProblem(report, None, "looks like a ZIP bomb")

    @override_settings(IMPORT_MAX_UNZIPPED_BYTES=1000)
    def test_a_zip_that_unpacks_beyond_the_limit_is_rejected(self):
        path = self.folder / "areas.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("layer.shp", b"x" * 2000)
        self.assertRejectedBeforeGdal("hazard-areas", path, "would unpack to more than")

    def test_a_shp_that_is_not_a_shapefile_is_rejected(self):
        path = self.folder / "areas.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for suffix in (".shp", ".shx", ".dbf"):
                archive.writestr(f"layer{suffix}", b"<html>not a shapefile</html>")
        self.assertRejectedBeforeGdal("hazard-areas", path, "is not a shapefile")

    def test_a_file_without_rows_and_a_broken_file_are_rejected(self):
        path = self.write("areas.geojson", feature_collection())
        self.assertProblem(self.run_import("hazard-areas", path), None, "holds no rows")
        path = self.write("broken.geojson", '{"type": "FeatureCollection", "features": [{"ty')
        self.assertProblem(
            self.run_import("hazard-areas", path), None, "could not read the file as GeoJSON"
        )

    def test_an_empty_file_is_rejected(self):
        path = self.write("areas.geojson", b"")
        with self.assertRaisesMessage(ImportRejected, "The file is empty."):
            StoredUpload.from_path(path)

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_a_file_over_the_size_limit_is_rejected_before_it_is_read(self):
        path = self.write("areas.geojson", b"{" + b" " * 200 + b"}")
        with (
            mock.patch("builtins.open") as opened,
            self.assertRaisesMessage(ImportRejected, "the limit is 100\xa0bytes"),
        ):
            StoredUpload.from_path(path)
        opened.assert_not_called()

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_an_upload_longer_than_it_says_is_cut_off_at_the_limit(self):
        chunks = iter([b"{" + b" " * 60, b" " * 60 + b"}"])
        with self.assertRaisesMessage(ImportRejected, "the limit is 100\xa0bytes"):
            StoredUpload.from_chunks(chunks, "areas.geojson", size=10)

    def test_an_unknown_file_type_is_rejected(self):
        path = self.write("areas.xlsx", b"PK\x03\x04")
        with self.assertRaisesMessage(ImportRejected, "is not a file type the importer reads"):
            StoredUpload.from_path(path)
