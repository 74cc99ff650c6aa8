"""Flat files that join: ids in every CSV, the tables they refer to, GDAL's CRS, datapackage.json.

Read as a researcher reads them: pandas `merge` on the ids, `ogrinfo` on the unzipped files,
the Frictionless validator on the whole package.
"""

import csv
import io
import json
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pandas
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from frictionless import Package

from contamination.models import HazardAreaSource, Source
from statements import bridge
from statements.models import Metric
from tests import factories
from tests.api.dataset import APITestCase

LAYERS = ("hazard_areas", "land_releases", "incidents", "areas")


def frame(archive, name):
    return pandas.read_csv(io.BytesIO(archive.read(name)), keep_default_na=False, na_values=[""])


@override_settings(API_DOWNLOAD_CACHE_DIR=tempfile.mkdtemp(prefix="mineatlas-test-flat-"))
class FlatFileTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A source and an organisation only drafts refer to: never in a download.
        cls.hidden_source = factories.make_source(
            title="Draft-only source", url="https://example.org/draft-only"
        )
        hidden_organisation = factories.make_organisation(name="Draft-only operator")
        draft = factories.make_hazard_area(
            reference="HA-DRAFT-2", publication_status="draft", surveyed_by=hidden_organisation
        )
        HazardAreaSource.objects.create(hazard_area=draft, source=cls.hidden_source)
        # Claims: one published (with a source and an organisation speaking), one in a draft.
        speaker_body = factories.make_organisation(name="Mine Action Board")
        cls.cited = factories.make_source(
            title="Press release", url="https://example.org/press-release"
        )
        metric = factories.make_metric(
            code="land_cleared", unit="km2", comparison=Metric.Comparison.LAND_CLEARED
        )
        statement = factories.make_statement(
            reference="board-2023",
            speaker_organisation=speaker_body,
            sources=[cls.cited],
            text="Since 2020, 5 km2 have been cleared.",
        )
        cls.claim = factories.make_claim(
            statement,
            excerpt="5 km2",
            metric=metric,
            value=5,
            unit="km2",
            since="2020-11-10",
            scope=cls.data["country"],
        )
        draft_source = factories.make_source(title="Draft statement source")
        draft_statement = factories.make_statement(
            reference="draft-statement", publication_status="draft", sources=[draft_source]
        )
        factories.make_claim(draft_statement)
        cls.draft_source = draft_source

    def archive(self, query=""):
        response = self.get(f"/api/v1/downloads/mine-atlas.csv.zip{query}")
        self.assertEqual(response.status_code, 200)
        return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    def test_the_csv_zip_holds_each_layer_with_gdal_files_the_tables_and_a_datapackage(self):
        names = set(self.archive().namelist())
        for layer in LAYERS:
            for suffix in ("csv", "csvt", "vrt", "prj"):
                self.assertIn(f"{layer}.{suffix}", names)
        for table in (
            "sources",
            "organisations",
            "hazard_area_sources",
            "land_release_sources",
            "incident_sources",
            "claims",
            "statement_sources",
        ):
            self.assertIn(f"{table}.csv", names)
        self.assertIn("datapackage.json", names)

    def test_every_layer_csv_starts_with_the_id(self):
        archive = self.archive()
        for layer in LAYERS:
            with self.subTest(layer=layer):
                self.assertEqual(frame(archive, f"{layer}.csv").columns[0], "id")

    def test_releases_join_their_hazard_areas_and_organisations_on_the_ids(self):
        archive = self.archive()
        releases = frame(archive, "land_releases.csv")
        hazards = frame(archive, "hazard_areas.csv")
        organisations = frame(archive, "organisations.csv")
        joined = releases.merge(
            hazards, left_on="hazard_area", right_on="id", suffixes=("", "_hazard")
        )
        self.assertEqual(
            list(zip(joined["reference"], joined["reference_hazard"], strict=True)),
            [("LR-1", "HA-3")],
        )
        with_operator = releases.merge(
            organisations, left_on="organisation", right_on="id", suffixes=("", "_org")
        )
        self.assertEqual(
            sorted(zip(with_operator["reference"], with_operator["acronym"], strict=True)),
            [("LR-1", "ADM"), ("LR-2", "ADM"), ("LR-3", "BMAA")],
        )
        surveyed = hazards.merge(organisations, left_on="surveyed_by", right_on="id")
        self.assertEqual(list(surveyed["name_y"]), ["Beta Mine Action Agency"])

    def test_the_link_tables_give_each_record_its_sources_with_their_urls(self):
        archive = self.archive()
        hazards = frame(archive, "hazard_areas.csv")
        links = frame(archive, "hazard_area_sources.csv")
        sources = frame(archive, "sources.csv")
        cited = hazards.merge(links, left_on="id", right_on="hazard_area").merge(
            sources, left_on="source", right_on="id", suffixes=("", "_source")
        )
        self.assertEqual(
            list(zip(cited["reference"], cited["url"], cited["page"], strict=True)),
            [("HA-1", "https://example.org/report-5", 12)],
        )
        incident_sources = frame(archive, "incident_sources.csv").merge(
            sources, left_on="source", right_on="id"
        )
        self.assertEqual(list(incident_sources["title"]), ["Survey summary"])
        self.assertEqual(
            list(sources.columns),
            [
                "id",
                "title",
                "publisher",
                "url",
                "published_on",
                "accessed_on",
                "archived_url",
                "language",
                "is_reprint",
            ],
        )

    def test_sources_and_organisations_only_drafts_cite_are_absent(self):
        archive = self.archive()
        sources = frame(archive, "sources.csv")
        self.assertEqual(
            sorted(sources["title"]), ["Annual report 2023", "Press release", "Survey summary"]
        )
        self.assertNotIn(self.hidden_source.pk, list(sources["id"]))
        self.assertNotIn(self.draft_source.pk, list(sources["id"]))
        organisations = frame(archive, "organisations.csv")
        self.assertEqual(
            sorted(organisations["name"]),
            ["Alpha Demining", "Beta Mine Action Agency", "Mine Action Board"],
        )
        for name in archive.namelist():
            if name.endswith(".csv"):
                text = archive.read(name).decode()
                for hidden in ("HA-DRAFT", "Draft-only", "draft-statement", "LR-DRAFT"):
                    self.assertNotIn(hidden, text, name)

    def test_claims_sit_beside_the_records_with_speaker_source_and_demo_share(self):
        archive = self.archive()
        claims = frame(archive, "claims.csv")
        self.assertEqual(list(claims["id"]), [self.claim.pk])
        row = claims.iloc[0]
        self.assertEqual(row["statement"], "board-2023")
        self.assertEqual(row["speaker"], "Mine Action Board")
        self.assertEqual(row["quote"], "5 km2")
        self.assertEqual(row["source_url"], "https://example.org/press-release")
        self.assertEqual(row["statement_date"], "2023-05-25")
        self.assertEqual(row["scope"], "AZ")
        recorded = bridge.compare(self.claim)
        self.assertGreater(recorded.recorded.coverage.records, 0)
        self.assertEqual(row["records_count"], recorded.recorded.coverage.records)
        self.assertEqual(row["records_demo"], 0)
        self.assertEqual(row["records_demo_share"], 0)
        self.assertAlmostEqual(row["records_value"], recorded.value, places=6)
        self.assertEqual(row["records_unit"], "km2")
        self.assertEqual(row["is_demo"], False)
        # The joins: organisation, area, statement's sources.
        speaker = claims.merge(
            frame(archive, "organisations.csv"), left_on="speaker_organisation", right_on="id"
        )
        self.assertEqual(list(speaker["name"]), ["Mine Action Board"])
        scope = claims.merge(frame(archive, "areas.csv"), left_on="scope", right_on="code")
        self.assertEqual(list(scope["name_en"]), ["Testland"])
        links = frame(archive, "statement_sources.csv").merge(
            frame(archive, "sources.csv"), left_on="source", right_on="id"
        )
        self.assertEqual(list(links["statement"]), ["board-2023"])
        self.assertEqual(list(links["title"]), ["Press release"])

    def test_the_demo_share_counts_the_demo_records_behind_a_claim(self):
        before = bridge.compare(self.claim).recorded.coverage.records
        factories.make_land_release(
            reference="LR-DEMO",
            method="cleared",
            is_demo=True,
            geometry=factories.multi(factories.square(46.4, 39.4, 0.01)),
            started_on="2021-01-01",
            completed_on="2021-05-01",
        )
        row = frame(self.archive(), "claims.csv").iloc[0]
        self.assertEqual((row["records_count"], row["records_demo"]), (before + 1, 1))
        self.assertAlmostEqual(row["records_demo_share"], round(1 / (before + 1), 4))

    def test_a_newly_published_claim_changes_the_download(self):
        first = self.get("/api/v1/downloads/mine-atlas.csv.zip")
        b"".join(first.streaming_content)
        statement = factories.make_statement(reference="later")
        factories.make_claim(statement)
        again = self.get("/api/v1/downloads/mine-atlas.csv.zip", If_None_Match=first["ETag"])
        self.assertEqual(again.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(again.streaming_content)))
        self.assertEqual(len(frame(archive, "claims.csv")), 2)

    def test_a_layer_download_has_no_claims_and_keys_only_to_its_own_files(self):
        archive = self.archive("?layer=land_releases")
        self.assertNotIn("claims.csv", archive.namelist())
        self.assertNotIn("hazard_area_sources.csv", archive.namelist())
        package = json.loads(archive.read("datapackage.json"))
        releases = next(r for r in package["resources"] if r["name"] == "land-releases")
        self.assertEqual(
            [key["fields"] for key in releases["schema"]["foreignKeys"]], ["organisation"]
        )

    def test_the_datapackage_describes_every_file_and_validates(self):
        archive = self.archive()
        package = json.loads(archive.read("datapackage.json"))
        readme = archive.read("README.txt").decode()
        self.assertIn(f"Data version: {package['version']} ", readme)
        self.assertEqual(package["licenses"][0]["name"], "CC-BY-4.0")
        described = {resource["path"] for resource in package["resources"]}
        self.assertEqual(described, set(archive.namelist()) - {"datapackage.json"})
        releases = next(r for r in package["resources"] if r["name"] == "land-releases")
        self.assertIn(
            {"fields": "hazard_area", "reference": {"resource": "hazard-areas", "fields": "id"}},
            releases["schema"]["foreignKeys"],
        )
        with tempfile.TemporaryDirectory() as folder:
            archive.extractall(folder)
            report = Package(str(Path(folder) / "datapackage.json")).validate()
        self.assertTrue(report.valid, report.flatten(["resourcePath", "type", "note"]))

    def test_the_validator_sees_a_broken_join(self):
        # The check itself can fail: a release naming a hazard area the file does not hold.
        archive = self.archive()
        with tempfile.TemporaryDirectory() as folder:
            archive.extractall(folder)
            path = Path(folder) / "land_releases.csv"
            rows = list(csv.DictReader(io.StringIO(archive.read("land_releases.csv").decode())))
            rows[0]["hazard_area"] = "999999"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
            report = Package(str(Path(folder) / "datapackage.json")).validate()
        self.assertFalse(report.valid)
        self.assertIn("foreign-key", [error[0] for error in report.flatten(["type"])])

    def test_gdal_reads_each_layer_with_its_geometry_in_epsg_4326(self):
        archive = self.archive()
        with tempfile.TemporaryDirectory() as folder:
            archive.extractall(folder)
            for layer, count, geometry in (
                ("hazard_areas", 3, "Multi Polygon"),
                ("land_releases", 3, "Multi Polygon"),
                ("incidents", 3, "Point"),
                ("areas", 3, "Multi Polygon"),
            ):
                with self.subTest(layer=layer):
                    output = ogrinfo(str(Path(folder) / f"{layer}.vrt"))
                    self.assertIn(f"Feature Count: {count}", output)
                    self.assertIn(f"Geometry: {geometry}", output)
                    self.assertIn('ID["EPSG",4326]', output)
                    self.assertIn("id: Integer64", output)
                    # The CSV alone: its .csvt names the WKT column, its .prj the CRS.
                    direct = ogrinfo(str(Path(folder) / f"{layer}.csv"))
                    self.assertIn(f"Feature Count: {count}", direct)
                    self.assertIn('GEOGCRS["WGS 84"', direct)
            converted = Path(folder) / "releases.gpkg"
            subprocess.run(
                ["ogr2ogr", "-f", "GPKG", str(converted), str(Path(folder) / "land_releases.vrt")],
                check=True,
                capture_output=True,
                timeout=120,
            )
            self.assertIn('ID["EPSG",4326]', ogrinfo(str(converted)))

    def test_the_readme_lists_the_new_files(self):
        readme = self.archive().read("README.txt").decode()
        for name in ("sources.csv", "organisations.csv", "claims.csv", "datapackage.json"):
            self.assertIn(name, readme)
        self.assertIn("- id: The row's id", readme)

    def test_the_data_dictionary_describes_every_column_in_three_languages(self):
        archive = self.archive()
        dictionary = list(csv.DictReader(io.StringIO(archive.read("data-dictionary.csv").decode())))
        described = {(row["file"], row["column"]) for row in dictionary}
        for name in archive.namelist():
            if name.endswith(".csv") and name != "data-dictionary.csv":
                header = next(csv.reader(io.StringIO(archive.read(name).decode())))
                for column in header:
                    self.assertIn((name, column), described)
        category = next(
            row
            for row in dictionary
            if (row["file"], row["column"]) == ("hazard_areas.csv", "category")
        )
        self.assertTrue(category["description_en"].startswith("Evidence for the hazard."))
        self.assertRegex(category["description_ru"], "[а-я]{4}")
        self.assertRegex(category["description_az"], "[əğış]")
        # The codes a script reads stay the same; only the words beside them are translated.
        self.assertIn("`sha`", category["description_ru"])
        # The CSVs themselves do not change with the reader's language.
        russian = self.get("/api/v1/downloads/mine-atlas.csv.zip?lang=ru")
        in_russian = zipfile.ZipFile(io.BytesIO(b"".join(russian.streaming_content)))
        self.assertEqual(in_russian.read("hazard_areas.csv"), archive.read("hazard_areas.csv"))
        readme = in_russian.read("README.txt").decode()
        self.assertIn("data-dictionary.csv: every column of every file", readme)

    def test_the_geojson_zip_and_the_geopackage_carry_the_tables_too(self):
        response = self.get("/api/v1/downloads/mine-atlas.geojson.zip")
        names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
        self.assertIn("sources.csv", names)
        self.assertIn("claims.csv", names)
        self.assertNotIn("hazard_areas.csv", names)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "mine-atlas.gpkg"
            response = self.get("/api/v1/downloads/mine-atlas.gpkg")
            path.write_bytes(b"".join(response.streaming_content))
            output = ogrinfo(str(path))
        for table in ("sources", "organisations", "claims", "hazard_area_sources"):
            self.assertIn(f"Layer name: {table}\n", output)

    def test_the_download_costs_a_fixed_number_of_queries(self):
        # One more claim on a new question would add one query (its comparison), not more.
        # The files written by COPY (each layer and plain table) run on psycopg's own cursor
        # and are not in Django's log: these are the counts, the claims and their comparison.
        with (
            override_settings(API_DOWNLOAD_CACHE_DIR=tempfile.mkdtemp()),
            CaptureQueriesContext(connection) as queries,
        ):
            self.archive()
        self.assertEqual(len(queries), 15, "\n".join(q["sql"][:120] for q in queries))


def ogrinfo(path):
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", path],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class SourceCountTests(APITestCase):
    def test_sources_csv_follows_the_download_filters(self):
        # Only what the files refer to: the east unit's records cite no source of the west.
        with override_settings(API_DOWNLOAD_CACHE_DIR=tempfile.mkdtemp()):
            response = self.get("/api/v1/downloads/mine-atlas.csv.zip?area=AZ-W&layer=incidents")
            archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        sources = frame(archive, "sources.csv")
        self.assertEqual(list(sources["title"]), ["Survey summary"])
        self.assertEqual(Source.objects.count(), 2)


class StatsCSVTests(APITestCase):
    def rows(self, path):
        response = self.get(path)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return pandas.read_csv(io.BytesIO(response.content))

    def test_grouped_figures_are_one_row_per_group_with_the_json_figures(self):
        rows = self.rows("/api/v1/stats/land-released/?group_by=year&format=csv")
        figures = self.get("/api/v1/stats/land-released/?group_by=year").json()["results"]
        self.assertEqual(list(rows["key"]), [2022, 2023])
        self.assertEqual(list(rows["total_km2"]), [item["total_km2"] for item in figures])
        self.assertEqual(set(rows["data_version"]), {"2024-01-15T13:00:00Z"})
        self.assertEqual(set(rows["group_by"]), {"year"})

    def test_the_summary_is_one_row_and_counts_published_records_only(self):
        rows = self.rows("/api/v1/stats/summary/?format=csv")
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows["releases.count"][0], 3)  # not LR-DRAFT nor LR-RETRACTED
        self.assertEqual(rows["coverage.incidents.records"][0], 3)
        self.assertEqual(rows["demo_records"][0], 0)

    def test_area_figures_join_the_areas_on_their_code(self):
        rows = self.rows("/api/v1/stats/areas/?format=csv")
        self.assertEqual(sorted(rows["code"]), ["AZ", "AZ-E", "AZ-W"])

    def test_an_unknown_format_is_still_a_json_400(self):
        response = self.get("/api/v1/stats/summary/?format=xlsx")
        self.assertEqual(response.status_code, 400)
        self.assertIn("format", response.json())


class StatementsCSVTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first, cls.second = (
            factories.make_source(title=f"Report {n}", url=f"https://example.org/r-{n}")
            for n in (1, 2)
        )
        board = factories.make_organisation(name="Mine Action Board")
        statement = factories.make_statement(
            reference="board-2023", speaker_organisation=board, sources=[cls.first, cls.second]
        )
        cls.claims = [factories.make_claim(statement), factories.make_claim(statement)]
        cls.board = board

    def csv(self, path):
        response = self.get(path)
        self.assertEqual(response.status_code, 200)
        return pandas.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False)

    def test_the_statements_csv_has_ids_and_no_json_in_any_cell(self):
        rows = self.csv("/api/v1/statements/?format=csv")
        row = rows.iloc[0]
        self.assertEqual(row["sources"], f"{self.first.pk};{self.second.pk}")
        self.assertEqual(row["claims"], ";".join(str(claim.pk) for claim in self.claims))
        self.assertEqual(row["speaker_organisation.id"], str(self.board.pk))
        for column in rows.columns:
            for cell in rows[column]:
                self.assertFalse(cell.startswith(("[", "{")), f"{column}: {cell[:60]}")

    def test_claims_join_their_statements_and_the_speakers_organisation(self):
        claims = self.csv("/api/v1/claims/?format=csv")
        statements = self.csv("/api/v1/statements/?format=csv")
        joined = claims.merge(statements, left_on="statement", right_on="key")
        self.assertEqual(sorted(joined["id"]), sorted(str(claim.pk) for claim in self.claims))
        self.assertEqual(set(claims["speaker_organisation"]), {str(self.board.pk)})
        organisations = self.get("/api/v1/organisations/").json()["results"]
        self.assertIn(self.board.pk, [item["id"] for item in organisations])
